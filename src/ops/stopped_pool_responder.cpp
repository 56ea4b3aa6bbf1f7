#include "ops/stopped_pool_responder.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "engine/connection_registry.hpp"
#include "engine/listener.hpp"
#include "engine/pool_context.hpp"
#include "ops/engine_options.hpp"
#include "ops/status_handler.hpp"

namespace isapi_fcgi::ops {

stopped_pool_responder::stopped_pool_responder(engine::asio::io_context& io, const config::pool_settings& pool,
                                               const scoreboard& board, const std::vector<const open_socket*>& sockets)
    : registry_(std::make_shared<engine::connection_registry>()) {
    auto context = std::make_shared<engine::pool_context>();
    context->options = engine_pool_options(pool);
    // The ping path must fail too: a health check that says "pong" for a stopped pool lies.
    context->options.ping_path.clear();
    std::vector<int> fds;
    for (const auto* s : sockets) fds.push_back(s->fd);
    context->handler = std::make_shared<status_handler>(pool, board, fds, nullptr);
    for (const auto* s : sockets) {
        engine::listen_address a;
        a.type = engine::listen_address::kind::inherited_fd;
        a.fd = ::fcntl(s->fd, F_DUPFD_CLOEXEC, 3);
        a.text = s->local;
        if (a.fd < 0) continue;
        auto l = std::make_shared<engine::listener>(io, context, registry_, a);
        l->start();
        listeners_.push_back(std::move(l));
    }
}

stopped_pool_responder::~stopped_pool_responder() {
    for (auto& l : listeners_) l->close();
    registry_->close_all();
}

}  // namespace isapi_fcgi::ops
