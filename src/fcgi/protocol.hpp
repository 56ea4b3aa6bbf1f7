#pragma once
// FastCGI 1.0 wire vocabulary as C++ types. Values come from libfcgi's fastcgi.h so the two can
// never disagree; nothing else of libfcgi is used by the server.
#include <cstddef>
#include <cstdint>

#include <fastcgi.h>

namespace isapi_fcgi::fcgi {

enum class record_type : std::uint8_t {
    begin_request = FCGI_BEGIN_REQUEST,
    abort_request = FCGI_ABORT_REQUEST,
    end_request = FCGI_END_REQUEST,
    params = FCGI_PARAMS,
    stdin_stream = FCGI_STDIN,
    stdout_stream = FCGI_STDOUT,
    stderr_stream = FCGI_STDERR,
    data = FCGI_DATA,
    get_values = FCGI_GET_VALUES,
    get_values_result = FCGI_GET_VALUES_RESULT,
    unknown_type = FCGI_UNKNOWN_TYPE,
};

enum class role : std::uint16_t {
    responder = FCGI_RESPONDER,
    authorizer = FCGI_AUTHORIZER,
    filter = FCGI_FILTER,
};

enum class protocol_status : std::uint8_t {
    request_complete = FCGI_REQUEST_COMPLETE,
    cant_mpx_conn = FCGI_CANT_MPX_CONN,
    overloaded = FCGI_OVERLOADED,
    unknown_role = FCGI_UNKNOWN_ROLE,
};

inline constexpr std::uint8_t protocol_version = FCGI_VERSION_1;
inline constexpr std::size_t header_size = FCGI_HEADER_LEN;
inline constexpr std::size_t max_content_length = FCGI_MAX_LENGTH;
inline constexpr std::uint16_t null_request_id = FCGI_NULL_REQUEST_ID;
inline constexpr std::uint8_t keep_conn_flag = FCGI_KEEP_CONN;
inline constexpr std::size_t begin_request_body_size = sizeof(FCGI_BeginRequestBody);

static_assert(sizeof(FCGI_Header) == header_size);
static_assert(sizeof(FCGI_BeginRequestBody) == 8);
static_assert(sizeof(FCGI_EndRequestBody) == 8);

/// Management records (request id 0) are answered by the protocol layer, never the application.
/// Types the spec does not define (0 and above 11) count as management types "not understood",
/// which the spec answers with UNKNOWN_TYPE.
constexpr bool is_management_type(std::uint8_t type) noexcept {
    return type == 0 || type == FCGI_GET_VALUES || type == FCGI_GET_VALUES_RESULT ||
           type == FCGI_UNKNOWN_TYPE || type > FCGI_MAXTYPE;
}

/// Padding that brings a record's content to a multiple of 8, as the spec recommends.
constexpr std::uint8_t padding_for(std::size_t content_length) noexcept {
    return static_cast<std::uint8_t>((8 - content_length % 8) % 8);
}

}  // namespace isapi_fcgi::fcgi
