#pragma once
// How every libisapi-win32 function reports a failure: the Win32 code through the runtime's
// per-thread last error (errno translated first), then the function's own failure value.
#include <cerrno>

#include <isapi/isapi_runtime.h>

namespace isapi_fcgi::win32 {

/// SetLastError(code) and return `failure` (FALSE, NULL, INVALID_HANDLE_VALUE, 0...).
template <typename T>
T fail(DWORD code, T failure) {
    SetLastError(code);
    return failure;
}

inline BOOL fail(DWORD code) {
    return fail(code, BOOL{FALSE});
}

/// The current errno as a Win32 code.
inline DWORD errno_code() {
    return isapi_win32_error_from_errno(errno);
}

}  // namespace isapi_fcgi::win32
