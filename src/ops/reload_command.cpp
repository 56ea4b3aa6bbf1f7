#include "ops/reload_command.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "config/config_error.hpp"
#include "config/loader.hpp"
#include "config/value_error.hpp"
#include "config/value_parsers.hpp"
#include "ops/config_check.hpp"
#include "ops/master_state.hpp"

namespace isapi_fcgi::ops {
namespace {

using clock = std::chrono::steady_clock;

constexpr int exit_done = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;
// How often the state file is read while waiting: a reload takes at least a worker start.
constexpr std::chrono::milliseconds poll_interval{50};

struct options {
    std::string config_path = "/etc/isapi-fcgi/isapi-fcgi.yaml";
    int pid = 0;  ///< 0: the state file's
    std::chrono::milliseconds timeout{std::chrono::seconds(60)};
};

void usage(std::FILE* to) {
    std::fprintf(to,
                 "usage: isapi-fcgi reload [--config FILE] [--pid PID] [--timeout T]\n"
                 "\n"
                 "Checks the configuration as --check-config does, sends the master SIGHUP and waits\n"
                 "for its verdict in the file's state_file: exit 0 when the new configuration is in\n"
                 "force, 1 (the cause on stderr) when it was refused, its workers could not start, or\n"
                 "no verdict came in time. For systemd: ExecReload=isapi-fcgi reload --pid $MAINPID\n"
                 "\n"
                 "  -c, --config FILE  the configuration file (default /etc/isapi-fcgi/isapi-fcgi.yaml)\n"
                 "  --pid PID          the master's pid (default: the one in state_file)\n"
                 "  --timeout T        how long to wait for the verdict: 90, 500ms, 2m (default 60s)\n");
}

std::optional<options> parse(int argc, char** argv, bool& help) {
    options o;
    for (int i = 0; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const bool has_value = i + 1 < argc;
        if (arg == "--help" || arg == "-h") {
            help = true;
            return o;
        }
        if ((arg == "--config" || arg == "-c") && has_value) {
            o.config_path = argv[++i];
        } else if (arg == "--pid" && has_value) {
            const std::string_view text = argv[++i];
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), o.pid);
            if (ec != std::errc{} || end != text.data() + text.size() || o.pid <= 0) {
                std::fprintf(stderr, "isapi-fcgi reload: --pid: '%s' is not a process id\n", argv[i]);
                return std::nullopt;
            }
        } else if (arg == "--timeout" && has_value) {
            try {
                o.timeout = config::parse_duration(argv[++i]);
            } catch (const config::value_error& e) {
                std::fprintf(stderr, "isapi-fcgi reload: --timeout: %s\n", e.what());
                return std::nullopt;
            }
        } else {
            const bool known = arg == "--config" || arg == "-c" || arg == "--pid" || arg == "--timeout";
            std::fprintf(stderr, "isapi-fcgi reload: %s '%s'\n", known ? "missing value for" : "unknown option", argv[i]);
            return std::nullopt;
        }
    }
    return o;
}

int fail(const std::string& why) {
    std::fprintf(stderr, "isapi-fcgi reload: %s\n", why.c_str());
    return exit_failed;
}

bool alive(int pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

int reload(const options& o) {
    // The master would refuse a file the check refuses; it is told nothing then.
    if (run_config_check(o.config_path) != 0) return fail("not reloaded: the running configuration stays in force");
    const auto settings = config::load_file(o.config_path);
    if (settings.state_file.empty())
        return fail(o.config_path + " sets no state_file, where the master reports the outcome of a reload");
    const auto before = read_master_state(settings.state_file);
    if (!before) return fail("no master state in " + settings.state_file + " (is the master running and ready?)");
    const int pid = o.pid != 0 ? o.pid : before->pid;
    if (pid != before->pid)
        return fail("the master " + std::to_string(pid) + " has not written " + settings.state_file + " (it names pid " +
                    std::to_string(before->pid) + "); is it running with state_file: " + settings.state_file + "?");
    if (::kill(pid, SIGHUP) != 0) return fail("cannot signal the master (pid " + std::to_string(pid) + "): " + std::strerror(errno));
    const auto until = clock::now() + o.timeout;
    while (true) {
        if (const auto now = read_master_state(settings.state_file); now && now->pid == pid && now->reloads > before->reloads) {
            if (now->last_reload == "ok") {
                std::fprintf(stderr, "isapi-fcgi reload: reload complete (master %d)\n", pid);
                return exit_done;
            }
            return fail("reload failed: " + now->last_reload_error + "; the previous configuration stays in force");
        }
        if (!alive(pid)) return fail("the master (pid " + std::to_string(pid) + ") exited during the reload");
        if (clock::now() >= until)
            return fail("no verdict from the master (pid " + std::to_string(pid) + ") within " +
                        std::to_string(o.timeout.count()) + " ms; its log says how the reload goes");
        std::this_thread::sleep_for(poll_interval);
    }
}

}  // namespace

int run_reload_command(int argc, char** argv) {
    bool help = false;
    const auto parsed = parse(argc, argv, help);
    if (help) {
        usage(stdout);
        return exit_done;
    }
    if (!parsed) {
        usage(stderr);
        return exit_usage;
    }
    try {
        return reload(*parsed);
    } catch (const config::config_error& e) {
        return fail(e.what());
    }
}

}  // namespace isapi_fcgi::ops
