#include "isapi/response_translator.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <limits>

#include "isapi/ascii.hpp"
#include "isapi/response_errc.hpp"

namespace isapi_fcgi::isapi {
namespace {

// nginx reads the first STDOUT record, header included, into fastcgi_buffer_size.
constexpr std::size_t fcgi_record_header_bytes = 8;
// nginx 1.22 loses the body of a header block that leaves fewer than two bytes of its
// fastcgi_buffer_size free (front_rules_test finds the edge), so the budget keeps them.
constexpr std::size_t front_end_reserve_bytes = 2;

http_status fallback_status(std::uint32_t ecb_status) {
    const unsigned code = ecb_status >= 100 && ecb_status <= 999 ? ecb_status : 200;
    return {code, std::string(reason_phrase(code))};
}

std::string html_escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string_view first_line(std::string_view text) {
    std::string_view line = text.substr(0, text.find('\n'));
    if (line.ends_with('\r')) line.remove_suffix(1);
    return line;
}

/// Bytes that start like a status line but whose first (complete) line is none: a body that
/// happens to begin with "HTTP/".
bool is_false_status_line(std::string_view text, bool line_complete) {
    if (!ascii::istarts_with(text, "HTTP/")) return false;
    return line_complete ? !parse_status(first_line(text)) : false;
}

}  // namespace

response_translator::response_translator(response_translator_options options)
    : options_(std::move(options)) {}

response_translator::sniff response_translator::classify(std::string_view prefix) const {
    static constexpr std::array<std::string_view, 3> cgi_starts = {"Status:", "Content-Type:",
                                                                    "Location:"};
    bool undecided = false;
    auto check = [&](std::string_view candidate) {
        const std::size_t n = std::min(prefix.size(), candidate.size());
        if (!ascii::iequals(prefix.substr(0, n), candidate.substr(0, n))) return false;
        if (prefix.size() >= candidate.size()) return true;
        undecided = true;
        return false;
    };
    if (check("HTTP/")) return sniff::header;
    if (options_.cgi_headers_in_body)
        for (const auto candidate : cgi_starts)
            if (check(candidate)) return sniff::header;
    return undecided ? sniff::undecided : sniff::body;
}

std::error_code response_translator::fail(std::error_code ec) {
    phase_ = phase::ended;
    pending_.clear();
    return ec;
}

std::error_code response_translator::emit_headers(const parsed_header_block& block,
                                                  std::uint32_t ecb_status, response_bytes& out) {
    std::optional<http_status> fallback;  // a reference to the block's own status, not a copy
    if (!block.status) fallback = fallback_status(ecb_status);
    const http_status& status = block.status ? *block.status : *fallback;
    char code[std::numeric_limits<unsigned>::digits10 + 1];
    const std::string_view code_text(code, static_cast<std::size_t>(std::to_chars(code, code + sizeof code, status.code).ptr - code));
    // Sized first, then written in place: one allocation, no capacity check per piece.
    constexpr std::string_view status_name = "Status: ";
    constexpr std::string_view line_end = "\r\n";
    std::size_t size = options_.extra_header_lines.size() + status_name.size() + code_text.size() +
                       (status.reason.empty() ? 0 : 1 + status.reason.size()) + 2 * line_end.size();
    for (const auto& field : block.fields)
        size += field.name.size() + (field.value.empty() ? 1 : 2) + field.value.size() + line_end.size();
    if (size + fcgi_record_header_bytes + front_end_reserve_bytes > options_.max_header_bytes)
        return response_errc::header_too_large;
    std::string h(size, '\0');
    char* p = h.data();
    const auto put = [&p](std::string_view piece) {
        std::memcpy(p, piece.data(), piece.size());
        p += piece.size();
    };
    for (const auto& field : block.fields) {
        put(field.name);
        put(field.value.empty() ? std::string_view(":") : std::string_view(": "));
        put(field.value);
        put(line_end);
    }
    put(options_.extra_header_lines);
    // Status goes last: HAProxy 2.6 turns a response whose Location comes after its Status
    // into a 302, whatever the Status said; nginx and Apache read it anywhere.
    put(status_name);
    put(code_text);
    if (!status.reason.empty()) {
        *p++ = ' ';
        put(status.reason);
    }
    put(line_end);
    put(line_end);
    out.header_bytes = std::move(h);
    headers_sent_ = true;
    status_code_ = status.code;
    dechunk_ = block.chunked;
    phase_ = phase::body;
    return {};
}

std::optional<plain_header_block> response_translator::emit_plain_headers(std::string_view header_text,
                                                                          std::string_view status_text,
                                                                          std::uint32_t ecb_status,
                                                                          response_bytes& out) {
    std::optional<http_status> status;
    if (status_text.empty()) {
        status = fallback_status(ecb_status);  // a block naming its own status is not plain
    } else {
        status = parse_status(status_text);
        if (!status) return std::nullopt;
    }
    char code[std::numeric_limits<unsigned>::digits10 + 1];
    const std::string_view code_text(code, static_cast<std::size_t>(std::to_chars(code, code + sizeof code, status->code).ptr - code));
    constexpr std::string_view status_name = "Status: ";
    constexpr std::string_view block_end = "\r\n\r\n";
    const std::size_t tail = options_.extra_header_lines.size() + status_name.size() + code_text.size() +
                             (status->reason.empty() ? 0 : 1 + status->reason.size()) + block_end.size();
    const std::size_t reserved = fcgi_record_header_bytes + front_end_reserve_bytes;
    if (options_.max_header_bytes < reserved + tail) return std::nullopt;
    // A field line is at most twice the bytes it was read from, so this holds every block that
    // fits the front end's buffer; a larger one is too large, which the general path reports.
    std::string h(std::min(options_.max_header_bytes - reserved, 2 * header_text.size() + tail), '\0');
    char* p = h.data();
    const auto block = write_plain_header_fields(header_text, status_text.empty(), p, h.data() + h.size() - tail);
    if (!block) return std::nullopt;
    const auto put = [&p](std::string_view piece) {
        std::memcpy(p, piece.data(), piece.size());
        p += piece.size();
    };
    if (!options_.extra_header_lines.empty()) put(options_.extra_header_lines);
    std::memcpy(p, status_name.data(), status_name.size());  // last, as in emit_headers
    p += status_name.size();
    put(code_text);
    if (!status->reason.empty()) {
        *p++ = ' ';
        put(status->reason);
    }
    std::memcpy(p, block_end.data(), block_end.size());
    p += block_end.size();
    h.resize(static_cast<std::size_t>(p - h.data()));
    out.header_bytes = std::move(h);
    headers_sent_ = true;
    status_code_ = status->code;
    dechunk_ = false;
    phase_ = phase::body;
    return block;
}

std::error_code response_translator::emit_body(std::span<const char> data, response_bytes& out) {
    if (data.empty()) return {};
    if (!dechunk_) {
        out.body_view = data;
        body_bytes_ += data.size();
        return {};
    }
    const std::size_t before = out.body_copy.size();
    const auto status = decoder_.feed(data, out.body_copy);
    body_bytes_ += out.body_copy.size() - before;
    if (status == chunked_decoder::status::error) return fail(response_errc::bad_chunked_body);
    return {};
}

std::error_code response_translator::start_plain_body(std::uint32_t ecb_status,
                                                      std::size_t buffered_bytes,
                                                      std::span<const char> data,
                                                      response_bytes& out) {
    parsed_header_block block;
    if (!options_.default_content_type.empty())
        block.fields.push_back({"Content-Type", options_.default_content_type});
    if (auto ec = emit_headers(block, ecb_status, out)) return fail(ec);
    out.body_copy.append(pending_, 0, buffered_bytes);
    body_bytes_ += buffered_bytes;
    pending_.clear();
    return emit_body(data, out);
}

std::error_code response_translator::send_response_header(std::optional<std::string_view> status,
                                                          std::optional<std::string_view> headers,
                                                          std::uint32_t ecb_status,
                                                          response_bytes& out) {
    if (phase_ == phase::ended) return response_errc::response_failed;
    if (headers_sent_ || !pending_.empty()) return response_errc::headers_already_sent;

    std::string_view status_text = status.value_or(std::string_view());
    std::string_view header_text = headers.value_or(std::string_view());
    while (!status_text.empty() && (status_text.back() == '\r' || status_text.back() == '\n'))
        status_text.remove_suffix(1);
    // A plain scan: find_first_of calls memchr over its set once per character.
    if (std::any_of(status_text.begin(), status_text.end(), [](char c) { return c == '\r' || c == '\n'; })) {
        if (!header_text.empty()) return response_errc::header_injection;
        header_text = *status;  // the whole text: status line, fields, maybe body
        status_text = {};
    }
    status_text = ascii::trim(status_text);

    if (const auto plain = emit_plain_headers(header_text, status_text, ecb_status, out)) {
        if (!plain->complete) return {};
        return emit_body(std::span<const char>(header_text.substr(plain->consumed)), out);
    }
    parsed_header_block block;
    if (auto ec = parse_header_block(header_text, status_text.empty(), block)) return ec;
    if (!status_text.empty()) {
        block.status = parse_status(status_text);
        if (!block.status) return response_errc::invalid_status;
    }
    if (auto ec = emit_headers(block, ecb_status, out)) return ec;
    if (!block.complete) return {};
    return emit_body(std::span<const char>(header_text.substr(block.consumed)), out);
}

std::error_code response_translator::send_redirect(std::string_view location, response_bytes& out) {
    if (phase_ == phase::ended) return response_errc::response_failed;
    if (headers_sent_ || !pending_.empty()) return response_errc::headers_already_sent;
    if (location.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
        return response_errc::header_injection;
    if (ascii::trim(location).empty()) return response_errc::malformed_header;

    parsed_header_block block;
    block.status = http_status{302, "Object Moved"};  // IIS's wording
    block.fields.push_back({"Location", location});
    block.fields.push_back({"Content-Type", "text/html"});
    if (auto ec = emit_headers(block, 200, out)) return ec;
    const std::size_t before = out.body_copy.size();
    out.body_copy += "<head><title>Object Moved</title></head><body><h1>Object Moved</h1>"
                     "This object may be found <a HREF=\"" +
                     html_escape(location) + "\">here</a>.</body>";
    body_bytes_ += out.body_copy.size() - before;
    return {};
}

std::error_code response_translator::write(std::span<const char> data, std::uint32_t ecb_status,
                                           response_bytes& out) {
    switch (phase_) {
    case phase::ended: return response_errc::response_failed;
    case phase::body: return emit_body(data, out);
    case phase::start:
    case phase::header_bytes: break;
    }
    if (data.empty()) return {};
    return write_buffering(data, ecb_status, out);
}

std::error_code response_translator::write_buffering(std::span<const char> data,
                                                     std::uint32_t ecb_status,
                                                     response_bytes& out) {
    const std::size_t old = pending_.size();
    if (phase_ == phase::start) {
        std::string probe = pending_;
        probe.append(data.data(), std::min<std::size_t>(data.size(), 16));
        switch (classify(probe)) {
        case sniff::undecided:  // shorter than the longest candidate, so a few bytes only
            pending_.append(data.data(), data.size());
            return {};
        case sniff::body: return start_plain_body(ecb_status, old, data, out);
        case sniff::header: phase_ = phase::header_bytes; break;
        }
    }

    const std::size_t room =
        options_.max_buffered_header_bytes > old ? options_.max_buffered_header_bytes - old : 0;
    pending_.append(data.data(), std::min(room, data.size()));
    const bool line_complete = pending_.find('\n') != std::string::npos;
    if (is_false_status_line(pending_, line_complete))
        return start_plain_body(ecb_status, old, data, out);

    const auto end = find_header_end(pending_, old > 3 ? old - 3 : 0);
    if (!end) {
        if (pending_.size() >= options_.max_buffered_header_bytes)
            return fail(response_errc::header_too_large);
        return {};
    }
    parsed_header_block block;
    if (auto ec = parse_header_block(std::string_view(pending_).substr(0, *end), true, block))
        return fail(ec);
    if (auto ec = emit_headers(block, ecb_status, out)) return fail(ec);
    // The blank line ends in this call's data, since earlier calls found none; the guard only
    // keeps a broken invariant from reading out of bounds.
    if (*end < old) {
        out.body_copy.append(pending_, *end, old - *end);
        body_bytes_ += old - *end;
        pending_.clear();
        return emit_body(data, out);
    }
    const std::size_t body_offset = *end - old;
    pending_.clear();
    return emit_body(data.subspan(body_offset), out);
}

std::error_code response_translator::finish(std::uint32_t ecb_status, response_bytes& out) {
    switch (phase_) {
    case phase::ended:
    case phase::body: return {};
    case phase::start:
        if (!pending_.empty()) return start_plain_body(ecb_status, pending_.size(), {}, out);
        {
            parsed_header_block block;
            block.fields.push_back({"Content-Length", "0"});
            if (auto ec = emit_headers(block, ecb_status, out)) return fail(ec);
        }
        return {};
    case phase::header_bytes: break;
    }
    // The extension wrote a header block and never its blank line: the block ends here.
    if (is_false_status_line(pending_, true))
        return start_plain_body(ecb_status, pending_.size(), {}, out);
    parsed_header_block block;
    if (auto ec = parse_header_block(pending_, true, block)) return fail(ec);
    if (auto ec = emit_headers(block, ecb_status, out)) return fail(ec);
    pending_.clear();
    return {};
}

response_bytes response_translator::error_response(unsigned status) {
    response_bytes out;
    const bool already = headers_sent_;
    phase_ = phase::ended;
    pending_.clear();
    if (already) return out;
    const http_status st = fallback_status(status >= 100 && status <= 999 ? status : 500);
    const std::string text = html_escape(st.text());
    out.body_copy = "<html><head><title>" + text + "</title></head><body><h1>" + text +
                    "</h1></body></html>\n";
    out.header_bytes = "Status: " + st.text() + "\r\nContent-Type: text/html\r\nContent-Length: " +
                       std::to_string(out.body_copy.size()) + "\r\n\r\n";
    headers_sent_ = true;
    status_code_ = st.code;
    body_bytes_ += out.body_copy.size();
    return out;
}

}  // namespace isapi_fcgi::isapi
