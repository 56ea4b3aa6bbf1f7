#pragma once
// An spdlog sink appending to a file that can be reopened by name, for logrotate's "rename, then
// SIGUSR1". Each line is one write(2) on an O_APPEND descriptor: nothing is buffered in the
// process, so a crash loses no lines and concurrent writers never interleave within a line.
#include <mutex>
#include <string>
#include <system_error>

#include <spdlog/sinks/base_sink.h>

namespace isapi_fcgi::logging {

class file_sink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    /// Opens (creating, mode 0640 before umask) `path` for appending; throws std::system_error.
    explicit file_sink(std::string path);
    /// Writes to an already-open descriptor it does not own (stderr, or the console a worker
    /// inherited); reopen() does nothing. `name` appears in error messages.
    file_sink(int fd, std::string name);
    ~file_sink() override;
    file_sink(const file_sink&) = delete;
    file_sink& operator=(const file_sink&) = delete;

    /// Opens `path` again and switches to the new descriptor; on failure keeps writing to the
    /// old one and returns the error. Thread-safe with logging.
    std::error_code reopen();

    const std::string& path() const noexcept { return path_; }

protected:
    /// Throws spdlog::spdlog_ex on a failed write; the logger hands it to its error handler.
    void sink_it_(const spdlog::details::log_msg& msg) override;
    void flush_() override {}

private:
    std::string path_;
    int fd_ = -1;
    bool owned_ = true;
};

}  // namespace isapi_fcgi::logging
