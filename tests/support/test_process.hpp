#pragma once
// A child process owned by one test: spawned with posix_spawn, its output captured to files,
// stopped by pid (TERM, then KILL after a bound) and checked on the way out (nginx-tests'
// Test::Nginx::stop and h2o's spawn_server idea). The destructor stops it if still running.
#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/deadline.hpp"

namespace isapi_fcgi::test {

/// How a process ended.
struct process_end {
    bool exited = false;  ///< exited normally (exit_code valid)
    int exit_code = -1;
    int signal = 0;       ///< the signal that killed it, when !exited
    bool needed_kill = false;  ///< ignored SIGTERM for the grace period, was SIGKILLed

    std::string describe() const;
};

struct spawn_options {
    /// Extra or replacing NAME=VALUE entries; with inherit_env=false, the whole environment.
    std::vector<std::string> env;
    bool inherit_env = true;
    std::filesystem::path stdin_path = "/dev/null";
    std::filesystem::path stdout_path;  ///< required
    std::filesystem::path stderr_path;  ///< empty: same file as stdout
};

class test_process {
public:
    /// Spawns argv[0] (PATH lookup when it has no slash). Throws std::system_error on failure.
    test_process(std::vector<std::string> argv, spawn_options options);
    ~test_process();
    test_process(const test_process&) = delete;
    test_process& operator=(const test_process&) = delete;

    pid_t pid() const { return pid_; }
    const std::vector<std::string>& argv() const { return argv_; }

    /// VmRSS from /proc in KiB (0 if unknown), as evidence in failure messages.
    std::size_t resident_kib() const;

    /// Reaps without blocking; false once the process has exited.
    bool running();
    /// The end status once reaped.
    const std::optional<process_end>& end() const { return end_; }
    /// Waits for the process to exit by itself until the deadline.
    std::optional<process_end> wait(deadline until);
    /// SIGTERM (or `sig`), then SIGKILL after `grace`; returns how it ended. Idempotent.
    process_end stop(std::chrono::milliseconds grace = scaled(std::chrono::seconds(10)),
                     int sig = SIGTERM);

    /// Captured output (stdout; stderr too when both go to one file).
    std::string output() const;
    std::string error_output() const;
    const std::filesystem::path& stdout_path() const { return options_.stdout_path; }
    const std::filesystem::path& stderr_path() const { return log_path(); }

    /// Current size of the log (stderr) file, to search only what comes after.
    std::size_t log_mark() const;
    /// Polls the log (stderr) file for a complete line matching `pattern` at or after byte
    /// `from`; returns that line, or nothing at the deadline or if the process exited first
    /// (after a final read).
    std::optional<std::string> wait_for_log_line(const std::regex& pattern, deadline until,
                                                 std::size_t from = 0);
    /// Polls until at least `count` lines match (true) or the deadline passes.
    bool wait_for_log_count(const std::regex& pattern, std::size_t count, deadline until,
                            std::size_t from = 0);
    /// Lines of the log (stderr) file matching `pattern`, at or after byte `from`.
    std::vector<std::string> log_lines(const std::regex& pattern, std::size_t from = 0) const;
    std::size_t count_log_lines(const std::regex& pattern, std::size_t from = 0) const
    {
        return log_lines(pattern, from).size();
    }

private:
    const std::filesystem::path& log_path() const
    {
        return options_.stderr_path.empty() ? options_.stdout_path : options_.stderr_path;
    }
    void reap(int status);

    std::vector<std::string> argv_;
    spawn_options options_;
    pid_t pid_ = -1;
    int pidfd_ = -1;  ///< readable when the child exits; -1 if the kernel refuses pidfd_open
    std::optional<process_end> end_;
};

/// Sanitizer reports found in a log ("ERROR: AddressSanitizer", "runtime error:", ...).
std::vector<std::string> sanitizer_reports(const std::string& log);

/// The teardown assertion: the process exited by itself after the stop signal (it handled
/// it: no death by a signal, no SIGKILL needed), with `expected_exit_code` when given, and
/// its log holds no sanitizer report.
::testing::AssertionResult ended_cleanly(const process_end& end, const std::string& log,
                                         std::optional<int> expected_exit_code = 0);

/// Last `max_bytes` of a text, for failure messages.
std::string tail(const std::string& text, std::size_t max_bytes = 6000);

}  // namespace isapi_fcgi::test
