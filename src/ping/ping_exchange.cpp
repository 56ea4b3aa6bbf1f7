#include "ping/ping_exchange.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <utility>

#include <fmt/format.h>

#include "fcgi/errc.hpp"
#include "fcgi/name_value.hpp"
#include "fcgi/protocol.hpp"
#include "fcgi/record_header.hpp"

namespace isapi_fcgi::ping {

namespace {

// A header block longer than this is not a ping answer (nginx's default buffer is 4 KiB).
constexpr std::size_t max_header_block = 16 * 1024;

void append_record(std::string& out, fcgi::record_type type, std::string_view content) {
    const auto header = fcgi::encode_header(type, request_id, static_cast<std::uint16_t>(content.size()));
    out.append(reinterpret_cast<const char*>(header.data()), header.size());
    out.append(content);
    const auto padding = fcgi::padding_bytes(fcgi::padding_for(content.size()));
    out.append(reinterpret_cast<const char*>(padding.data()), padding.size());
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

void append_bounded(std::string& to, std::string_view bytes) {
    to.append(bytes.substr(0, reply_reader::max_body - std::min(to.size(), reply_reader::max_body)));
}

std::string_view first_line(std::string_view text) {
    return trim(text.substr(0, std::min(text.find('\n'), std::size_t{200})));
}

}  // namespace

std::string encode_request(std::string_view path) {
    std::string out;
    // FCGI_BeginRequestBody: role (2 bytes), flags (keep-conn clear: the server closes after
    // END_REQUEST), 5 reserved bytes.
    const std::string begin{'\0', static_cast<char>(fcgi::role::responder), '\0', '\0', '\0', '\0', '\0', '\0'};
    append_record(out, fcgi::record_type::begin_request, begin);
    std::string params;
    for (const auto& [name, value] : {std::pair<std::string_view, std::string_view>{"GATEWAY_INTERFACE", "CGI/1.1"},
                                      {"SERVER_SOFTWARE", "isapi-fcgi-ping"},
                                      {"SERVER_PROTOCOL", "HTTP/1.1"},
                                      {"REQUEST_METHOD", "GET"},
                                      {"SCRIPT_NAME", path},
                                      {"REQUEST_URI", path},
                                      {"DOCUMENT_URI", path},
                                      {"QUERY_STRING", ""},
                                      {"CONTENT_LENGTH", ""}}) {
        fcgi::append_pair(params, name, value);
    }
    append_record(out, fcgi::record_type::params, params);
    append_record(out, fcgi::record_type::params, {});
    append_record(out, fcgi::record_type::stdin_stream, {});
    return out;
}

reply_reader::state reply_reader::fail(std::string why) {
    error_ = std::move(why);
    return state_ = state::failed;
}

reply_reader::state reply_reader::feed(std::span<const std::byte> bytes) {
    // Runs until the parser needs more input: a record without padding ends (end_of_record)
    // on the call after its last content byte, with nothing left to feed.
    while (state_ == state::need_more) {
        std::error_code ec;
        const auto step = parser_.next(bytes, ec);
        bytes = bytes.subspan(step.consumed);
        if (ec) return fail(fmt::format("bad record from the responder: {}", ec.message()));
        switch (step.what) {
        case fcgi::record_parser::event::header: {
            const auto& h = parser_.header();
            if (h.request_id != request_id)
                return fail(fmt::format("record type {} for request id {}, expected {}", h.type, h.request_id, request_id));
            if (h.kind() != fcgi::record_type::stdout_stream && h.kind() != fcgi::record_type::stderr_stream &&
                h.kind() != fcgi::record_type::end_request)
                return fail(fmt::format("unexpected record type {}", h.type));
            if (h.kind() == fcgi::record_type::end_request && h.content_length != 8)
                return fail(fmt::format("END_REQUEST of {} bytes, expected 8", h.content_length));
            record_content_.clear();
            break;
        }
        case fcgi::record_parser::event::content: on_content(step.content); break;
        case fcgi::record_parser::event::end_of_record:
            if (on_end_of_record() != state::need_more) return state_;
            break;
        case fcgi::record_parser::event::need_more: return state_;
        }
    }
    return state_;
}

void reply_reader::on_content(std::span<const std::byte> piece) {
    const std::string_view text(reinterpret_cast<const char*>(piece.data()), piece.size());
    switch (parser_.header().kind()) {
    case fcgi::record_type::end_request: record_content_.append(text); break;
    case fcgi::record_type::stderr_stream: append_bounded(reply_.stderr_text, text); break;
    case fcgi::record_type::stdout_stream:
        if (headers_done_) {
            append_bounded(reply_.body, text);
        } else {
            header_block_.append(text);
            parse_header_block();
        }
        break;
    default: break;
    }
}

// Looks for the blank line that ends the CGI header block; the bytes after it are body.
void reply_reader::parse_header_block() {
    std::size_t end = std::string::npos;
    std::size_t body_at = 0;
    for (std::size_t at = header_block_.find('\n'); at != std::string::npos; at = header_block_.find('\n', at + 1)) {
        if (at + 1 < header_block_.size() && header_block_[at + 1] == '\n') {
            end = at + 1, body_at = at + 2;
            break;
        }
        if (at + 2 < header_block_.size() && header_block_[at + 1] == '\r' && header_block_[at + 2] == '\n') {
            end = at + 1, body_at = at + 3;
            break;
        }
    }
    if (end == std::string::npos) {
        if (header_block_.size() > max_header_block)
            fail(fmt::format("a CGI header block of more than {} bytes", max_header_block));
        return;
    }
    headers_done_ = true;
    reply_.http_status = 200;  // CGI: no Status header means 200
    std::string_view block = std::string_view(header_block_).substr(0, end);
    while (!block.empty()) {
        const auto eol = block.find('\n');
        const auto line = block.substr(0, eol);
        block.remove_prefix(eol == std::string_view::npos ? block.size() : eol + 1);
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || !iequals(trim(line.substr(0, colon)), "Status")) continue;
        reply_.status_line = std::string(trim(line.substr(colon + 1)));
        int code = 0;
        const auto* first = reply_.status_line.data();
        const auto [ptr, ec] = std::from_chars(first, first + std::min<std::size_t>(3, reply_.status_line.size()), code);
        reply_.http_status = (ec == std::errc{} && ptr == first + 3) ? code : 0;
    }
    append_bounded(reply_.body, std::string_view(header_block_).substr(body_at));
    header_block_.clear();
}

reply_reader::state reply_reader::on_end_of_record() {
    if (parser_.header().kind() != fcgi::record_type::end_request) return state_;
    const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(record_content_[i]); };
    reply_.app_status = static_cast<std::uint32_t>(byte(0)) << 24 | static_cast<std::uint32_t>(byte(1)) << 16 |
                        static_cast<std::uint32_t>(byte(2)) << 8 | byte(3);
    reply_.protocol_status = byte(4);
    return state_ = state::complete;
}

reply_reader::state reply_reader::end_of_input() {
    if (state_ != state::need_more) return state_;
    return fail(parser_.mid_record() ? "the responder closed the connection in the middle of a record"
                                     : "the responder closed the connection before END_REQUEST");
}

std::optional<std::string> judge(const reply& r) {
    if (r.protocol_status != static_cast<std::uint8_t>(fcgi::protocol_status::request_complete))
        return fmt::format("request ended with FastCGI protocol status {}", r.protocol_status);
    if (r.http_status == 0 && r.status_line.empty()) return std::string("request ended without a CGI header block");
    if (r.http_status != 200) {
        auto why = fmt::format("answered {}", r.status_line.empty() ? "an unreadable status" : r.status_line);
        if (const auto line = first_line(r.body); !line.empty()) why += fmt::format(" ({})", line);
        return why;
    }
    return std::nullopt;
}

}  // namespace isapi_fcgi::ping
