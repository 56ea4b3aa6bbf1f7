#include "ops/status_handler.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/request.hpp"
#include "engine/simple_response.hpp"
#include "ops/metrics.hpp"
#include "ops/status_report.hpp"
#include "ops/status_snapshot.hpp"

namespace isapi_fcgi::ops {
namespace {

// As php-fpm's status page: never cached by the front end or a browser.
constexpr std::string_view no_cache =
    "Expires: Thu, 01 Jan 1970 00:00:00 GMT\r\nCache-Control: no-cache, no-store, must-revalidate, max-age=0\r\n";

}  // namespace

status_handler::status_handler(const config::pool_settings& pool, const scoreboard& board, std::vector<int> listen_fds,
                               std::shared_ptr<engine::request_handler> next, std::function<void()> on_internal)
    : pool_(pool.name),
      status_path_(pool.process.status_path),
      metrics_path_(pool.process.metrics_path),
      board_(board),
      listen_fds_(std::move(listen_fds)),
      next_(std::move(next)),
      on_internal_(std::move(on_internal)) {}

void status_handler::handle(std::shared_ptr<engine::request> r) {
    const auto script = r->script_name();
    // Never for an authorization (request::asks_for_verdict): the 200 would let it through.
    const bool internal = !r->asks_for_verdict();
    const bool status = internal && !status_path_.empty() && script == status_path_;
    const bool metrics = internal && !metrics_path_.empty() && script == metrics_path_;
    if (status || metrics) {
        if (on_internal_) on_internal_();
        const auto snapshot = take_snapshot(board_, pool_, listen_fds_);
        std::string response;
        const auto format = parse_status_query(r->params().get("QUERY_STRING"));
        if (metrics || format.openmetrics) {
            response = format.openmetrics
                           ? engine::make_simple_response(200, render_metrics(snapshot, metrics_format::openmetrics),
                                                          no_cache, openmetrics_content_type)
                           : engine::make_simple_response(200, render_metrics(snapshot), no_cache, metrics_content_type);
        } else {
            response = format.json ? engine::make_simple_response(200, render_status_json(snapshot, format.full),
                                                                  no_cache, "application/json")
                                   : engine::make_simple_response(200, render_status_text(snapshot, format.full),
                                                                  no_cache, "text/plain; charset=utf-8");
        }
        r->write_copy(std::move(response));
        r->end();
        return;
    }
    if (next_) return next_->handle(std::move(r));
    const auto reason = board_.header().stop_reason.load();
    spdlog::debug("{} answering 503: pool {} is stopped", r->log_context(), pool_);
    r->write_copy(engine::make_simple_response(
        503, fmt::format("503 Service Unavailable: pool {} is stopped ({})\n", pool_, reason), "Retry-After: 10\r\n"));
    r->end();
}

}  // namespace isapi_fcgi::ops
