#pragma once
#include <string>
#include <string_view>

namespace isapi_fcgi::engine {

/// The reason phrase for the statuses the engine itself answers with ("Not Found" for 404).
std::string_view reason_phrase(int status) noexcept;

/// A complete CGI response: `Status:` first (nginx answers 502 to anything without a header
/// block), then Content-Type, Content-Length, any extra header lines ("Name: value\r\n" each),
/// a blank line and the body.
std::string make_simple_response(int status, std::string_view body, std::string_view extra_headers = {},
                                 std::string_view content_type = "text/plain; charset=utf-8");

}  // namespace isapi_fcgi::engine
