#include "filters/request_gate.hpp"

#include <cstring>

#include <fmt/format.h>

#include "filters/filter_callbacks.hpp"
#include "isapi/ascii.hpp"
#include "isapi/base64.hpp"
#include "isapi/http_status.hpp"
#include "fcgi/param_set.hpp"

namespace isapi_fcgi::filters {
namespace {

request_head::params params_of(const fcgi::param_set& params) {
    request_head::params out;
    out.reserve(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) out.emplace_back(params[i].name, params[i].value);
    return out;
}

// The request head as the client sent it, rebuilt from the params (the front end parsed it).
std::string raw_head(const request_head& head) {
    std::string text = fmt::format("{} {} {}\r\n", head.method(), head.url(), head.version());
    for (const auto& f : head.fields()) {
        text += isapi::header_name_from_param(f.cgi_name.starts_with("HTTP_") ? f.cgi_name : "HTTP_" + f.cgi_name);
        text += ": ";
        text += f.value;
        text += "\r\n";
    }
    text += "\r\n";
    return text;
}

std::string_view path_of(std::string_view url) { return url.substr(0, url.find('?')); }

// "user:password" from "Basic <base64>"; nullopt for any other scheme or bad encoding.
std::optional<std::pair<std::string, std::string>> basic_credentials(std::string_view authorization) {
    if (!isapi::ascii::istarts_with(authorization, "Basic ")) return std::nullopt;
    auto decoded = isapi::base64_decode(authorization.substr(6));
    if (!decoded) return std::nullopt;
    const auto colon = decoded->find(':');
    if (colon == std::string::npos) return std::nullopt;
    return std::pair{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

// Copies `value` into a C buffer of `size` bytes, truncated, NUL-terminated.
void copy_c(char* buffer, std::size_t size, std::string_view value) {
    const std::size_t n = std::min(value.size(), size - 1);
    std::memcpy(buffer, value.data(), n);
    buffer[n] = '\0';
}

}  // namespace

request_gate::request_gate(filter_host& host, const fcgi::param_set& params, const isapi::server_variables_config& config)
    : host_(host),
      params_(params),
      original_(params_of(params)),
      variables_(params, no_match_, config),
      request_(request_head(original_), variables_),
      original_user_(params.get("REMOTE_USER")) {
    user_ = original_user_;
}

const gate_decision& request_gate::run() {
    if (decision_) return *decision_;
    decision_.emplace();
    lease_ = host_.acquire(params_.get("REMOTE_ADDR"), params_.get("REMOTE_PORT"),
                           isapi::ascii::iequals(params_.get("HTTPS"), "on"));
    run_steps();
    auto& d = *decision_;
    if (d.what == gate_decision::verdict::proceed) {
        d.user = user_;
        d.response_headers = request_.added_response_headers;
        d.rewritten = request_.head.changed() || user_ != original_user_;
        if (d.rewritten) {
            d.params = request_.head.to_params(original_);
            if (request_.head.url() != params_.get("REQUEST_URI")) {
                // What the front end derived from the old URL would route the request there.
                std::erase_if(d.params, [](const auto& p) {
                    return p.first == "SCRIPT_NAME" || p.first == "PATH_INFO" || p.first == "DOCUMENT_URI" ||
                           p.first == "PATH_TRANSLATED" || p.first == "SCRIPT_FILENAME";
                });
            }
            if (user_ != original_user_) {
                std::erase_if(d.params, [](const auto& p) { return p.first == "REMOTE_USER"; });
                d.params.emplace_back("REMOTE_USER", user_);
            }
        }
    }
    return d;
}

void request_gate::run_steps() {
    if (host_.wants(filter_event::read_raw_data)) {
        std::string raw = raw_head(request_.head);
        HTTP_FILTER_RAW_DATA data{};
        data.pvInData = raw.data();
        data.cbInData = static_cast<DWORD>(raw.size());
        data.cbInBuffer = static_cast<DWORD>(raw.size());
        if (!step(filter_event::read_raw_data, &data)) return;
    }
    if (host_.wants(filter_event::preproc_headers)) {
        auto headers = preproc_headers_notification();
        if (!step(filter_event::preproc_headers, &headers)) return;
    }
    if (host_.wants(filter_event::url_map)) {
        const std::string url(path_of(request_.head.url()));
        std::vector<char> physical(4096);
        const std::string root = variables_.document_root();
        if (!root.empty()) copy_c(physical.data(), physical.size(), root + url);
        HTTP_FILTER_URL_MAP map{};
        map.pszURL = url.c_str();
        map.pszPhysicalPath = physical.data();
        map.cbPathBuff = static_cast<DWORD>(physical.size());
        if (!step(filter_event::url_map, &map)) return;
    }
    if (host_.wants(filter_event::authentication)) {
        char user[SF_MAX_USERNAME] = {};
        char password[SF_MAX_PASSWORD] = {};
        if (const auto credentials = basic_credentials(request_.head.get("Authorization:").value_or(""))) {
            copy_c(user, sizeof user, credentials->first);
            copy_c(password, sizeof password, credentials->second);
        } else {
            copy_c(user, sizeof user, user_);
        }
        const std::string given(user);
        HTTP_FILTER_AUTHENT authent{user, sizeof user, password, sizeof password};
        const chain_result result = lease_.session().notify(filter_event::authentication, &authent, request_);
        user[sizeof user - 1] = '\0';  // a filter may have filled the whole buffer
        // IIS logs on whom the filter leaves in pszUser. Here a user the filter named (or kept,
        // answering HANDLED: "authenticated") is the request's; Basic credentials no filter
        // vouched for are the front end's business, so only its REMOTE_USER stands then.
        if (given != user || (result.outcome == filter_outcome::handled && user[0] != '\0')) user_ = user;
        const bool go_on = settle(result, filter_event::authentication);
        if (!go_on) return;
    }
    if (host_.wants(filter_event::auth_complete)) {
        auto info = auth_complete_notification();
        if (!step(filter_event::auth_complete, &info)) return;
    }
}

bool request_gate::step(filter_event event, void* notification) {
    return settle(lease_.session().notify(event, notification, request_), event);
}

bool request_gate::settle(const chain_result& result, filter_event event) {
    switch (result.outcome) {
        case filter_outcome::next:
        case filter_outcome::handled:
        case filter_outcome::read_next:  // one read of the head is all there is to read
            return true;
        case filter_outcome::finished:
        case filter_outcome::finished_keep_conn: answer(result); return false;
        case filter_outcome::error:
        case filter_outcome::invalid: fail(result, event); return false;
    }
    return false;
}

void request_gate::answer(const chain_result& result) {
    auto& d = *decision_;
    d.decided_by = result.decided_by;
    d.keep_connection = result.outcome == filter_outcome::finished_keep_conn;
    auto status = isapi::parse_status(request_.response.header_sent ? request_.response.status : "200 OK");
    if (!status) {
        d.what = gate_decision::verdict::failed;
        d.reason = fmt::format("filter '{}' answered with the status '{}', which is no HTTP status",
                               result.decided_by ? result.decided_by->name() : "?", request_.response.status);
        return;
    }
    if (status->code == 401) {
        raise_access_denied();
        if (decision_->what == gate_decision::verdict::failed) return;
        if (auto replaced = isapi::parse_status(request_.response.status); replaced && request_.response.header_sent)
            status = replaced;
    }
    d.what = gate_decision::verdict::answered;
    d.status = status->code;
    d.status_line = status->text();
    d.headers = request_.response.headers + request_.added_response_headers;
    if (status->code == 401) d.headers += request_.denial_headers;
    d.body = request_.response.body;
}

void request_gate::raise_access_denied() {
    if (!host_.wants(filter_event::access_denied)) return;
    const std::string url(path_of(request_.head.url()));
    const std::string physical = variables_.document_root().empty() ? "" : variables_.document_root() + url;
    HTTP_FILTER_ACCESS_DENIED denied{url.c_str(), physical.c_str(), SF_DENIED_FILTER};
    // A filter here may send a response of its own instead of the one denied.
    filter_response denied_response = std::move(request_.response);
    request_.response = {};
    const chain_result result = lease_.session().notify(filter_event::access_denied, &denied, request_);
    if (result.outcome == filter_outcome::error || result.outcome == filter_outcome::invalid) {
        fail(result, filter_event::access_denied);
        return;
    }
    if (!request_.response.header_sent) request_.response = std::move(denied_response);
}

void request_gate::fail(const chain_result& result, filter_event event) {
    auto& d = *decision_;
    d.what = gate_decision::verdict::failed;
    d.decided_by = result.decided_by;
    d.reason = fmt::format("filter '{}' {} for {}", result.decided_by ? result.decided_by->name() : "?",
                           result.outcome == filter_outcome::error ? "returned SF_STATUS_REQ_ERROR"
                                                                   : "returned no valid status",
                           event_name(event));
}

}  // namespace isapi_fcgi::filters
