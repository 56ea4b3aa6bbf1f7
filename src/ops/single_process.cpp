#include "ops/single_process.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <map>
#include <memory>

#include <isapi/isapi_runtime.h>
#include <spdlog/spdlog.h>

#include "config/loader.hpp"
#include "engine/request.hpp"
#include "engine/server.hpp"
#include "isapi/isapi_host.hpp"
#include "logging/logging.hpp"
#include "ops/engine_options.hpp"
#include "ops/host_options.hpp"
#include "ops/listen_sockets.hpp"
#include "ops/privileges.hpp"
#include "ops/registry_environment.hpp"
#include "ops/scoreboard.hpp"
#include "ops/startup.hpp"
#include "ops/status_handler.hpp"
#include "ops/systemd_notify.hpp"
#include "ops/windows_crash_policy.hpp"
#include "ops/wine_crash_message.hpp"
#include "ops/worker_observer.hpp"

namespace isapi_fcgi::ops {
namespace {

/// Each pool has its own ISAPI host and status handler; the engine has one handler.
class pool_router final : public engine::request_handler {
public:
    void add(const std::string& pool, std::shared_ptr<engine::request_handler> handler) { pools_[pool] = std::move(handler); }
    void handle(std::shared_ptr<engine::request> r) override {
        const auto it = pools_.find(r->pool_name());
        if (it != pools_.end()) it->second->handle(std::move(r));
    }
    bool serves_authorizer_role() const override {
        return std::any_of(pools_.begin(), pools_.end(), [](const auto& p) { return p.second->serves_authorizer_role(); });
    }

private:
    std::map<std::string, std::shared_ptr<engine::request_handler>, std::less<>> pools_;
};

struct pool_parts {
    scoreboard board;
    std::shared_ptr<worker_observer> observer;
    std::shared_ptr<isapi::isapi_host> host;
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
    std::unique_ptr<engine::server> server;
    try {
        config::settings serving = settings;
        std::string user, group;
        for (auto& pool : serving.pools) {
            auto opened = sockets.open_pool(pool);
            pool.listen = listen_sockets::as_inherited(opened);
            // The engine closes what it adopts; the sockets object keeps (and removes) its own.
            for (auto& a : pool.listen) a.fd = ::fcntl(a.fd, F_DUPFD_CLOEXEC, 3);
            if (!pool.process.user.empty() || !pool.process.group.empty()) {
                if ((!user.empty() || !group.empty()) && (user != pool.process.user || group != pool.process.group))
                    throw std::runtime_error("--single-process runs every pool as one user; the pools name different ones");
                user = pool.process.user;
                group = pool.process.group;
            }
        }
        sockets.check_all_claimed();
        drop_privileges(user, group);
        auto router = std::make_shared<pool_router>();
        for (const auto& pool : serving.pools) {
            if (!pool.isapi.extensions.empty()) refuse_root(settings.allow_root, pool.name);
            auto p = std::make_unique<pool_parts>();
            p->board = scoreboard::local();
            reset_slot(p->board.slot(0), 1, 1);
            p->board.slot(0).pid.store(::getpid());
            p->board.header().configured_workers.store(1);  // this process
            std::vector<std::string> names;
            for (const auto& e : pool.isapi.extensions) names.push_back(e.name);
            p->observer = std::make_shared<worker_observer>(
                p->board, p->board.slot(0), names, pool.isapi.extension_threads, 0,
                [name = pool.name](restart_cause cause, std::string reason) {
                    spdlog::warn("pool {}: {} ({}); --single-process does not recycle", name, reason, to_string(cause));
                });
            // No master here: a Windows worker's crash is counted in this process, as the master
            // counts it (the quarantine list has one writer: the policy serialises its calls).
            if (pool.process.crash_quarantine.count() > 0) p->observer->enable_crash_quarantine();
            p->observer->on_windows_crash(
                [policy = std::make_shared<windows_crash_policy>(), board = &p->board, pool](std::string message) {
                    if (const auto crash = decode_wine_crash(message)) policy->apply(pool, board->header(), 1, *crash);
                });
            // One process for every pool: the first pool with a registry section gives its store.
            if (pool.registry.enabled && std::getenv("ISAPI_FCGI_REGISTRY_STORE") == nullptr) {
                export_registry_environment(pool);
            }
            // One process for every pool: the secure CRT policy is process-wide, so `abort` in
            // any pool applies to all of them here.
            if (pool.isapi.invalid_parameter_abort) isapi_set_invalid_parameter_policy(ISAPI_INVALID_PARAMETER_ABORT);
            p->host = std::make_shared<isapi::isapi_host>(isapi_host_options(serving, pool), p->observer);
            std::vector<int> fds;
            for (const auto& a : pool.listen) fds.push_back(a.fd);
            auto observer = p->observer;
            router->add(pool.name, std::make_shared<status_handler>(pool, p->board, fds, p->host,
                                                                    [observer] { observer->internal_request(); }));
            p->board.slot(0).state.store(static_cast<std::uint32_t>(slot_state::ready));
            parts.push_back(std::move(p));
        }
        engine::server_options options;
        for (const auto& pool : serving.pools) {
            options.pools.push_back(engine_pool_options(pool));
            for (const auto& a : pool.listen) options.pools.back().listen.push_back(engine_listen_address(a));
        }
        server = std::make_unique<engine::server>(options, router);
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
    return 0;
}

}  // namespace isapi_fcgi::ops
