// isapi-fcgi command line: parse the arguments, then check the configuration, or load it, set up
// logging and run the server in the foreground until a signal stops it.
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

#include "config/effective_config.hpp"
#include "config/loader.hpp"
#include "iis_import/import_command.hpp"
#include "ops/config_check.hpp"
#include "ops/master.hpp"
#include "ops/reload_command.hpp"
#include "ops/wine_prefix_command.hpp"
#include "ops/wine_prefix_keepers.hpp"
#include "ops/single_process.hpp"
#include "ops/worker_main.hpp"
#include "ping/ping_command.hpp"

namespace {

constexpr std::string_view default_config_path = "/etc/isapi-fcgi/isapi-fcgi.yaml";

// Exit codes: 0 success, 1 a configuration or start-up error, 2 a command-line mistake.
constexpr int exit_ok = 0;
constexpr int exit_failure = 1;
constexpr int exit_usage = 2;

enum class action { run, check_config, print_config, version, help };

struct options {
    action what = action::run;
    std::string config_path{default_config_path};
    bool single_process = false;
};

void print_usage(std::FILE* to) {
    std::fprintf(to,
                 "usage: isapi-fcgi [--config FILE] [--check-config | -T] [--single-process]\n"
                 "       isapi-fcgi import-iis [options] applicationHost.config|web.config\n"
                 "       isapi-fcgi ping [--socket unix:PATH|tcp:HOST:PORT] [--path /ping] [--timeout S]\n"
                 "       isapi-fcgi reload [--config FILE] [--pid PID] [--timeout S]\n"
                 "       isapi-fcgi wine-prefix [--config FILE]   (install step: the pool users' Wine prefixes)\n"
                 "       isapi-fcgi --version | --help\n"
                 "\n"
                 "  -c, --config FILE     configuration file (default %s)\n"
                 "  -t, --check-config    check the configuration as a start would (extension loads in\n"
                 "                        a child as the pool's user included), then exit\n"
                 "  -T, --print-config    check it, then print the effective configuration (defaults\n"
                 "                        included) as YAML on stdout\n"
                 "      --single-process  serve in this one process, without a master and workers\n"
                 "                        (for gdb and valgrind)\n"
                 "      --version         print the version and exit\n"
                 "  -h, --help            print this help and exit\n"
                 "\n"
                 "Runs in the foreground. SIGTERM, SIGINT or SIGQUIT stop it gracefully (a second one\n"
                 "at once), SIGHUP reloads the configuration and the extensions, SIGUSR1 reopens logs.\n",
                 default_config_path.data());
}

// nullopt: a mistake, already explained on stderr.
std::optional<options> parse_arguments(int argc, char** argv) {
    options parsed;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--config" || arg == "-c") {
            if (i + 1 == argc) {
                std::fprintf(stderr, "isapi-fcgi: %s needs a file name\n", argv[i]);
                return std::nullopt;
            }
            parsed.config_path = argv[++i];
        } else if (arg.starts_with("--config=")) {
            parsed.config_path = std::string(arg.substr(9));
        } else if (arg == "--single-process") {
            parsed.single_process = true;
        } else if (arg == "--check-config" || arg == "-t") {
            parsed.what = action::check_config;
        } else if (arg == "--print-config" || arg == "-T") {
            parsed.what = action::print_config;
        } else if (arg == "--version") {
            return options{action::version, {}};
        } else if (arg == "--help" || arg == "-h") {
            return options{action::help, {}};
        } else {
            std::fprintf(stderr, "isapi-fcgi: unknown option '%s'\n", argv[i]);
            return std::nullopt;
        }
    }
    return parsed;
}

std::optional<isapi_fcgi::config::settings> load_config(const std::string& path) {
    try {
        return isapi_fcgi::config::load_file(path);
    } catch (const isapi_fcgi::config::config_error& e) {
        std::fprintf(stderr, "isapi-fcgi: %s\n", e.what());
        return std::nullopt;
    }
}

int check_config(const std::string& path) {
    return isapi_fcgi::ops::run_config_check(path) == 0 ? exit_ok : exit_failure;
}

}  // namespace

int main(int argc, char** argv) {
    // A worker the master started (fork + exec of this binary); never typed by a person.
    if (argc > 1 && std::string_view(argv[1]) == "--worker") return isapi_fcgi::ops::worker_main(argc, argv);
    if (argc > 1 && std::string_view(argv[1]) == "--wine-keeper") return isapi_fcgi::ops::wine_keeper_main(argc, argv);
    // A subcommand with options of its own (see `isapi-fcgi import-iis --help`).
    if (argc > 1 && std::string_view(argv[1]) == "import-iis") {
        return isapi_fcgi::iis_import::run_import_command(argc - 2, argv + 2);
    }
    if (argc > 1 && std::string_view(argv[1]) == "ping") return isapi_fcgi::ping::run_ping_command(argc - 2, argv + 2);
    if (argc > 1 && std::string_view(argv[1]) == "reload") return isapi_fcgi::ops::run_reload_command(argc - 2, argv + 2);
    if (argc > 1 && std::string_view(argv[1]) == "wine-prefix")
        return isapi_fcgi::ops::run_wine_prefix_command(argc - 2, argv + 2);
    const auto parsed = parse_arguments(argc, argv);
    if (!parsed) {
        print_usage(stderr);
        return exit_usage;
    }
    switch (parsed->what) {
        case action::version:
            std::printf("isapi-fcgi %s\n", ISAPI_FCGI_VERSION);
            return exit_ok;
        case action::help:
            print_usage(stdout);
            return exit_ok;
        case action::check_config:
            return check_config(parsed->config_path);
        case action::print_config: {
            const auto settings = load_config(parsed->config_path);
            if (!settings) return exit_failure;
            const int rc = check_config(parsed->config_path);
            std::fputs(isapi_fcgi::config::effective_yaml(*settings).c_str(), stdout);
            return rc;
        }
        case action::run:
            break;
    }
    if (parsed->single_process) return isapi_fcgi::ops::run_single_process(parsed->config_path);
    return isapi_fcgi::ops::run_master(parsed->config_path);
}
