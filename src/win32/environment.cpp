// GetEnvironmentVariable / SetEnvironmentVariable on the process environment.
#include <cstdlib>
#include <cstring>
#include <mutex>

#include <isapi/win32/windows.h>

#include "win32/win32_error.hpp"

namespace {

using isapi_fcgi::win32::errno_code;
using isapi_fcgi::win32::fail;

// getenv/setenv are not safe against each other; both go through this lock here.
std::mutex& environment_lock() {
    static auto* lock = new std::mutex();
    return *lock;
}

}  // namespace

extern "C" {

DWORD WINAPI GetEnvironmentVariableA(LPCSTR lpName, LPSTR lpBuffer, DWORD nSize) {
    if (lpName == nullptr) return fail(ERROR_INVALID_PARAMETER, DWORD{0});
    std::lock_guard lock(environment_lock());
    const char* value = std::getenv(lpName);
    if (value == nullptr) return fail(ERROR_ENVVAR_NOT_FOUND, DWORD{0});
    const std::size_t length = std::strlen(value);
    // Too small: the size needed, terminator included; else the length without it.
    if (lpBuffer == nullptr || length + 1 > nSize) return static_cast<DWORD>(length + 1);
    std::memcpy(lpBuffer, value, length + 1);
    SetLastError(ERROR_SUCCESS);  // tells an empty value (0) from a missing one
    return static_cast<DWORD>(length);
}

BOOL WINAPI SetEnvironmentVariableA(LPCSTR lpName, LPCSTR lpValue) {
    if (lpName == nullptr || lpName[0] == '\0' || std::strchr(lpName, '=') != nullptr) {
        return fail(ERROR_INVALID_PARAMETER);
    }
    std::lock_guard lock(environment_lock());
    const int result = lpValue == nullptr ? ::unsetenv(lpName) : ::setenv(lpName, lpValue, 1);
    if (result != 0) return fail(errno_code());
    return TRUE;
}

}  // extern "C"
