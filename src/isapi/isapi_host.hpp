#pragma once
// The ISAPI layer's entry: implements engine::request_handler for every pool of a process.
// Maps each request's URL to a configured extension and hands it to an isapi_request.
#include <map>
#include <memory>
#include <string>

#include "engine/request_handler.hpp"
#include "isapi/host_observer.hpp"
#include "isapi/pool_host.hpp"
#include "isapi/request_channel.hpp"
#include "logging/access_log_line.hpp"

namespace isapi_fcgi::isapi {

class filtered_channel;

/// Every pool one process serves with ISAPI, and the access log they share.
struct host_options {
    std::vector<pool_options> pools;
    std::string access_log;  ///< one line per request; "" = off, "stderr", or a path
    logging::access_log_template access_template;
};

class isapi_host final : public engine::request_handler {
public:
    /// Loads every pool's extensions; throws std::runtime_error on a start-up failure.
    /// `observer` (optional) learns of every request and extension event.
    explicit isapi_host(const host_options& options, std::shared_ptr<host_observer> observer = nullptr);
    ~isapi_host() override;

    void handle(std::shared_ptr<engine::request> r) override;
    /// AUTHORIZER requests run the pool's request-side filter events (isapi/authorizer.hpp).
    bool serves_authorizer_role() const override { return true; }
    /// Shuts every pool down (isapi::pool_host::shutdown): TerminateExtension runs here.
    void server_stopped() override;

private:
    /// A pool with filters: the request side on an extension thread, then serve().
    static void handle_filtered(std::shared_ptr<engine::request> r, const std::shared_ptr<pool_host>& pool);
    /// Maps the channel's params (a filter may have rewritten them) to an extension and starts
    /// the request; on the connection's strand. `filtered`: the channel, in a pool with filters
    /// (the host's own 400/404/413 then go through the response side), or null. `channel` null:
    /// the engine request `r` itself, whose channel the isapi_request then holds.
    static void serve(std::shared_ptr<request_channel> channel, filtered_channel* filtered, engine::request& r,
                      const std::shared_ptr<pool_host>& pool);

    std::shared_ptr<spdlog::logger> access_log_;
    std::map<std::string, std::shared_ptr<pool_host>, std::less<>> pools_;
};

}  // namespace isapi_fcgi::isapi
