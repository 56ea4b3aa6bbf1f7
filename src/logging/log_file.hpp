#pragma once
// A log file the process appends to and can reopen by name (logrotate: rename, then SIGUSR1),
// and the process-wide table of them, keyed by path, so the main log and the access log (or
// two pools naming one file) share one descriptor.
//
// Reopening across a privilege drop: workers run as the pool's `user`, which may not be allowed
// to open the files (they are created by the master, root, mode `log.mode`). So the master
// opens every log file and hands the descriptors to each worker over its channel (SCM_RIGHTS):
// at start and after each SIGUSR1. A worker adopts them (adopt()) and never opens a log file by
// name itself; single-process mode and the master reopen by name (reopen_all()).
//
// Each line is one write(2) on an O_APPEND descriptor: nothing is buffered in the process, so a
// crash loses no lines and concurrent writers never interleave within a line.
#include <sys/types.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace isapi_fcgi::logging {

inline constexpr mode_t default_log_mode = 0640;

class log_file {
public:
    /// Takes `fd` (closed on destruction and on replace) unless `owned` is false (stderr).
    log_file(std::string path, int fd, bool owned = true) noexcept;
    ~log_file();
    log_file(const log_file&) = delete;
    log_file& operator=(const log_file&) = delete;

    /// Opens `path` for appending, creating it with exactly `mode` (umask aside, fchmod'd when
    /// this call created it); close-on-exec. Returns the descriptor or the error.
    static std::pair<int, std::error_code> open_for_append(const std::string& path, mode_t mode) noexcept;

    /// Appends the whole of `line` (one write unless the kernel splits it); the error otherwise.
    std::error_code write(std::string_view line) noexcept;
    /// Switches to a descriptor already open on the same path (handed by the master).
    void replace(int fd) noexcept;
    /// Opens the path again and switches to it; on failure keeps the old descriptor.
    std::error_code reopen(mode_t mode) noexcept;

    const std::string& path() const noexcept { return path_; }
    /// The current descriptor, for handing it to a worker (valid until the next replace/reopen).
    int descriptor() const noexcept;

private:
    std::string path_;
    mutable std::mutex mutex_;
    int fd_;
    bool owned_;
};

/// A path and a descriptor open on it, as handed from the master to a worker.
struct handed_file {
    std::string path;
    int fd = -1;
};

/// The process's log files (the table above). Thread-safe.
namespace log_files {

/// The mode new log files get (log.mode); default 0640.
void set_mode(mode_t mode) noexcept;
/// The file for `path`: the one already in the table, or opened now; throws std::system_error.
std::shared_ptr<log_file> get(const std::string& path);
/// Forgets files whose path is not in `paths` (after a reload changed them); loggers still
/// holding one keep writing to it.
void retain(const std::vector<std::string>& paths);
/// Reopens every file by its path; returns "path: reason" for each that failed (kept open).
std::vector<std::string> reopen_all();
/// Takes the handed descriptors: a file in the table switches to its path's descriptor, others
/// enter the table (for a logger created later).
void adopt(std::vector<handed_file> files) noexcept;
/// Every file in the table with its current descriptor (still owned by the table).
std::vector<handed_file> current();
/// Empties the table (tests).
void clear() noexcept;

}  // namespace log_files

}  // namespace isapi_fcgi::logging
