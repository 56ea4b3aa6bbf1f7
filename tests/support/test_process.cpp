#include "support/test_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <sstream>
#include <system_error>
#include <thread>

#include "support/temp_dir.hpp"

extern char** environ;

namespace isapi_fcgi::test {

namespace {

std::vector<std::string> build_environment(const spawn_options& options)
{
    std::map<std::string, std::string> merged;
    auto add = [&merged](const std::string& entry) {
        auto equals = entry.find('=');
        merged[entry.substr(0, equals)] = entry;
    };
    if (options.inherit_env) {
        for (char** entry = environ; *entry != nullptr; ++entry) {
            add(*entry);
        }
    }
    for (const auto& entry : options.env) {
        add(entry);
    }
    std::vector<std::string> result;
    result.reserve(merged.size());
    for (auto& [name, entry] : merged) {
        result.push_back(std::move(entry));
    }
    return result;
}

std::vector<char*> pointers(std::vector<std::string>& strings)
{
    std::vector<char*> result;
    result.reserve(strings.size() + 1);
    for (auto& text : strings) {
        result.push_back(text.data());
    }
    result.push_back(nullptr);
    return result;
}

void check_spawn(int rc, const char* what)
{
    if (rc != 0) {
        throw std::system_error(rc, std::generic_category(), what);
    }
}

std::vector<std::string> matching_lines(const std::string& text, const std::regex& pattern)
{
    std::vector<std::string> result;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) {
            break;  // an incomplete last line is still being written
        }
        std::string line = text.substr(start, end - start);
        if (std::regex_search(line, pattern)) {
            result.push_back(std::move(line));
        }
        start = end + 1;
    }
    return result;
}

std::string read_from(const std::filesystem::path& path, std::size_t from)
{
    std::string text = read_file(path);
    return from >= text.size() ? std::string() : text.substr(from);
}

}  // namespace

std::string process_end::describe() const
{
    std::ostringstream text;
    if (exited) {
        text << "exited with code " << exit_code;
    } else {
        text << "killed by signal " << signal << " (" << ::strsignal(signal) << ")";
    }
    if (needed_kill) {
        text << " after ignoring SIGTERM";
    }
    return text.str();
}

test_process::test_process(std::vector<std::string> argv, spawn_options options)
    : argv_(std::move(argv)), options_(std::move(options))
{
    if (argv_.empty() || options_.stdout_path.empty()) {
        throw std::invalid_argument("test_process needs argv and stdout_path");
    }
    posix_spawn_file_actions_t actions;
    check_spawn(posix_spawn_file_actions_init(&actions), "posix_spawn_file_actions_init");
    const int out_flags = O_WRONLY | O_CREAT | O_APPEND;
    check_spawn(posix_spawn_file_actions_addopen(&actions, 0, options_.stdin_path.c_str(),
                                                 O_RDONLY, 0),
                "stdin");
    check_spawn(posix_spawn_file_actions_addopen(&actions, 1, options_.stdout_path.c_str(),
                                                 out_flags, 0644),
                "stdout");
    if (options_.stderr_path.empty()) {
        check_spawn(posix_spawn_file_actions_adddup2(&actions, 1, 2), "stderr");
    } else {
        check_spawn(posix_spawn_file_actions_addopen(&actions, 2, options_.stderr_path.c_str(),
                                                     out_flags, 0644),
                    "stderr");
    }
    posix_spawnattr_t attributes;
    check_spawn(posix_spawnattr_init(&attributes), "posix_spawnattr_init");
    // A child of its own group: a ^C on the test runner reaches the runner only, which then
    // stops its children by pid. The default signal mask and dispositions are restored.
    sigset_t no_signals;
    sigemptyset(&no_signals);
    sigset_t default_signals;
    sigemptyset(&default_signals);
    sigaddset(&default_signals, SIGPIPE);
    sigaddset(&default_signals, SIGTERM);
    sigaddset(&default_signals, SIGINT);
    sigaddset(&default_signals, SIGHUP);
    posix_spawnattr_setsigmask(&attributes, &no_signals);
    posix_spawnattr_setsigdefault(&attributes, &default_signals);
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK
                                              | POSIX_SPAWN_SETSIGDEF);

    std::vector<std::string> env = build_environment(options_);
    std::vector<std::string> args = argv_;
    auto env_pointers = pointers(env);
    auto arg_pointers = pointers(args);
    int rc = ::posix_spawnp(&pid_, arg_pointers[0], &actions, &attributes, arg_pointers.data(),
                            env_pointers.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (rc != 0) {
        pid_ = -1;
        throw std::system_error(rc, std::generic_category(), "posix_spawn " + argv_[0]);
    }
    pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
}

