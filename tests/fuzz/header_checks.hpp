#pragma once
// Checks on what goes to the front end as a CGI header block, shared by the header-block and
// response-translator fuzzers: whatever an extension wrote, the block must not let it inject a
// line, a field nginx would refuse, or a second status.
#include <string_view>

#include "fuzz_check.hpp"
#include "isapi/ascii.hpp"
#include "isapi/http_status.hpp"

namespace isapi_fcgi::fuzz {

inline bool is_safe_field_value(std::string_view value) {
    return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

inline void check_status(const isapi::http_status& status) {
    check(status.code >= 100 && status.code <= 999, "status code out of 100..999");
    check(is_safe_field_value(status.reason), "status reason holds CR, LF or NUL");
    check(is_safe_field_value(status.text()), "status text holds CR, LF or NUL");
}

/// "Name: value\r\n" lines with one "Status: ..." (the last one when `status_last`: HAProxy
/// reads a Location after a Status as a 302), then "\r\n".
inline void check_cgi_header_block(std::string_view block, std::size_t max_bytes, bool status_last) {
    check(block.ends_with("\r\n\r\n"), "header block does not end with a blank line");
    check(block.size() <= max_bytes, "header block over its limit");
    std::string_view rest = block.substr(0, block.size() - 2);
    std::size_t statuses = 0;
    std::string_view last_name;
    while (!rest.empty()) {
        const std::size_t eol = rest.find("\r\n");
        check(eol != std::string_view::npos, "header line without CRLF");
        const std::string_view line = rest.substr(0, eol);
        rest.remove_prefix(eol + 2);
        check(is_safe_field_value(line), "header line holds a bare CR, LF or NUL");
        const std::size_t colon = line.find(':');
        check(colon != std::string_view::npos, "header line without ':'");
        last_name = line.substr(0, colon);
        check(isapi::ascii::is_token(last_name), "header name is not a token");
        if (isapi::ascii::iequals(last_name, "Status")) ++statuses;
    }
    check(statuses == 1, "not exactly one Status field");
    if (status_last) check(last_name == "Status", "Status is not the last field");
}

}  // namespace isapi_fcgi::fuzz
