#include "isapi/isapi_host.hpp"

#include <charconv>
#include <optional>
#include <string_view>

#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/log_text.hpp"
#include "engine/request.hpp"
#include "engine/simple_response.hpp"
#include "isapi/authorizer.hpp"
#include "isapi/callbacks.hpp"
#include "isapi/filtered_channel.hpp"
#include "isapi/isapi_request.hpp"
#include "isapi/request_access_record.hpp"
#include "isapi/wine_request.hpp"
#include "logging/access_log_line.hpp"
#include "logging/file_sink.hpp"
#include "logging/logging.hpp"

namespace isapi_fcgi::isapi {
namespace {

std::shared_ptr<spdlog::logger> make_access_log(const std::string& target) {
    if (target.empty()) return nullptr;
    // The line is formatted whole (logging/access_log_line.hpp), time included.
    auto log = std::make_shared<spdlog::logger>("access", logging::target_sink(target));
    log->set_pattern("%v");
    log->set_level(spdlog::level::info);
    log->flush_on(spdlog::level::info);
    return log;
}

void answer(engine::request& r, int status, std::string_view body) {
    r.write_copy(engine::make_simple_response(status, body));
    r.end();
}

/// The host's own answer to a request of a pool (no extension made it), with its access-log line
/// as for any other response.
void answer_logged(engine::request& r, const pool_host& pool, int status, std::string_view body) {
    answer(r, status, body);
    auto* log = pool.access_log();
    if (!log) return;
    auto record = request_access_record(r.params(), pool.options().name);
    record.status = static_cast<unsigned>(status);
    record.bytes_sent = body.size();
    log->info("{}", logging::format_access_line(pool.access_format(), record));
}

void answer_filtered(filtered_channel& channel, int status, std::string_view body) {
    channel.send_host_response(engine::make_simple_response(status, body), static_cast<unsigned>(status), body.size());
}

/// CONTENT_LENGTH as a number: 0 when empty or absent (an unknown length: nginx sends it empty
/// for streamed and chunked uploads); nullopt when it is not a decimal number that fits.
std::optional<std::uint64_t> declared_length(std::string_view text) {
    std::uint64_t value = 0;
    if (text.empty()) return value;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;  // "-1", "12x", overflow
    return value;
}

}  // namespace

isapi_host::isapi_host(const host_options& options, std::shared_ptr<host_observer> observer)
    : access_log_(make_access_log(options.access_log)) {
    if (!observer) observer = std::make_shared<host_observer>();
    for (const auto& pool : options.pools)
        pools_.emplace(pool.name, std::make_shared<pool_host>(pool, access_log_, options.access_template,
                                                              observer));
}

isapi_host::~isapi_host() { server_stopped(); }

void isapi_host::server_stopped() {
    // Requests may keep a pool_host alive past this point; its extensions must not be.
    for (auto& [name, pool] : pools_) pool->shutdown();
}

void isapi_host::handle(std::shared_ptr<engine::request> r) {
    const auto found = pools_.find(r->pool_name());
    if (found == pools_.end()) return answer(*r, 500, "500 Internal Server Error: pool not configured\n");
    const auto& pool = found->second;
    // The web server's authorization hook for what it serves itself: a verdict, not a response.
    if (const auto front = authorizer_front_of(*r)) return authorize(std::move(r), pool, *front);
    if (pool->filters()) return handle_filtered(std::move(r), pool);
    serve(nullptr, nullptr, *r, pool);
}

void isapi_host::handle_filtered(std::shared_ptr<engine::request> r, const std::shared_ptr<pool_host>& pool) {
    // The request side runs filter code, which may block: on an extension thread, before the
    // URL is mapped (a filter may route the request to another extension).
    auto channel = std::make_shared<filtered_channel>(r, pool);
    boost::asio::post(pool->threads(), [channel, r = std::move(r), pool] {
        const filters::gate_decision* decision = nullptr;
        try {
            decision = &channel->gate().run();
            switch (decision->what) {
                case filters::gate_decision::verdict::answered:
                    return boost::asio::post(r->executor(), [channel] { channel->send_filter_response(); });
                case filters::gate_decision::verdict::failed:
                    spdlog::error("{} 500: {}", r->log_context(), engine::log_text(decision->reason));
                    // Still a response of the request: SEND_RESPONSE, END_OF_REQUEST and LOG apply.
                    return boost::asio::post(r->executor(), [channel] {
                        answer_filtered(*channel, 500, "500 Internal Server Error: a filter failed\n");
                    });
                case filters::gate_decision::verdict::proceed: channel->proceed(); break;
            }
        } catch (const std::exception& e) {
            // No session to run the response side with (or none in a state to): the plain 500.
            spdlog::error("{} 500: the filters could not run: {}", r->log_context(), e.what());
            return answer(*r, 500, "500 Internal Server Error: a filter failed\n");
        }
        boost::asio::post(r->executor(), [channel, r, pool] { serve(channel, channel.get(), *r, pool); });
    });
}

void isapi_host::serve(std::shared_ptr<request_channel> channel, filtered_channel* filtered, engine::request& raw,
                       const std::shared_ptr<pool_host>& pool) {
    engine::request* r = &raw;
    // The host's own answers: through the filters' response side in a pool with filters.
    const auto reply = [&](int status, std::string_view body) {
        if (filtered) return answer_filtered(*filtered, status, body);
        answer_logged(*r, *pool, status, body);
    };
    const auto& params = channel ? channel->params() : r->params();
    auto mapped = pool->urls().map(params);
    if (mapped.status == url_map_status::bad_request) {
        spdlog::info("{} 400: {}", r->log_context(), engine::log_text(mapped.reason));
        return reply(400, fmt::format("400 Bad Request: {}\n", mapped.reason));
    }
    if (mapped.status == url_map_status::not_found) {
        const auto path = engine::log_text(&params == &r->params() ? r->script_name() : params.get("REQUEST_URI"));
        spdlog::info("{} 404: no extension is mapped to '{}'", r->log_context(), path);
        return reply(404, fmt::format("404 Not Found: no extension is mapped to {}\n", path));
    }
    const auto length_text = params.get("CONTENT_LENGTH");
    const auto length = declared_length(length_text);
    if (!length) {
        spdlog::warn("{} 400: CONTENT_LENGTH '{}' is not a decimal number", r->log_context(),
                     engine::log_text(length_text));
        return reply(400, "400 Bad Request: the request's Content-Length is not a decimal number\n");
    }
    const auto limit = pool->options().max_request_body;
    if (*length > limit) {
        spdlog::warn("{} 413: CONTENT_LENGTH {} exceeds max_request_body ({})", r->log_context(),
                     engine::log_text(length_text), limit);
        return reply(413, "413 Payload Too Large: the request body exceeds this server's limit\n");
    }
    const std::size_t extension = mapped.match.extension;
    if (pool->wine_extension(extension))
        return serve_under_wine(pool, r->shared_from_this(), filtered ? filtered->shared_from_this() : nullptr,
                                extension, std::move(mapped.match));
    if (!channel)
        return std::make_shared<isapi_request>(r->shared_from_this(), pool, extension, std::move(mapped.match),
                                               callbacks::table())
            ->start();
    std::make_shared<isapi_request>(std::move(channel), pool, extension, std::move(mapped.match), callbacks::table())
        ->start();
}

}  // namespace isapi_fcgi::isapi
