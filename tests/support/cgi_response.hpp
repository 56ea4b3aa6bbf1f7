#pragma once
// A CGI response as a responder writes it on FCGI_STDOUT: header lines, a blank line, the body.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace isapi_fcgi::test {

struct cgi_response {
    bool header_complete = false;  ///< the blank line ending the header block was seen
    std::optional<int> status;     ///< from the `Status:` header, if there is one
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    /// First header with this name (case-insensitive), value trimmed.
    std::optional<std::string> header(std::string_view name) const;
};

/// Splits stdout into headers and body; accepts CRLF or LF line ends.
cgi_response parse_cgi_response(std::string_view text);

/// Same for an HTTP/1.x response head as curl -D writes it (status from the status line).
cgi_response parse_http_head(std::string_view head);

}  // namespace isapi_fcgi::test
