#pragma once
#include <string>
#include <string_view>

namespace isapi_fcgi::engine {

/// Request-derived text made safe for one log line: control and non-ASCII bytes escaped as \xNN
/// (a decoded %0a in a URI must not forge a second line), cut at `max_length` with "...".
std::string log_text(std::string_view text, std::size_t max_length = 256);

/// log_text() as a JSON string literal, quotes included: printable ASCII only, so any byte
/// sequence gives valid JSON.
std::string log_json_string(std::string_view text, std::size_t max_length = 256);

}  // namespace isapi_fcgi::engine
