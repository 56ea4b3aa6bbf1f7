#pragma once
// One Windows worker process: `wine64 isapi-wine-worker.exe ...` with a pipe as its stdin (we
// write records) and one as its stdout (we read records); its stderr is ours, the log. Owned by
// the Linux worker, stopped with it: closing stdin asks it to finish and exit, SIGKILL follows
// after a bound.
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

namespace isapi_fcgi::wine {

class worker_process {
public:
    /// Spawns `argv` with `environment` added to ours; throws std::runtime_error when fork/exec
    /// setup fails (an exec failure shows as EOF on output()).
    worker_process(const std::vector<std::string>& argv, const std::vector<std::string>& environment);
    /// stop() with a short bound.
    ~worker_process();
    worker_process(const worker_process&) = delete;
    worker_process& operator=(const worker_process&) = delete;

    pid_t pid() const noexcept { return pid_; }
    int input() const noexcept { return in_; }    ///< write end of its stdin
    int output() const noexcept { return out_; }  ///< read end of its stdout

    /// Writes all of `data` (blocking); false once the worker is gone.
    bool write_all(const char* data, std::size_t size);
    /// Closes its stdin: the worker finishes what it has, calls TerminateExtension and exits.
    /// Only from the thread that writes.
    void close_input();
    /// SIGKILL (a worker that did not end within its grace); any thread.
    void kill() noexcept;
    /// Closes its stdin (the worker finishes what it has and exits), waits up to `grace`, then
    /// SIGKILLs it. Returns its wait status. Idempotent.
    int stop(std::chrono::milliseconds grace);
    /// Its exit, once output() reached EOF: reaps it (bounded) and returns the wait status.
    /// Leaves its stdin to the writing thread (closed by close_input() or the destructor).
    int reap();
    /// "exited with status N" / "killed by SIGSEGV".
    static std::string describe_status(int status);

private:
    int wait_for_exit(std::chrono::milliseconds grace);

    pid_t pid_ = -1;
    int in_ = -1;
    int out_ = -1;
    std::atomic<bool> reaped_{false};  ///< read by kill() on any thread
    int status_ = 0;
};

}  // namespace isapi_fcgi::wine
