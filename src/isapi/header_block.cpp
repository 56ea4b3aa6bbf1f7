#include "isapi/header_block.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "isapi/ascii.hpp"
#include "isapi/response_errc.hpp"

namespace isapi_fcgi::isapi {
namespace {

/// What parse_header_block does with a field, by name. The length picks the one candidate to
/// compare, so an ordinary field (Content-Type, Set-Cookie...) costs no comparison at all.
enum class field_kind { forwarded, status, transfer_encoding, content_length, hop_by_hop };

field_kind kind_of(std::string_view name) noexcept {
    // `name` is as long as the candidate (the switch), which is spelled in lower case: only a
    // byte that differs is folded.
    const auto is = [name](std::string_view lower) {
        for (std::size_t i = 0; i < lower.size(); ++i)
            if (name[i] != lower[i] && ascii::to_lower(name[i]) != lower[i]) return false;
        return true;
    };
    switch (name.size()) {
    case 2: return is("te") ? field_kind::hop_by_hop : field_kind::forwarded;
    case 6: return is("status") ? field_kind::status : field_kind::forwarded;
    case 7: return is("trailer") || is("upgrade") ? field_kind::hop_by_hop : field_kind::forwarded;
    case 10: return is("connection") || is("keep-alive") ? field_kind::hop_by_hop : field_kind::forwarded;
    case 14: return is("content-length") ? field_kind::content_length : field_kind::forwarded;
    case 16: return is("proxy-connection") ? field_kind::hop_by_hop : field_kind::forwarded;
    case 17: return is("transfer-encoding") ? field_kind::transfer_encoding : field_kind::forwarded;
    case 18: return is("proxy-authenticate") ? field_kind::hop_by_hop : field_kind::forwarded;
    default: return field_kind::forwarded;
    }
}

/// "gzip, chunked" -> true: chunked must be the last coding when present.
bool names_chunked(std::string_view value) {
    value = ascii::trim(value);
    const std::size_t comma = value.rfind(',');
    if (comma != std::string_view::npos) value = ascii::trim(value.substr(comma + 1));
    return ascii::iequals(value, "chunked");
}

/// The lines of a header block up to its first NUL (the extension's C string ends there), each
/// without its LF and a CR before it; a CR left inside a line is the caller's to refuse.
class header_lines {
public:
    explicit header_lines(std::string_view text) noexcept
        : text_(text), limit_(std::min(text.find('\0'), text.size())) {}
    bool more() const noexcept { return pos_ < limit_; }
    std::string_view next() noexcept {
        const std::size_t eol = text_.find('\n', pos_);
        const std::size_t line_end = eol == std::string_view::npos || eol > limit_ ? limit_ : eol;
        std::string_view line = text_.substr(pos_, line_end - pos_);
        pos_ = line_end == limit_ ? limit_ : line_end + 1;
        if (line.ends_with('\r')) line.remove_suffix(1);
        return line;
    }
    /// Bytes read so far: the whole block once next() returned its blank line.
    std::size_t consumed() const noexcept { return pos_; }

private:
    std::string_view text_;
    std::size_t limit_;
    std::size_t pos_ = 0;
};

}  // namespace

bool is_hop_by_hop(std::string_view name) noexcept {
    const field_kind kind = kind_of(name);
    return kind == field_kind::hop_by_hop || kind == field_kind::transfer_encoding;
}

std::optional<std::size_t> find_header_end(std::string_view text, std::size_t from) noexcept {
    // A block starting with its blank line has no fields at all; checked first, or "\r\n\r\n"
    // would end at its second blank line (parse_header_block stops at the first).
    if (from == 0 && text.starts_with("\n")) return 1;
    if (from == 0 && text.starts_with("\r\n")) return 2;
    for (std::size_t i = text.find('\n', from); i != std::string_view::npos;
         i = text.find('\n', i + 1)) {
        if (i + 1 < text.size() && text[i + 1] == '\n') return i + 2;
        if (i + 2 < text.size() && text[i + 1] == '\r' && text[i + 2] == '\n') return i + 3;
    }
    return std::nullopt;
}

std::error_code parse_header_block(std::string_view text, bool allow_status_line,
                                   parsed_header_block& out) {
    out.status.reset();
    out.fields.clear();
    out.joined_values.clear();
    out.chunked = false;
    out.complete = false;
    out.consumed = 0;
    out.fields.reserve(8);  // one allocation for an ordinary block instead of a growth chain
    bool has_content_length = false;
    header_lines lines(text);
    for (bool first = true; lines.more(); first = false) {
        const std::string_view line = lines.next();
        if (line.find('\r') != std::string_view::npos) return response_errc::header_injection;
        if (line.empty()) {
            out.complete = true;
            break;
        }
        if (ascii::is_space(line.front())) {  // obsolete line folding
            if (out.fields.empty()) return response_errc::malformed_header;
            const std::string_view more = ascii::trim(line);
            if (more.empty()) continue;
            std::string_view& value = out.fields.back().value;
            if (value.empty()) {
                value = more;
                continue;
            }
            std::string joined;
            joined.reserve(value.size() + 1 + more.size());
            ((joined += value) += ' ') += more;
            value = out.joined_values.emplace_front(std::move(joined));
            continue;
        }
        const std::size_t colon = line.find(':');
        if (first && allow_status_line &&
            (ascii::istarts_with(line, "HTTP/") || colon == std::string_view::npos)) {
            out.status = parse_status(line);
            if (!out.status) return response_errc::invalid_status;
            continue;
        }
        if (colon == std::string_view::npos) return response_errc::malformed_header;
        const std::string_view name = ascii::trim(line.substr(0, colon));
        const std::string_view value = ascii::trim(line.substr(colon + 1));
        if (!ascii::is_token(name)) return response_errc::malformed_header;
        switch (kind_of(name)) {
        case field_kind::status:
            if (out.status) continue;  // a status line or the first Status wins
            out.status = parse_status(value);
            if (!out.status) return response_errc::invalid_status;
            continue;
        case field_kind::transfer_encoding: out.chunked = out.chunked || names_chunked(value); continue;
        case field_kind::hop_by_hop: continue;
        case field_kind::content_length: has_content_length = true; break;
        case field_kind::forwarded: break;
        }
        out.fields.push_back({name, value});
    }
    out.consumed = lines.consumed();
    if (out.chunked && has_content_length) {
        // RFC 9112 §6.3: with chunked framing the length is meaningless; the de-chunked body
        // goes out unframed and the front end frames it.
        out.fields.erase(std::remove_if(out.fields.begin(), out.fields.end(),
                                        [](const header_field& f) { return ascii::iequals(f.name, "Content-Length"); }),
                         out.fields.end());
    }
    return {};
}

std::optional<plain_header_block> write_plain_header_fields(std::string_view text, bool allow_status_line,
                                                            char*& out, const char* out_end) noexcept {
    // The same reading as parse_header_block's; every branch it takes for an unusual block is a
    // nullopt here.
    plain_header_block block;
    header_lines lines(text);
    for (bool first = true; lines.more(); first = false) {
        const std::string_view line = lines.next();
        if (line.find('\r') != std::string_view::npos) return std::nullopt;
        if (line.empty()) {
            block.complete = true;
            break;
        }
        if (ascii::is_space(line.front())) return std::nullopt;  // folding
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || (first && allow_status_line && ascii::istarts_with(line, "HTTP/")))
            return std::nullopt;
        const std::string_view name = ascii::trim(line.substr(0, colon));
        const std::string_view value = ascii::trim(line.substr(colon + 1));
        if (!ascii::is_token(name)) return std::nullopt;
        switch (kind_of(name)) {
        case field_kind::status:
        case field_kind::transfer_encoding: return std::nullopt;
        case field_kind::hop_by_hop: continue;
        case field_kind::content_length:
        case field_kind::forwarded: break;
        }
        const std::size_t line_size = name.size() + (value.empty() ? 1 : 2 + value.size()) + 2;
        if (static_cast<std::size_t>(out_end - out) < line_size) return std::nullopt;
        // The one-byte pieces stored, not copied: a memcpy call costs more than the bytes.
        std::memcpy(out, name.data(), name.size());
        out += name.size();
        *out++ = ':';
        if (!value.empty()) {
            *out++ = ' ';
            std::memcpy(out, value.data(), value.size());
            out += value.size();
        }
        *out++ = '\r';
        *out++ = '\n';
    }
    block.consumed = lines.consumed();
    return block;
}

}  // namespace isapi_fcgi::isapi
