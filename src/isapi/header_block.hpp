#pragma once
// One response header block from an extension, parsed leniently where real extensions are sloppy
// (bare LF line ends, "Name : value", a missing final blank line, a status line or a Status:
// field inside the block) and strictly where the output would be unsafe (a bare CR, a line
// without ':', a field name nginx would reject).
#include <cstddef>
#include <forward_list>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "isapi/http_status.hpp"

namespace isapi_fcgi::isapi {

/// Views into the parsed text (or into parsed_header_block::joined_values for a folded value),
/// so an ordinary block is parsed and emitted without copying a field.
struct header_field {
    std::string_view name;
    std::string_view value;
};

struct parsed_header_block {
    parsed_header_block() = default;
    // Moves keep the folded values' addresses (list nodes); a copy would leave views into the
    // original, so there is none.
    parsed_header_block(parsed_header_block&&) = default;
    parsed_header_block& operator=(parsed_header_block&&) = default;
    parsed_header_block(const parsed_header_block&) = delete;
    parsed_header_block& operator=(const parsed_header_block&) = delete;

    std::optional<http_status> status;  // from a leading status line or a Status: field
    /// To forward, in order: no Status, no hop-by-hop field. Valid while the parsed text lives.
    std::vector<header_field> fields;
    std::forward_list<std::string> joined_values;  // folded values, which the text holds in pieces
    bool chunked = false;               // Transfer-Encoding named chunked: de-chunk the body
    bool complete = false;              // a blank line ended the block
    std::size_t consumed = 0;           // bytes up to and including the blank line, else all
};

/// Index just past the blank line ending a header block ("\n\n" or "\n\r\n"), searching from
/// `from` (a resumed search may start a few bytes before the previous end).
std::optional<std::size_t> find_header_end(std::string_view text, std::size_t from = 0) noexcept;

/// Parses `text` up to its first blank line (or its end, or its first NUL). When
/// `allow_status_line`, a first line starting with "HTTP/" or holding no ':' is the status line
/// (mod_isapi does the same). Drops Connection, Keep-Alive, Transfer-Encoding, TE, Trailer,
/// Upgrade, Proxy-Connection and Proxy-Authenticate, and Content-Length when chunked. Folded
/// continuation lines are joined with one space. Returns response_errc::header_injection,
/// malformed_header or invalid_status.
std::error_code parse_header_block(std::string_view text, bool allow_status_line,
                                   parsed_header_block& out);

/// Where an ordinary block ended (see write_plain_header_fields).
struct plain_header_block {
    bool complete = false;    // a blank line ended the block
    std::size_t consumed = 0;  // bytes up to and including the blank line, else all
};

/// parse_header_block and the CGI lines of its fields in one pass, for an ordinary block: each
/// field parse_header_block would forward is written to [out, out_end) as "Name: value\r\n"
/// ("Name:\r\n" for an empty value), `out` advancing past it. nullopt, `out` anywhere in the
/// range, when the block is not ordinary: a status line (when allowed), a folded line, a Status
/// or Transfer-Encoding field, anything parse_header_block refuses, or lines that do not fit.
/// The caller then takes parse_header_block, which decides those.
std::optional<plain_header_block> write_plain_header_fields(std::string_view text, bool allow_status_line,
                                                            char*& out, const char* out_end) noexcept;

/// True for the hop-by-hop fields above (case-insensitive).
bool is_hop_by_hop(std::string_view name) noexcept;

}  // namespace isapi_fcgi::isapi
