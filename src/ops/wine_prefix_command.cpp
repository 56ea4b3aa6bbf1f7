#include "ops/wine_prefix_command.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.hpp"
#include "config/loader.hpp"
#include "ops/privileges.hpp"
#include "wine/wine_installation.hpp"

namespace isapi_fcgi::ops {
namespace {

constexpr int exit_done = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;
/// What the child reports through its exit status before it execs Wine.
constexpr int child_setup_failed = 120;

void usage(std::FILE* to) {
    std::fprintf(to,
                 "usage: isapi-fcgi wine-prefix [--config FILE]\n"
                 "  creates (or updates) the Wine prefix of each pool user with a `runtime: wine`\n"
                 "  extension, as that user; run it as root when pools name a `user:`\n");
}

bool has_wine_extension(const config::pool_settings& pool) {
    for (const auto& e : pool.isapi.extensions)
        if (e.runtime == config::extension_runtime::wine) return true;
    return false;
}

/// In the child: become the pool's user, find the prefix and Wine, exec `wine64 wineboot -i`.
[[noreturn]] void boot_prefix_as(const config::pool_settings& pool) {
    try {
        if (::geteuid() == 0) drop_privileges(pool.process.user, pool.process.group);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "isapi-fcgi: pool %s: %s\n", pool.name.c_str(), e.what());
        ::_exit(child_setup_failed);
    }
    const auto prefix = wine::prefix_for_current_user();
    const auto loader = wine::find_wine(wine::pe_machine::amd64);
    if (!prefix || !loader) {
        std::fprintf(stderr, "isapi-fcgi: pool %s: %s\n", pool.name.c_str(),
                     (!prefix ? prefix.reason : loader.reason).c_str());
        ::_exit(child_setup_failed);
    }
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(prefix.path).parent_path(), ec);
    for (const auto& entry : wine::worker_environment(prefix.path)) ::putenv(::strdup(entry.c_str()));
    std::printf("pool %s: Wine prefix %s for uid %u\n", pool.name.c_str(), prefix.path.c_str(),
                static_cast<unsigned>(::geteuid()));
    std::fflush(stdout);
    ::execl(loader.path.c_str(), loader.path.c_str(), "wineboot", "-i", static_cast<char*>(nullptr));
    std::fprintf(stderr, "isapi-fcgi: pool %s: cannot run %s: %s\n", pool.name.c_str(), loader.path.c_str(),
                 std::strerror(errno));
    ::_exit(child_setup_failed);
}

bool boot_prefix(const config::pool_settings& pool) {
    const auto started = std::chrono::steady_clock::now();
    std::fflush(stdout);
    const pid_t child = ::fork();
    if (child < 0) {
        std::fprintf(stderr, "isapi-fcgi: pool %s: fork: %s\n", pool.name.c_str(), std::strerror(errno));
        return false;
    }
    if (child == 0) boot_prefix_as(pool);
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == child_setup_failed) return false;  // it said why
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::fprintf(stderr, "isapi-fcgi: pool %s: wineboot failed (%s %d)\n", pool.name.c_str(),
                     WIFEXITED(status) ? "exit status" : "signal", WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        return false;
    }
    const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("pool %s: Wine prefix ready (%.1fs)\n", pool.name.c_str(), seconds);
    return true;
}

}  // namespace

int run_wine_prefix_command(int argc, char** argv) {
    std::string config_path = "/etc/isapi-fcgi/isapi-fcgi.yaml";
    for (int i = 0; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if ((arg == "--config" || arg == "-c") && i + 1 < argc) {
            config_path = argv[++i];
        } else if (arg.starts_with("--config=")) {
            config_path = std::string(arg.substr(9));
        } else if (arg == "--help" || arg == "-h") {
            usage(stdout);
            return exit_done;
        } else {
            std::fprintf(stderr, "isapi-fcgi wine-prefix: unknown argument '%s'\n", argv[i]);
            usage(stderr);
            return exit_usage;
        }
    }
    config::settings settings;
    try {
        settings = config::load_file(config_path);
    } catch (const config::config_error& e) {
        std::fprintf(stderr, "isapi-fcgi: %s\n", e.what());
        return exit_failed;
    }
    bool ok = true;
    std::set<std::pair<std::string, std::string>> done;  // one prefix per user (and group)
    for (const auto& pool : settings.pools) {
        if (!has_wine_extension(pool)) continue;
        if (!done.insert({pool.process.user, pool.process.group}).second) continue;
        ok = boot_prefix(pool) && ok;
    }
    if (done.empty()) std::printf("no pool has a runtime: wine extension; nothing to do\n");
    return ok ? exit_done : exit_failed;
}

}  // namespace isapi_fcgi::ops
