#include "ops/config_check.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "config/loader.hpp"
#include "filters/filter_library.hpp"
#include "isapi/extension_library.hpp"
#include "ops/host_options.hpp"
#include "ops/privileges.hpp"
#include "wine/wine_installation.hpp"

namespace isapi_fcgi::ops {
namespace {

/// As long as the supervisor waits for a worker to load its extensions.
constexpr std::chrono::seconds load_timeout{60};

void write_line(int fd, const std::string& line) {
    std::string text = line;
    std::replace(text.begin(), text.end(), '\n', ' ');
    text += '\n';
    for (std::size_t done = 0; done < text.size();) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += static_cast<std::size_t>(n);
    }
}

std::optional<std::string> unreadable_directory(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return fmt::format("{}: {}", path, std::strerror(errno));
    if (!S_ISDIR(info.st_mode)) return fmt::format("{} is not a directory", path);
    if (::access(path.c_str(), R_OK | X_OK) != 0) return fmt::format("{}: {}", path, std::strerror(errno));
    return std::nullopt;
}

// Modules to load: the extensions, then the filters (index extensions.size() + j).
std::size_t module_count(const config::pool_settings& pool) {
    return pool.isapi.extensions.size() + pool.isapi.filters.size();
}

// The child: the pool's identity, then modules `first`.. one by one, each reported on `out`
// as "loading I", then "ok I" or "failed I REASON"; "fatal REASON" when it cannot even start.
[[noreturn]] void load_in_child(const config::pool_settings& pool, std::size_t first, int out) {
    // The extensions' own output and our log lines are not the check's report.
    const int null = ::open("/dev/null", O_RDWR);
    if (null >= 0) {
        ::dup2(null, STDOUT_FILENO);
        ::dup2(null, STDERR_FILENO);
    }
    spdlog::set_level(spdlog::level::off);
    try {
        if (::geteuid() == 0) drop_privileges(pool.process.user, pool.process.group);
    } catch (const std::exception& e) {
        write_line(out, fmt::format("fatal {}", e.what()));
        ::_exit(0);
    }
    if (first == 0 && !pool.isapi.document_root.empty())
        if (auto why = unreadable_directory(pool.isapi.document_root))
            write_line(out, "docroot the document root cannot be read by the pool's user: " + *why);
    for (std::size_t i = first; i < pool.isapi.extensions.size(); ++i) {
        auto ext = pool.isapi.extensions[i];
        ext.required = false;  // every failure is reported, none thrown
        write_line(out, fmt::format("loading {}", i));
        if (ext.runtime == config::extension_runtime::wine) {
            // Not loaded here: its PE header, exports, worker, Wine and prefix are what can be
            // checked without starting Wine (as the pool's user: the prefix must be theirs).
            const std::string problem = wine::check_dll(ext.path);
            write_line(out, problem.empty() ? fmt::format("ok {}", i) : fmt::format("failed {} {}", i, problem));
            continue;
        }
        // Never unloaded: TerminateExtension is not part of the check, and the child exits.
        const auto* loaded = new isapi::extension_library(isapi_extension_options(ext));
        write_line(out, loaded->usable() ? fmt::format("ok {}", i) : fmt::format("failed {} {}", i, loaded->load_error()));
    }
    const std::size_t filters_from = pool.isapi.extensions.size();
    for (std::size_t i = std::max(first, filters_from); i < module_count(pool); ++i) {
        const auto& filter = pool.isapi.filters[i - filters_from];
        write_line(out, fmt::format("loading {}", i));
        try {
            // Never unloaded, as above: TerminateFilter is not part of the check.
            new filters::filter_library(filters::filter_settings{filter.name, filter.path});
            write_line(out, fmt::format("ok {}", i));
        } catch (const std::exception& e) {
            write_line(out, fmt::format("failed {} {}", i, e.what()));
        }
    }
    ::_exit(0);
}

std::string describe_end(int status, bool timed_out) {
    if (timed_out) return fmt::format("it did not return within {}s", load_timeout.count());
    if (WIFSIGNALED(status)) {
        const char* name = ::sigabbrev_np(WTERMSIG(status));
        return fmt::format("the process was killed by SIG{}", name ? name : std::to_string(WTERMSIG(status)));
    }
    return fmt::format("the process exited with status {}", WEXITSTATUS(status));
}

struct child_report {
    std::vector<std::string> lines;
    int status = 0;
    bool timed_out = false;
};

child_report run_child(const config::pool_settings& pool, std::size_t first) {
    child_report report;
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        report.lines.push_back(fmt::format("fatal cannot create a pipe: {}", std::strerror(errno)));
        return report;
    }
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) {
        report.lines.push_back(fmt::format("fatal cannot fork: {}", std::strerror(errno)));
        ::close(fds[0]);
        ::close(fds[1]);
        return report;
    }
    if (pid == 0) {
        ::close(fds[0]);
        load_in_child(pool, first, fds[1]);
    }
    ::close(fds[1]);
    std::string pending;
    auto deadline = std::chrono::steady_clock::now() + load_timeout;
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            ::kill(pid, SIGKILL);
            report.timed_out = true;
            break;
        }
        pollfd p{fds[0], POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) continue;
        char buffer[4096];
        const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        pending.append(buffer, static_cast<std::size_t>(n));
        for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n')) {
            report.lines.push_back(pending.substr(0, nl));
            pending.erase(0, nl + 1);
            // Each extension gets the whole bound, as each worker start does.
            deadline = std::chrono::steady_clock::now() + load_timeout;
        }
    }
    ::close(fds[0]);
    while (::waitpid(pid, &report.status, 0) < 0 && errno == EINTR) {
    }
    return report;
}

