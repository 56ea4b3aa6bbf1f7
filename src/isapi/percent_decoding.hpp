#pragma once
// Percent-decoding of URL path text (RFC 3986 §2.1). '+' is not a space in a path.
#include <string>
#include <string_view>

namespace isapi_fcgi::isapi {

/// Appends the decoded form of `in` to `out`. Returns false, leaving `out` partly appended, when
/// a '%' is not followed by two hex digits: front ends answer such URLs with 400 themselves.
bool percent_decode(std::string_view in, std::string& out);

/// True when `segment` decodes to "." or ".." (plain or encoded: ".", "%2e", ".%2E"...).
bool is_dot_segment(std::string_view segment);

}  // namespace isapi_fcgi::isapi
