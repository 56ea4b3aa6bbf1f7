// libFuzzer driver for the parsing of an extension's header text: parse_header_block (the block
// of HSE_REQ_SEND_RESPONSE_HEADER(_EX) or of a WriteClient'd CGI block), parse_status (status
// strings and status lines), find_header_end and bounded_c_string.
//
// Input layout: [0] bit 0 = allow a status line, then the text.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "header_checks.hpp"
#include "isapi/header_block.hpp"
#include "isapi/http_status.hpp"

using isapi_fcgi::fuzz::check;
namespace isapi = isapi_fcgi::isapi;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const bool allow_status_line = data[0] & 1;
    const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);

    isapi::parsed_header_block block;
    const std::error_code ec = isapi::parse_header_block(text, allow_status_line, block);
    if (!ec) {
        check(block.consumed <= text.size(), "consumed past the text");
        if (block.status) isapi_fcgi::fuzz::check_status(*block.status);
        for (const auto& field : block.fields) {
            check(isapi::ascii::is_token(field.name), "field name is not a token");
            check(isapi_fcgi::fuzz::is_safe_field_value(field.value), "field value holds CR, LF or NUL");
            check(field.value == isapi::ascii::trim(field.value), "field value not trimmed");
            check(!isapi::is_hop_by_hop(field.name), "a hop-by-hop field is forwarded");
            check(!isapi::ascii::iequals(field.name, "Status"), "Status forwarded as a field");
            if (block.chunked)
                check(!isapi::ascii::iequals(field.name, "Content-Length"), "Content-Length kept with chunked");
        }
        // A complete block ends where find_header_end says, unless a NUL cut it short first or
        // the text ends in a lone CR (read as a last, blank line; find_header_end wants its LF).
        if (block.complete && text.find('\0') == std::string::npos && text[block.consumed - 1] == '\n') {
            const auto end = isapi::find_header_end(text);
            check(end && *end == block.consumed, "find_header_end and the parser disagree");
        }
    }
    if (const auto end = isapi::find_header_end(text, data[0] % 8)) check(*end <= text.size(), "header end past the text");

    const auto status = isapi::parse_status(text);
    if (status) isapi_fcgi::fuzz::check_status(*status);
    (void)isapi::starts_with_http_version(text);

    const std::string c_string = text + '\0';
    const auto bounded = isapi::bounded_c_string(c_string.c_str(), data[0]);
    check(bounded && bounded->size() <= std::strlen(c_string.c_str()), "bounded_c_string read past the NUL");
    return 0;
}