check_problem at_pool(const config::pool_settings& pool, std::string reason) {
    return {pool.source, pool.line, pool.column, fmt::format("pool '{}': {}", pool.name, reason)};
}

check_problem at_extension(const config::pool_settings& pool, std::size_t i, std::string reason) {
    if (i >= pool.isapi.extensions.size()) {
        const auto& filter = pool.isapi.filters[i - pool.isapi.extensions.size()];
        return {pool.source, filter.line, filter.column,
                fmt::format("pool '{}': filter '{}' ({}) cannot be loaded, so the pool cannot start: {}", pool.name,
                            filter.name, filter.path, reason)};
    }
    const auto& ext = pool.isapi.extensions[i];
    return {pool.source, ext.line, ext.column, fmt::format("pool '{}': extension '{}' ({}) cannot be loaded: {}", pool.name,
                                              ext.name, ext.path, reason)};
}

void check_loads(const config::pool_settings& pool, std::vector<check_problem>& problems) {
    std::size_t first = 0;
    bool docroot_checked = false;
    while (first < module_count(pool) || !docroot_checked) {
        const auto report = run_child(pool, first);
        docroot_checked = true;
        std::optional<std::size_t> loading;
        for (const auto& line : report.lines) {
            const auto space = line.find(' ');
            const std::string verb = line.substr(0, space);
            const std::string rest = space == std::string::npos ? "" : line.substr(space + 1);
            if (verb == "fatal") {
                problems.push_back(at_pool(pool, "cannot take the pool's identity: " + rest));
                return;
            }
            if (verb == "docroot") {
                problems.push_back(at_pool(pool, rest));
                continue;
            }
            const std::size_t index = std::strtoul(rest.c_str(), nullptr, 10);
            if (index >= module_count(pool)) continue;
            if (verb == "loading") {
                loading = index;
            } else {
                loading.reset();
                first = index + 1;
                if (verb == "failed") {
                    const auto reason_at = rest.find(' ');
                    problems.push_back(
                        at_extension(pool, index, reason_at == std::string::npos ? "" : rest.substr(reason_at + 1)));
                }
            }
        }
        if (loading) {
            const std::size_t at = *loading;
            const char* entry = at < pool.isapi.extensions.size() ? "GetExtensionVersion" : "GetFilterVersion";
            problems.push_back(at_extension(pool, at,
                                            fmt::format("it crashed or hung while loading (DllMain or {}): {}", entry,
                                                        describe_end(report.status, report.timed_out))));
            first = at + 1;
        } else if (first < module_count(pool)) {
            // Ended without a word on the rest: report that once, against the pool.
            problems.push_back(at_pool(pool, "the loading process ended early: " +
                                                 describe_end(report.status, report.timed_out)));
            return;
        }
    }
}

}  // namespace

std::vector<check_problem> check_environment(const config::settings& settings) {
    std::vector<check_problem> problems;
    for (const auto& pool : settings.pools) {
        for (const auto& address : pool.listen) {
            if (address.type != config::listen_address::kind::unix_socket) continue;
            const auto dir = std::filesystem::path(address.path).parent_path();
            struct stat info {};
            if (::stat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
                problems.push_back({pool.source, address.line, address.column,
                                    fmt::format("pool '{}': the directory of socket {} does not exist (create it, "
                                                "e.g. with RuntimeDirectory= in the systemd unit)",
                                                pool.name, address.path)});
        }
        if (::geteuid() == 0 && pool.process.user.empty() && !settings.allow_root &&
            (!pool.isapi.extensions.empty() || !pool.isapi.filters.empty())) {
            problems.push_back(at_pool(pool, "would run extensions as root: set the pool's 'user' (e.g. www-data), "
                                             "or 'allow_root: true'"));
            continue;  // its workers would not start, nothing more to learn by loading as root
        }
        check_loads(pool, problems);
    }
    return problems;
}

int run_config_check(const std::string& path) {
    config::settings settings;
    try {
        settings = config::load_file(path);
    } catch (const config::config_error& e) {
        std::fprintf(stderr, "isapi-fcgi: %s\n", e.what());
        return 1;
    }
    const auto problems = check_environment(settings);
    for (const auto& p : problems) {
        const std::string& file = p.file.empty() ? path : p.file;
        if (p.line > 0)
            std::fprintf(stderr, "isapi-fcgi: %s:%d:%d: %s\n", file.c_str(), p.line, p.column, p.reason.c_str());
        else
            std::fprintf(stderr, "isapi-fcgi: %s: %s\n", file.c_str(), p.reason.c_str());
    }
    if (!problems.empty()) {
        std::fprintf(stderr, "isapi-fcgi: configuration file %s test failed\n", path.c_str());
        return 1;
    }
    std::fprintf(stderr, "isapi-fcgi: configuration file %s test is successful\n", path.c_str());
    return 0;
}

}  // namespace isapi_fcgi::ops
