#include "isapi/authorizer.hpp"

#include <strings.h>

#include <algorithm>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "engine/log_text.hpp"
#include "engine/request.hpp"
#include "fcgi/param_set.hpp"
#include "isapi/pool_host.hpp"

namespace isapi_fcgi::isapi {
namespace {

/// The params that carry the request head: what a filter can set with SetHeader/AddHeader.
bool header_param(std::string_view name) {
    return name.starts_with("HTTP_") || name == "CONTENT_TYPE" || name == "CONTENT_LENGTH";
}

void send(engine::request& r, const filters::authorizer_verdict& verdict, filters::authorizer_front front) {
    std::string problem;
    auto response = filters::render_authorizer_response(verdict, front, &problem);
    if (!problem.empty()) spdlog::error("{} authorization answered 500: {}", r.log_context(), engine::log_text(problem));
    r.write_copy(std::move(response));
    r.end();
}

void log_verdict(const engine::request& r, const filters::gate_decision& d, filters::authorizer_front front) {
    using verdict = filters::gate_decision::verdict;
    const auto filter = d.decided_by ? d.decided_by->name() : std::string("?");
    switch (d.what) {
    case verdict::proceed:
        spdlog::debug("{} authorized{}", r.log_context(), d.user.empty() ? "" : " as '" + engine::log_text(d.user) + "'");
        break;
    case verdict::answered:
        spdlog::info("{} denied by filter '{}': {}{}", r.log_context(), filter, engine::log_text(d.status_line),
                     front == filters::authorizer_front::nginx_auth_request && d.status != 401 && d.status != 403
                         ? " (nginx's auth_request answers 500 for any status but 401 and 403)"
                         : "");
        break;
    case verdict::failed:
        spdlog::error("{} authorization answered 500: {}", r.log_context(), engine::log_text(d.reason));
        break;
    }
}

}  // namespace

std::optional<filters::authorizer_front> authorizer_front_of(const engine::request& r) {
    if (!r.asks_for_verdict()) return std::nullopt;
    if (r.role() != fcgi::role::authorizer) return filters::authorizer_front::nginx_auth_request;
    return r.params().get("SERVER_SOFTWARE").starts_with("Apache/") ? filters::authorizer_front::apache_authnz_fcgi
                                                                     : filters::authorizer_front::fastcgi_authorizer;
}

filters::authorizer_verdict verdict_of(const filters::gate_decision& decision, const fcgi::param_set& original) {
    using verdict = filters::gate_decision::verdict;
    filters::authorizer_verdict out;
    if (decision.what == verdict::failed) return filters::authorizer_verdict::failure(500);
    if (decision.what == verdict::answered) {
        out.what = filters::authorizer_verdict::kind::deny;
        out.status = decision.status_line.empty() ? std::to_string(decision.status) : decision.status_line;
        out.headers = decision.headers;
        out.body = decision.body;
        return out;
    }
    out.what = filters::authorizer_verdict::kind::allow;
    out.user = decision.user;
    const auto authorization = original.get("HTTP_AUTHORIZATION");
    if (!out.user.empty() && authorization.size() > 6 && ::strncasecmp(authorization.data(), "Basic ", 6) == 0)
        out.auth_type = "Basic";
    if (!decision.rewritten) return out;
    std::vector<std::string_view> seen;
    for (const auto& [name, value] : decision.params) {
        if (name == "REQUEST_URI" && value != original.get("REQUEST_URI")) out.url = value;
        if (!header_param(name)) continue;
        seen.push_back(name);
        const auto before = original.find(name);
        if (!before || *before != value) out.request_headers.emplace_back(name, value);
    }
    for (std::size_t i = 0; i < original.size(); ++i) {
        const auto name = original[i].name;
        if (header_param(name) && std::find(seen.begin(), seen.end(), name) == seen.end()
            && std::none_of(out.request_headers.begin(), out.request_headers.end(),
                            [&](const auto& h) { return h.first == name; }))
            out.request_headers.emplace_back(std::string(name), std::string());  // removed
    }
    return out;
}

void authorize(std::shared_ptr<engine::request> r, const std::shared_ptr<pool_host>& pool,
               filters::authorizer_front front) {
    if (!pool->filters()) {
        // Nothing to decide with: letting the request through would serve what the filters were
        // configured to guard, so the answer is no.
        if (pool->first_time("", "authorizer without filters"))
            spdlog::error("{} authorization answered 500: pool '{}' has no filters (add `filters:` to it; "
                          "logged once per worker)", r->log_context(), pool->options().name);
        return send(*r, filters::authorizer_verdict::failure(500), front);
    }
    // Filter code may block: on an extension thread, as for the requests the sidecar serves.
    boost::asio::post(pool->threads(), [r = std::move(r), pool, front] {
        auto verdict = filters::authorizer_verdict::failure(500);
        try {
            filters::request_gate gate(*pool->filters(), r->params(), pool->variables_config());
            const auto& decision = gate.run();
            log_verdict(*r, decision, front);
            verdict = verdict_of(decision, r->params());
        } catch (const std::exception& e) {
            spdlog::error("{} authorization answered 500: the filters could not run: {}", r->log_context(), e.what());
        } catch (...) {
            spdlog::error("{} authorization answered 500: the filters could not run", r->log_context());
        }
        send(*r, verdict, front);
    });
}

}  // namespace isapi_fcgi::isapi
