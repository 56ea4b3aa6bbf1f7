#include "ops/single_process.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include <isapi/isapi_runtime.h>
#include <spdlog/spdlog.h>

#include "config/loader.hpp"
#include "engine/server.hpp"
#include "logging/logging.hpp"
#include "ops/engine_options.hpp"
#include "ops/listen_sockets.hpp"
#include "ops/pool_stack.hpp"
#include "ops/privileges.hpp"
#include "ops/registry_environment.hpp"
#include "ops/scoreboard.hpp"
#include "ops/startup.hpp"
#include "ops/systemd_notify.hpp"
#include "ops/windows_crash_policy.hpp"
#include "ops/wine_crash_message.hpp"
#include "ops/wine_prefix_keepers.hpp"
#include "ops/worker_observer.hpp"

namespace isapi_fcgi::ops {
namespace {

struct pool_parts {
    scoreboard board;
    std::unique_ptr<pool_stack> stack;
};

/// The master's prefix keepers (one Wine process per prefix, so that a Windows worker's restart
/// finds Wine's services up), run by a thread of their own: no master loop reaps children here,
/// so the thread waits for the keepers by pid (the Windows workers are waited for by theirs).
class keeper_thread {
public:
    explicit keeper_thread(const std::vector<config::pool_settings>& pools) {
        keepers_.update(pools);
        if (keepers_.has_processes()) thread_ = std::thread([this] { run(); });
    }
    ~keeper_thread() { stop(); }
    keeper_thread(const keeper_thread&) = delete;
    keeper_thread& operator=(const keeper_thread&) = delete;

    /// Closes the keepers' stdin and waits for them by pid (SIGKILL past their stop bound).
    void stop() {
        {
            std::lock_guard lock(mutex_);
            if (!std::exchange(stopping_, true)) keepers_.stop(false);
        }
        changed_.notify_all();
        if (thread_.joinable()) thread_.join();
    }

private:
    void run() {
        std::unique_lock lock(mutex_);
        while (!stopping_ || keepers_.has_processes()) {
            // A keeper that died is started again within this; one asked to stop ends within ms.
            changed_.wait_for(lock, stopping_ ? std::chrono::milliseconds(20) : std::chrono::milliseconds(250));
            keepers_.reap();
            keepers_.tick();
        }
    }

    std::mutex mutex_;
    std::condition_variable changed_;
    wine_prefix_keepers keepers_;
    bool stopping_ = false;
    std::thread thread_;  // last: started once the rest is ready
};

}  // namespace

int run_single_process(const std::string& config_path) {
    const auto loaded = load_and_set_up_logging(config_path);
    if (!loaded) return 1;
    const config::settings& settings = loaded->settings;
    systemd_notify notify;
    raise_open_files_limit();
    ::signal(SIGHUP, SIG_IGN);
    listen_sockets sockets;
    std::vector<std::unique_ptr<pool_parts>> parts;
    std::unique_ptr<keeper_thread> keepers;
    std::unique_ptr<engine::server> server;
    try {
        std::vector<std::vector<engine::listen_address>> listen;  // per pool
        std::string user, group;
        for (const auto& pool : settings.pools) {
            auto& adopted = listen.emplace_back();
            for (const auto& a : listen_sockets::as_inherited(sockets.open_pool(pool))) adopted.push_back(engine_listen_address(a));
            // The engine closes what it adopts; the sockets object keeps (and removes) its own.
            for (auto& a : adopted) a.fd = ::fcntl(a.fd, F_DUPFD_CLOEXEC, 3);
            if (!pool.process.user.empty() || !pool.process.group.empty()) {
                if ((!user.empty() || !group.empty()) && (user != pool.process.user || group != pool.process.group))
                    throw std::runtime_error("--single-process runs every pool as one user; the pools name different ones");
                user = pool.process.user;
                group = pool.process.group;
            }
        }
        sockets.check_all_claimed();
        drop_privileges(user, group);
        // Before the pools, whose Windows workers then start beside it.
        keepers = std::make_unique<keeper_thread>(settings.pools);
        std::vector<const pool_stack*> stacks;
        for (std::size_t i = 0; i < settings.pools.size(); ++i) {
            const auto& pool = settings.pools[i];
            if (!pool.isapi.extensions.empty()) refuse_root(settings.allow_root, pool.name);
            auto p = std::make_unique<pool_parts>();
            p->board = scoreboard::local();
            reset_slot(p->board.slot(0), 1, 1);
            p->board.slot(0).pid.store(::getpid());
            p->board.header().configured_workers.store(1);  // this process
            // One process for every pool: the first pool with a registry section gives its store.
            if (pool.registry.enabled && std::getenv("ISAPI_FCGI_REGISTRY_STORE") == nullptr) {
                export_registry_environment(pool);
            }
            // One process for every pool: the secure CRT policy is process-wide, so `abort` in
            // any pool applies to all of them here.
            if (pool.isapi.invalid_parameter_abort) isapi_set_invalid_parameter_policy(ISAPI_INVALID_PARAMETER_ABORT);
            pool_stack_hooks hooks;
            hooks.on_recycle = [name = pool.name](restart_cause cause, std::string reason) {
                spdlog::warn("pool {}: {} ({}); --single-process does not recycle", name, reason, to_string(cause));
            };
            // No master here: a Windows worker's crash is counted in this process, as the master
            // counts it (the quarantine list has one writer: the policy serialises its calls).
            hooks.on_windows_crash = [policy = std::make_shared<windows_crash_policy>(), board = &p->board,
                                      pool](std::string message) {
                if (const auto crash = decode_wine_crash(message)) policy->apply(pool, board->header(), 1, *crash);
            };
            p->stack = std::make_unique<pool_stack>(settings, pool, p->board, p->board.slot(0), std::move(listen[i]),
                                                    std::move(hooks));
            p->board.slot(0).state.store(static_cast<std::uint32_t>(slot_state::ready));
            stacks.push_back(p->stack.get());
            parts.push_back(std::move(p));
        }
        server = make_server(stacks, pool_routing::by_name);
        // The engine's copies are the only ones left: its drain then refuses new connections at once.
        sockets.close_descriptors();
        server->stop_on_signals(settings.shutdown_timeout, [] { logging::reopen(); });
    } catch (const std::exception& e) {
        spdlog::critical("cannot start: {}", e.what());
        if (!settings.log.file.empty()) std::fprintf(stderr, "isapi-fcgi: cannot start: %s\n", e.what());
        return 1;
    }
    notify.ready("serving in --single-process mode");
    try {
        server->run();
    } catch (const std::exception& e) {
        spdlog::critical("stopped by an error: {}", e.what());
        return 1;
    }
    notify.stopping();
    server.reset();
    parts.clear();  // TerminateExtension after every request has ended
    keepers.reset();  // after the Windows workers: it waits for the keeper by pid
    return 0;
}

}  // namespace isapi_fcgi::ops
