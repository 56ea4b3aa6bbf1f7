#pragma once
// The request handler a worker (or the master, for a stopped pool) puts in front of the ISAPI
// host: the pool's status and metrics paths are answered here, on the I/O thread, from the
// scoreboard, so they answer even when every extension thread is busy or hung. Everything else
// goes to `next`; without one (a pool stopped by rapid-fail protection) it gets 503.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/settings.hpp"
#include "engine/request_handler.hpp"
#include "ops/scoreboard.hpp"

namespace isapi_fcgi::ops {

class status_handler final : public engine::request_handler {
public:
    /// `board` and `listen_fds` must outlive the handler. `on_internal` counts answered status
    /// and metrics requests (may be empty).
    status_handler(const config::pool_settings& pool, const scoreboard& board, std::vector<int> listen_fds,
                   std::shared_ptr<engine::request_handler> next, std::function<void()> on_internal = {});

    void handle(std::shared_ptr<engine::request> r) override;
    bool serves_authorizer_role() const override { return next_ && next_->serves_authorizer_role(); }
    /// The host shuts its extensions down while the engine (and every executor its requests
    /// hold) still exists.
    void server_stopped() override { if (next_) next_->server_stopped(); }

private:
    std::string pool_;
    std::string status_path_;
    std::string metrics_path_;
    const scoreboard& board_;
    std::vector<int> listen_fds_;
    std::shared_ptr<engine::request_handler> next_;
    std::function<void()> on_internal_;
};

}  // namespace isapi_fcgi::ops
