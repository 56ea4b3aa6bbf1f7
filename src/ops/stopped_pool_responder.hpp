#pragma once
// What answers on a pool's sockets while rapid-fail protection keeps it stopped: the master
// itself, with the engine on its own single thread, so the web server gets a prompt 503 (as
// IIS answers for a stopped application pool) instead of waiting out its timeouts. The status
// and metrics paths still answer, showing why the pool is stopped. No extension code runs here.
#include <memory>
#include <vector>

#include "config/settings.hpp"
#include "engine/asio.hpp"
#include "ops/listen_sockets.hpp"
#include "ops/scoreboard.hpp"

namespace isapi_fcgi::engine {
class listener;
class connection_registry;
}  // namespace isapi_fcgi::engine

namespace isapi_fcgi::ops {

class stopped_pool_responder {
public:
    /// Accepts on copies of `sockets` (the originals stay for a later generation).
    stopped_pool_responder(engine::asio::io_context& io, const config::pool_settings& pool, const scoreboard& board,
                           const std::vector<const open_socket*>& sockets);
    ~stopped_pool_responder();
    stopped_pool_responder(const stopped_pool_responder&) = delete;
    stopped_pool_responder& operator=(const stopped_pool_responder&) = delete;

private:
    std::shared_ptr<engine::connection_registry> registry_;
    std::vector<std::shared_ptr<engine::listener>> listeners_;
};

}  // namespace isapi_fcgi::ops
