#pragma once
// The FastCGI responder engine's front door: opens every pool's listeners and runs the I/O
// threads. Knows nothing of ISAPI; the layer above plugs in through request_handler.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/options.hpp"

namespace isapi_fcgi::engine {

class request_handler;

class server {
public:
    /// Opens every listener of every pool. Throws std::runtime_error naming the address and the
    /// reason when one cannot be opened (start-up errors are the only exceptions in the engine).
    /// Without a handler, every request other than the ping path gets a 404.
    explicit server(const server_options& options, std::shared_ptr<request_handler> handler = nullptr);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// Runs the I/O threads; blocks until stop() (or a handled signal) and every thread is done.
    void run();
    /// Thread-safe and idempotent: stops accepting, closes every connection, makes run() return.
    void stop();
    /// Thread-safe: stops accepting and lets the requests in progress finish; each connection
    /// closes once it is idle. run() returns when every connection has closed, or stop() is
    /// called `timeout` later at the latest (graceful stop, recycling).
    /// `serve_kept_connections` false (a worker replaced because its threads are stuck): kept
    /// connections that are idle close at once instead of after `drain_grace`.
    void drain(std::chrono::milliseconds timeout, bool serve_kept_connections = true);
    /// The first SIGINT, SIGTERM or SIGQUIT calls drain(drain_timeout), a second one stop().
    /// SIGUSR1 calls `on_reopen` when given (log files). For main and workers; tests usually don't.
    void stop_on_signals(std::chrono::milliseconds drain_timeout = std::chrono::seconds(10),
                         std::function<void()> on_reopen = {});

    /// What each listener is bound to, as `unix:/path` or `tcp:HOST:PORT` with the real port
    /// (so a config may ask for port 0), in configuration order.
    std::vector<std::string> local_addresses() const;

private:
    class impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace isapi_fcgi::engine
