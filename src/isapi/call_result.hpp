#pragma once
// What the request answers an extension's call with, before the C ABI edge (callbacks.cpp,
// support_functions.cpp) turns it into the callback's BOOL and the thread's last error: `ok`
// for TRUE, else the Win32 error code FALSE comes with. Internal code needs no BOOL or
// SetLastError.
#include <cstdint>

#include <isapi/httpext.h>

namespace isapi_fcgi::isapi {

enum class call_result : std::uint32_t { ok = 0 };

/// FALSE with `win32_error` (ERROR_INVALID_PARAMETER...) as the last error.
constexpr call_result call_failed(std::uint32_t win32_error) noexcept { return static_cast<call_result>(win32_error); }
constexpr std::uint32_t error_of(call_result r) noexcept { return static_cast<std::uint32_t>(r); }

/// The C ABI edge: TRUE, or FALSE with the last error set.
inline BOOL to_bool(call_result r) noexcept {
    if (r == call_result::ok) return TRUE;
    SetLastError(error_of(r));
    return FALSE;
}

}  // namespace isapi_fcgi::isapi
