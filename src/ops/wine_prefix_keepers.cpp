#include "ops/wine_prefix_keepers.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <utility>

#include "ops/privileges.hpp"
#include "wine/wine_installation.hpp"
#include "wine/worker_process.hpp"

namespace isapi_fcgi::ops {
namespace {

/// A keeper that cannot start (no Wine, a prefix of another user), or dies within this twice
/// in a row, is started again only after the same pause: a line every 10 s, not a loop.
constexpr std::chrono::seconds restart_pause{10};
/// It ends within milliseconds of EOF; past this it is killed.
constexpr std::chrono::seconds stop_bound{3};
/// What the keeper process reports through its exit status when it could not exec Wine.
constexpr int keeper_setup_failed = 120;

bool has_wine_extension(const config::pool_settings& pool) {
    return std::any_of(pool.isapi.extensions.begin(), pool.isapi.extensions.end(),
                       [](const auto& e) { return e.runtime == config::extension_runtime::wine; });
}

std::string joined(const std::set<std::string>& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
    return out;
}

}  // namespace

wine_prefix_keepers::~wine_prefix_keepers() {
    for (auto& k : keepers_)
        if (k.input >= 0) ::close(k.input);
}

std::string wine_prefix_keepers::describe(const keeper& k) {
    const std::string who = k.user.empty() ? "the master's user" : "user '" + k.user + "'";
    return "Wine prefix keeper for " + who + " (pool" + (k.pools.size() > 1 ? "s " : " ") + joined(k.pools) + ")";
}

void wine_prefix_keepers::update(const std::vector<config::pool_settings>& pools) {
    if (stopping_) return;
    for (auto& k : keepers_) k.pools.clear();
    for (const auto& pool : pools) {
        if (!has_wine_extension(pool)) continue;
        auto found = std::find_if(keepers_.begin(), keepers_.end(), [&](const keeper& k) {
            return k.wanted && k.user == pool.process.user && k.group == pool.process.group;
        });
        if (found == keepers_.end()) {
            keeper fresh;
            fresh.user = pool.process.user;
            fresh.group = pool.process.group;
            keepers_.push_back(std::move(fresh));
            found = std::prev(keepers_.end());
        }
        found->pools.insert(pool.name);
    }
    for (auto& k : keepers_) {
        if (!k.wanted) continue;
        if (k.pools.empty()) ask_to_stop(k, false);
        else if (k.pid < 0) spawn(k);
    }
    std::erase_if(keepers_, [](const keeper& k) { return !k.wanted && k.pid < 0; });
}

void wine_prefix_keepers::spawn(keeper& k) {
    int in[2];
    if (::pipe2(in, O_CLOEXEC) != 0) {
        spdlog::error("{}: cannot start: pipe2: {}", describe(k), std::strerror(errno));
        k.restart_at = clock::now() + restart_pause;
        return;
    }
    std::vector<char*> argv{const_cast<char*>("isapi-fcgi"), const_cast<char*>("--wine-keeper"),
                            const_cast<char*>(k.user.c_str()), const_cast<char*>(k.group.c_str()), nullptr};
    sigset_t all, previous;
    ::sigfillset(&all);
    ::pthread_sigmask(SIG_BLOCK, &all, &previous);
    const pid_t pid = ::fork();
    if (pid == 0) {
        for (int sig = 1; sig < NSIG; ++sig) ::signal(sig, SIG_DFL);
        // Its stdin is the pipe; stdout and stderr are the master's stderr (the log). Nothing
        // else crosses: a listening socket or a worker's channel must not live on in Wine.
        const int input = ::fcntl(in[0], F_DUPFD_CLOEXEC, 3);
        if (input < 0 || ::dup2(input, 0) < 0 || ::dup2(2, 1) < 0) ::_exit(126);
        ::close_range(3, ~0U, 0);
        sigset_t none;
        ::sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::execv("/proc/self/exe", argv.data());
        ::_exit(127);
    }
    const int fork_error = errno;
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    ::close(in[0]);
    if (pid < 0) {
        ::close(in[1]);
        spdlog::error("{}: cannot start: fork: {}", describe(k), std::strerror(fork_error));
        k.restart_at = clock::now() + restart_pause;
        return;
    }
    k.pid = pid;
    k.input = in[1];
    k.started = clock::now();
    spdlog::info("{} started (pid {}): Wine keeps the prefix's services up between Windows workers", describe(k), pid);
}

void wine_prefix_keepers::ask_to_stop(keeper& k, bool kill) {
    const bool first = k.wanted;
    k.wanted = false;
    if (k.pid < 0) return;
    if (k.input >= 0) {
        ::close(k.input);
        k.input = -1;
    }
    if (kill) ::kill(k.pid, SIGKILL);
    else if (first) k.stop_deadline = clock::now() + stop_bound;
}

bool wine_prefix_keepers::on_exit(pid_t pid, int status) {
    const auto found = std::find_if(keepers_.begin(), keepers_.end(), [&](const keeper& k) { return k.pid == pid; });
    if (found == keepers_.end()) return false;
    keeper& k = *found;
    k.pid = -1;
    if (k.input >= 0) {
        ::close(k.input);
        k.input = -1;
    }
    if (!k.wanted) {
        spdlog::info("{} (pid {}) stopped", describe(k), pid);
        keepers_.erase(found);
        return true;
    }
    const bool setup_failed = WIFEXITED(status) && WEXITSTATUS(status) == keeper_setup_failed;
    const auto now = clock::now();
    const bool lived_short = now - k.started < restart_pause;
    const bool at_once = !setup_failed && (!lived_short || !k.died_young);
    k.died_young = lived_short;
    k.restart_at = at_once ? now : k.started + restart_pause;
    spdlog::warn("{} (pid {}) {}; starting it again {}", describe(k), pid,
                 setup_failed ? "could not start (see above)" : wine::worker_process::describe_status(status),
                 at_once ? "now" : "in a few seconds");
    if (at_once) spawn(k);
    return true;
}

void wine_prefix_keepers::tick() {
    const auto now = clock::now();
    for (auto& k : keepers_) {
        if (k.wanted && k.pid < 0 && now >= k.restart_at) spawn(k);
        if (!k.wanted && k.pid > 0 && now >= k.stop_deadline) {
            spdlog::warn("{} (pid {}) did not stop within {}s; killing it", describe(k), k.pid, stop_bound.count());
            ::kill(k.pid, SIGKILL);
            k.stop_deadline = clock::time_point::max();
        }
    }
}

void wine_prefix_keepers::reap() {
    std::vector<std::pair<pid_t, int>> ended;
    for (const auto& k : keepers_) {
        int status = 0;
        if (k.pid > 0 && ::waitpid(k.pid, &status, WNOHANG) == k.pid) ended.emplace_back(k.pid, status);
    }
    for (const auto& [pid, status] : ended) on_exit(pid, status);
}

void wine_prefix_keepers::stop(bool kill) {
    stopping_ = true;
    for (auto& k : keepers_) ask_to_stop(k, kill);
    std::erase_if(keepers_, [](const keeper& k) { return k.pid < 0; });
}

bool wine_prefix_keepers::has_processes() const noexcept {
    return std::any_of(keepers_.begin(), keepers_.end(), [](const keeper& k) { return k.pid > 0; });
}

int wine_keeper_main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "isapi-fcgi --wine-keeper USER GROUP: started by the master only\n");
        return 2;
    }
    const auto fail = [](const std::string& why) {
        std::fprintf(stderr, "isapi-fcgi: Wine prefix keeper: %s\n", why.c_str());
        return keeper_setup_failed;
    };
    try {
        if (::geteuid() == 0) drop_privileges(argv[2], argv[3]);
    } catch (const std::exception& e) {
        return fail(e.what());
    }
    const auto prefix = wine::prefix_for_current_user();
    if (!prefix) return fail(prefix.reason);
    // Either architecture keeps the prefix's services up; wine64 is the one installed first.
    auto loader = wine::find_wine(wine::pe_machine::amd64);
    auto worker = wine::find_worker(wine::pe_machine::amd64);
    if (!loader || !worker) {
        const auto loader32 = wine::find_wine(wine::pe_machine::i386);
        const auto worker32 = wine::find_worker(wine::pe_machine::i386);
        if (!loader32 || !worker32) return fail(!loader ? loader.reason : worker.reason);
        loader = loader32;
        worker = worker32;
    }
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(prefix.path).parent_path(), ec);
    for (const auto& entry : wine::worker_environment(prefix.path)) ::putenv(::strdup(entry.c_str()));
    ::execl(loader.path.c_str(), loader.path.c_str(), worker.path.c_str(), "--keep-prefix", static_cast<char*>(nullptr));
    return fail("cannot run " + loader.path + ": " + std::strerror(errno));
}

}  // namespace isapi_fcgi::ops
