#pragma once
#include <system_error>

namespace isapi_fcgi::engine {

/// How an operation on a request can fail, as seen by the layer above the engine.
enum class errc {
    request_aborted = 1,  ///< the web server sent ABORT_REQUEST or closed the connection
    request_ended,        ///< end() was already called
    read_in_progress,     ///< a second async_read_stdin while one is pending
    connection_closed,    ///< the connection failed or was closed (write timeout, protocol error)
    read_cancelled,       ///< cancel_read() ended a pending async_read_stdin
};

const std::error_category& category() noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), category()}; }

}  // namespace isapi_fcgi::engine

template <>
struct std::is_error_code_enum<isapi_fcgi::engine::errc> : std::true_type {};