test_process::~test_process()
{
    if (pid_ > 0 && !end_) {
        stop(std::chrono::seconds(5));
    }
    if (pidfd_ >= 0) {
        ::close(pidfd_);
    }
}

void test_process::reap(int status)
{
    process_end result;
    if (WIFEXITED(status)) {
        result.exited = true;
        result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.signal = WTERMSIG(status);
    }
    end_ = result;
}

bool test_process::running()
{
    if (end_ || pid_ <= 0) {
        return false;
    }
    int status = 0;
    pid_t rc = ::waitpid(pid_, &status, WNOHANG);
    if (rc == pid_) {
        reap(status);
        return false;
    }
    return rc == 0;
}

std::optional<process_end> test_process::wait(deadline until)
{
    while (running()) {
        if (clock::now() >= until) {
            return std::nullopt;
        }
        if (pidfd_ >= 0) {
            pollfd exited{pidfd_, POLLIN, 0};
            ::poll(&exited, 1, poll_timeout_ms(until));
        } else {
            // Without a pidfd there is no exit event to wait on: poll waitpid.
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    }
    return end_;
}

process_end test_process::stop(std::chrono::milliseconds grace, int sig)
{
    if (!running()) {
        return end_.value_or(process_end{});
    }
    ::kill(pid_, sig);
    if (auto end = wait(deadline_after(grace))) {
        return *end;
    }
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reap(status);
    end_->needed_kill = true;
    return *end_;
}

std::size_t test_process::resident_kib() const
{
    std::istringstream status(read_file("/proc/" + std::to_string(pid_) + "/status"));
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return static_cast<std::size_t>(std::stoul(line.substr(6)));
        }
    }
    return 0;
}

std::string test_process::output() const { return read_file(options_.stdout_path); }

std::string test_process::error_output() const { return read_file(log_path()); }

std::size_t test_process::log_mark() const
{
    std::error_code ignored;
    auto size = std::filesystem::file_size(log_path(), ignored);
    return ignored ? 0 : static_cast<std::size_t>(size);
}

std::optional<std::string> test_process::wait_for_log_line(const std::regex& pattern,
                                                           deadline until, std::size_t from)
{
    for (;;) {
        bool alive = running();
        auto lines = matching_lines(read_from(log_path(), from), pattern);
        if (!lines.empty()) {
            return lines.front();
        }
        if (!alive || clock::now() >= until) {
            return std::nullopt;
        }
        // The log is a plain file written by another process: poll it.
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

bool test_process::wait_for_log_count(const std::regex& pattern, std::size_t count,
                                      deadline until, std::size_t from)
{
    for (;;) {
        bool alive = running();
        if (log_lines(pattern, from).size() >= count) {
            return true;
        }
        if (!alive || clock::now() >= until) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

std::vector<std::string> test_process::log_lines(const std::regex& pattern,
                                                 std::size_t from) const
{
    return matching_lines(read_from(log_path(), from), pattern);
}

std::vector<std::string> sanitizer_reports(const std::string& log)
{
    static const std::regex report(
        "ERROR: (AddressSanitizer|LeakSanitizer|MemorySanitizer)|runtime error:|"
        "WARNING: ThreadSanitizer|ERROR: ThreadSanitizer");
    std::vector<std::string> result;
    std::istringstream lines(log);
    for (std::string line; std::getline(lines, line);) {
        if (std::regex_search(line, report)) {
            result.push_back(line);
        }
    }
    return result;
}

::testing::AssertionResult ended_cleanly(const process_end& end, const std::string& log,
                                         std::optional<int> expected_exit_code)
{
    auto reports = sanitizer_reports(log);
    bool ok = end.exited && !end.needed_kill
              && (!expected_exit_code || end.exit_code == *expected_exit_code) && reports.empty();
    if (ok) {
        return ::testing::AssertionSuccess();
    }
    auto failure = ::testing::AssertionFailure();
    failure << "process " << end.describe();
    if (expected_exit_code) {
        failure << " (expected exit code " << *expected_exit_code << ")";
    }
    for (const auto& line : reports) {
        failure << "\n  sanitizer: " << line;
    }
    failure << "\n--- log tail ---\n" << tail(log);
    return failure;
}

std::string tail(const std::string& text, std::size_t max_bytes)
{
    if (text.size() <= max_bytes) {
        return text;
    }
    return "...\n" + text.substr(text.size() - max_bytes);
}

}  // namespace isapi_fcgi::test
