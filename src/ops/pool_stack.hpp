#pragma once
// The composition root of a pool in this process, for a worker and for --single-process alike:
// the observer counting into the pool's scoreboard slot, the ISAPI host reporting to it, and
// the status handler in front of the host, with the configuration mapped onto each layer's own
// options (engine_options.hpp, host_options.hpp); make_server puts the engine over the stacks.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/settings.hpp"
#include "engine/options.hpp"
#include "engine/server.hpp"
#include "isapi/isapi_host.hpp"
#include "ops/scoreboard.hpp"
#include "ops/status_handler.hpp"
#include "ops/worker_observer.hpp"

namespace isapi_fcgi::ops {

/// What differs between a worker's stack and one of --single-process.
struct pool_stack_hooks {
    std::uint64_t max_requests = 0;  ///< recycle after this many requests; 0 = never
    worker_observer::recycle_request on_recycle;
    /// Where a Windows worker's crash is told (worker_observer::on_windows_crash).
    std::function<void(std::string)> on_windows_crash;
};

class pool_stack {
public:
    /// Builds the observer, loads the pool's extensions (throws std::runtime_error on a start-up
    /// failure) and puts the status handler in front. `listen`: the pool's sockets, already open
    /// in this process (inherited descriptors); `board` and `slot` must outlive the stack.
    pool_stack(const config::settings& settings, const config::pool_settings& pool, const scoreboard& board,
               worker_slot& slot, std::vector<engine::listen_address> listen, pool_stack_hooks hooks);

    const std::string& name() const noexcept { return engine_options_.name; }
    const std::shared_ptr<worker_observer>& observer() const noexcept { return observer_; }
    const std::shared_ptr<isapi::isapi_host>& host() const noexcept { return host_; }
    /// What the engine hands this pool's requests to: the status handler, then the host.
    const std::shared_ptr<status_handler>& handler() const noexcept { return handler_; }
    const engine::pool_options& engine_options() const noexcept { return engine_options_; }

private:
    engine::pool_options engine_options_;
    std::shared_ptr<worker_observer> observer_;
    std::shared_ptr<isapi::isapi_host> host_;
    std::shared_ptr<status_handler> handler_;
};

/// How the engine reaches the stacks' handlers.
enum class pool_routing {
    /// A worker: its one pool's handler is the engine's, and hears server_stopped.
    direct,
    /// --single-process: a router picks each request's pool by name; the stacks' owner ends the
    /// hosts by destroying the stacks after the server.
    by_name,
};

/// The engine over `stacks` (every one of them outlives the server), listening on each stack's
/// sockets. Throws std::runtime_error when a socket cannot be adopted.
std::unique_ptr<engine::server> make_server(const std::vector<const pool_stack*>& stacks, pool_routing routing);

}  // namespace isapi_fcgi::ops
