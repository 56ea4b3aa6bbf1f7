#pragma once
// Why the response translator refused extension output, in the "isapi.response" category. The
// host turns each into FALSE + ERROR_INVALID_PARAMETER for the calling extension, a log line,
// and (before any header went out) a 500.
#include <system_error>

namespace isapi_fcgi::isapi {

enum class response_errc {
    headers_already_sent = 1,  ///< a second header or redirect call once the header block is out
    header_injection,          ///< a bare CR inside a header line, or CR/LF inside a status
    malformed_header,          ///< a header line without ':' or with an invalid field name
    invalid_status,            ///< a status text without a 3-digit code in 100..999
    header_too_large,          ///< the CGI header block exceeds what the front end accepts
    bad_chunked_body,          ///< the extension's own chunked framing is broken
    response_failed,           ///< output after an earlier error ended the response
};

const std::error_category& response_category() noexcept;

inline std::error_code make_error_code(response_errc e) noexcept {
    return {static_cast<int>(e), response_category()};
}

}  // namespace isapi_fcgi::isapi

template <>
struct std::is_error_code_enum<isapi_fcgi::isapi::response_errc> : std::true_type {};
