#include "ops/pool_stack.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "engine/request.hpp"
#include "ops/engine_options.hpp"
#include "ops/host_options.hpp"

namespace isapi_fcgi::ops {
namespace {

/// --single-process: each pool has its own stack; the engine has one handler.
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

std::vector<std::string> extension_names(const config::pool_settings& pool) {
    std::vector<std::string> names;
    for (const auto& e : pool.isapi.extensions) names.push_back(e.name);
    return names;
}

}  // namespace

pool_stack::pool_stack(const config::settings& settings, const config::pool_settings& pool, const scoreboard& board,
                       worker_slot& slot, std::vector<engine::listen_address> listen, pool_stack_hooks hooks)
    : engine_options_(engine_pool_options(pool)) {
    engine_options_.listen = std::move(listen);
    observer_ = std::make_shared<worker_observer>(board, slot, extension_names(pool), pool.isapi.extension_threads,
                                                  hooks.max_requests, std::move(hooks.on_recycle));
    if (pool.process.crash_quarantine.count() > 0) observer_->enable_crash_quarantine();
    observer_->on_windows_crash(std::move(hooks.on_windows_crash));
    host_ = std::make_shared<isapi::isapi_host>(isapi_host_options(settings, pool), observer_);
    std::vector<int> listen_fds;
    for (const auto& a : engine_options_.listen) listen_fds.push_back(a.fd);
    handler_ = std::make_shared<status_handler>(pool, board, std::move(listen_fds), host_,
                                                [observer = observer_] { observer->internal_request(); });
}

std::unique_ptr<engine::server> make_server(const std::vector<const pool_stack*>& stacks, pool_routing routing) {
    engine::server_options options;
    for (const auto* stack : stacks) options.pools.push_back(stack->engine_options());
    if (routing == pool_routing::direct && stacks.size() == 1)
        return std::make_unique<engine::server>(options, stacks.front()->handler());
    auto router = std::make_shared<pool_router>();
    for (const auto* stack : stacks) router->add(stack->name(), stack->handler());
    return std::make_unique<engine::server>(options, router);
}

}  // namespace isapi_fcgi::ops
