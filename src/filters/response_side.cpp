#include "filters/response_side.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "filters/filter_callbacks.hpp"

namespace isapi_fcgi::filters {
namespace {

/// A header block larger than this is no response head (the translator caps its own at
/// max_response_header_bytes, at most 1 MiB).
constexpr std::size_t max_head_bytes = 2u << 20;
/// The most a filter may hand back for one SEND_RAW_DATA block.
constexpr DWORD max_raw_data_bytes = 16u << 20;

constexpr std::string_view failure_head =
    "Content-Type: text/html\r\nStatus: 500 Internal Server Error\r\n\r\n";
constexpr std::string_view failure_body =
    "<html><head><title>500 Internal Server Error</title></head><body><h1>500 Internal Server Error</h1>"
    "<p>A filter failed.</p></body></html>\n";

bool failed(filter_outcome outcome) noexcept {
    return outcome == filter_outcome::error || outcome == filter_outcome::invalid;
}

bool finished(filter_outcome outcome) noexcept {
    return outcome == filter_outcome::finished || outcome == filter_outcome::finished_keep_conn;
}

}  // namespace

response_side::response_side(request_gate& gate, source from) : gate_(gate), from_(from) {
    drop_length_ = gate_.host().wants(filter_event::send_raw_data);
}

std::string response_side::failure(const chain_result& result, filter_event event) const {
    return fmt::format("filter '{}' {} for {}", result.decided_by ? result.decided_by->name() : "?",
                       result.outcome == filter_outcome::error ? "returned SF_STATUS_REQ_ERROR" : "returned no valid status",
                       event_name(event));
}

response_side::output response_side::error_response(std::string why) {
    spdlog::warn("{}: the response becomes a 500", why);
    head_sent_ = true;
    ended_ = true;
    status_sent_ = 500;
    body_bytes_sent_ += failure_body.size();
    return {std::string(failure_head) + std::string(failure_body), false, true};
}

response_side::output response_side::write(std::string_view bytes) {
    if (ended_) return {{}, false, true};
    if (head_sent_) return send_body(bytes);
    // The blank line may straddle two writes: search from where it could begin.
    const std::size_t from = pending_head_.size() < 3 ? 0 : pending_head_.size() - 3;
    pending_head_.append(bytes);
    const auto blank = pending_head_.find("\r\n\r\n", from);
    if (blank == std::string::npos) {
        if (pending_head_.size() <= max_head_bytes) return {};
        // Not a head the host made: pass it on untouched rather than hold it.
        spdlog::warn("filters: a response head of more than {} bytes goes out unfiltered", max_head_bytes);
        head_sent_ = true;
        return {std::exchange(pending_head_, {}), false, false};
    }
    std::string head = pending_head_.substr(0, blank + 4);
    std::string rest = pending_head_.substr(blank + 4);
    pending_head_.clear();
    output out = send_head(head);
    if (out.ended || out.cut || rest.empty()) return out;
    output body = send_body(rest);
    out.bytes += body.bytes;
    out.cut = body.cut;
    out.ended = body.ended;
    return out;
}

response_side::output response_side::send_head(std::string_view block) {
    head_sent_ = true;
    auto parsed = response_head::parse(block);
    if (!parsed) return {std::string(block), false, false};
    response_head head = std::move(*parsed);
    auto& request = gate_.request();
    auto& session = gate_.session();
    // The gate put these lines in a filter's own head, and raised ACCESS_DENIED for it.
    if (from_ == source::filter) request.added_response_headers.clear();
    if (from_ == source::served && head.status_code() == 401) {
        head.add_lines(request.denial_headers);
        if (gate_.host().wants(filter_event::access_denied)) {
            const std::string url(request.head.url().substr(0, request.head.url().find('?')));
            HTTP_FILTER_ACCESS_DENIED denied{url.c_str(), "", SF_DENIED_APPLICATION};
            request.response = {};
            const auto result = session.notify(filter_event::access_denied, &denied, request);
            if (failed(result.outcome)) return error_response(failure(result, filter_event::access_denied));
            if (finished(result.outcome) && request.response.header_sent) {
                // The filter's own response replaces the extension's.
                ended_ = true;
                auto own = response_head::parse(request.response.headers + "\r\n");
                response_head replaced = own ? std::move(*own) : response_head{};
                replaced.set("status", request.response.status);
                replaced.add_lines(request.added_response_headers);
                status_sent_ = replaced.status_code();
                body_bytes_sent_ += request.response.body.size();
                return {replaced.to_block() + request.response.body, false, true};
            }
        }
    }
    head.add_lines(request.added_response_headers);
    request.added_response_headers.clear();
    if (drop_length_) head.remove("Content-Length");
    if (gate_.host().wants(filter_event::send_response)) {
        auto notification = preproc_headers_notification();  // HTTP_FILTER_SEND_RESPONSE
        notification.HttpStatus = head.status_code();
        request.sending = &head;
        request.response = {};
        const auto result = session.notify(filter_event::send_response, &notification, request);
        request.sending = nullptr;
        if (failed(result.outcome)) return error_response(failure(result, filter_event::send_response));
        if (notification.HttpStatus != head.status_code()) head.set_status_code(notification.HttpStatus);
        head.add_lines(request.added_response_headers);
        request.added_response_headers.clear();
        if (finished(result.outcome)) {
            // The filter ended the response here: its head, and what it wrote, only.
            ended_ = true;
            head.remove("Content-Length");
            status_sent_ = head.status_code();
            body_bytes_sent_ += request.response.body.size();
            return {head.to_block() + std::exchange(request.response.body, {}), false, true};
        }
    }
    status_sent_ = head.status_code();
    return {head.to_block(), false, false};
}

response_side::output response_side::send_body(std::string_view bytes) {
    if (bytes.empty() || !gate_.host().wants(filter_event::send_raw_data)) {
        body_bytes_sent_ += bytes.size();
        return {std::string(bytes), false, false};
    }
    auto& request = gate_.request();
    std::string block(bytes);
    HTTP_FILTER_RAW_DATA data{};
    data.pvInData = block.data();
    data.cbInData = static_cast<DWORD>(block.size());
    data.cbInBuffer = static_cast<DWORD>(block.size());
    request.response.body.clear();
    const auto result = gate_.session().notify(filter_event::send_raw_data, &data, request);
    if (failed(result.outcome)) {
        spdlog::warn("{}: the response is cut", failure(result, filter_event::send_raw_data));
        ended_ = true;
        return {{}, true, true};
    }
    output out;
    out.bytes = std::exchange(request.response.body, {});  // WriteClient during the notification
    if (data.cbInData > max_raw_data_bytes || (data.pvInData == nullptr && data.cbInData != 0)) {
        spdlog::warn("filters: SEND_RAW_DATA handed back {} bytes at {}: more than {} or no buffer; the response is cut",
                     data.cbInData, data.pvInData, max_raw_data_bytes);
        ended_ = true;
        return {{}, true, true};
    }
    if (data.cbInData > 0) out.bytes.append(static_cast<const char*>(data.pvInData), data.cbInData);
    body_bytes_sent_ += out.bytes.size();
    if (finished(result.outcome)) {
        ended_ = true;
        out.ended = true;
    }
    return out;
}

response_side::output response_side::end() {
    output out;
    if (!head_sent_ && !pending_head_.empty()) {
        out.bytes = std::exchange(pending_head_, {});
        head_sent_ = true;
    }
    if (!end_of_request_raised_ && gate_.host().wants(filter_event::end_of_request)) {
        end_of_request_raised_ = true;
        auto& request = gate_.request();
        request.response.body.clear();
        gate_.session().notify(filter_event::end_of_request, nullptr, request);
        // WriteClient at the end of the request: the last bytes of the body.
        if (!ended_) {
            body_bytes_sent_ += request.response.body.size();
            out.bytes += std::exchange(request.response.body, {});
        }
    }
    end_of_request_raised_ = true;
    ended_ = true;
    return out;
}

void response_side::log(log_fields& fields) {
    if (!gate_.host().wants(filter_event::log)) return;
    HTTP_FILTER_LOG record{};
    record.pszClientHostName = fields.client_host.c_str();
    record.pszClientUserName = fields.client_user.c_str();
    record.pszServerName = fields.server_name.c_str();
    record.pszOperation = fields.operation.c_str();
    record.pszTarget = fields.target.c_str();
    record.pszParameters = fields.parameters.c_str();
    record.dwHttpStatus = fields.status;
    record.dwWin32Status = 0;
    record.dwBytesSent = static_cast<DWORD>(std::min<std::uint64_t>(fields.bytes_sent, 0xFFFFFFFFu));
    record.dwBytesRecvd = static_cast<DWORD>(std::min<std::uint64_t>(fields.bytes_received, 0xFFFFFFFFu));
    record.msTimeForProcessing = static_cast<DWORD>(fields.duration.count());
    gate_.session().notify(filter_event::log, &record, gate_.request());
    // A filter may point any string at its own (AllocMem) text: copied back, bounded.
    auto take = [](const CHAR* text, std::string& into) {
        if (!text) return;
        into.assign(text, ::strnlen(text, 4096));
    };
    take(record.pszClientHostName, fields.client_host);
    take(record.pszClientUserName, fields.client_user);
    take(record.pszServerName, fields.server_name);
    take(record.pszOperation, fields.operation);
    take(record.pszTarget, fields.target);
    take(record.pszParameters, fields.parameters);
    fields.status = record.dwHttpStatus;
    fields.bytes_sent = record.dwBytesSent;
    fields.bytes_received = record.dwBytesRecvd;
}

}  // namespace isapi_fcgi::filters
