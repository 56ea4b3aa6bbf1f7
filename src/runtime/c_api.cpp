// The exported C API of libisapi-runtime.so. Everything else in the library is hidden.
// The state objects are created on first use and never destroyed: extension threads may still
// log or resolve handles while static destructors run at exit.
#include <cerrno>
#include <cstdarg>
#include <cstdint>
#include <new>
#include <optional>

#include <isapi/isapi_runtime.h>

#include "runtime/errno_map.hpp"
#include "runtime/handle_table.hpp"
#include "runtime/log_dispatcher.hpp"

namespace {

thread_local DWORD last_error = ERROR_SUCCESS;

isapi_fcgi::runtime::handle_table& handles() {
    static auto* table = new isapi_fcgi::runtime::handle_table();
    return *table;
}

isapi_fcgi::runtime::log_dispatcher& dispatcher() {
    static auto* instance = new isapi_fcgi::runtime::log_dispatcher();
    return *instance;
}

std::uintptr_t handle_bits(HANDLE handle) noexcept {
    return reinterpret_cast<std::uintptr_t>(handle);
}

} // namespace

extern "C" {

DWORD WINAPI GetLastError(VOID) {
    return last_error;
}

VOID WINAPI SetLastError(DWORD dwErrCode) {
    last_error = dwErrCode;
}

HANDLE isapi_handle_from_fd(int fd) {
    if (fd < 0) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return INVALID_HANDLE_VALUE;
    }
    std::optional<std::uintptr_t> handle;
    try {
        handle = handles().insert(fd);
    } catch (const std::bad_alloc&) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return INVALID_HANDLE_VALUE;
    }
    if (!handle) {
        SetLastError(ERROR_TOO_MANY_OPEN_FILES);
        return INVALID_HANDLE_VALUE;
    }
    return reinterpret_cast<HANDLE>(*handle);
}

int isapi_fd_from_handle(HANDLE handle) {
    const auto fd = handles().find(handle_bits(handle));
    if (!fd) {
        SetLastError(ERROR_INVALID_HANDLE);
        return -1;
    }
    return *fd;
}

int isapi_handle_release(HANDLE handle) {
    const auto fd = handles().erase(handle_bits(handle));
    if (!fd) {
        SetLastError(ERROR_INVALID_HANDLE);
        return -1;
    }
    return *fd;
}

DWORD isapi_win32_error_from_errno(int error_number) {
    return isapi_fcgi::runtime::win32_error_from_errno(error_number);
}

void isapi_set_log_hook(isapi_log_hook_fn hook, void* context) {
    dispatcher().set_hook(hook, context);
}

void isapi_set_log_level(int level) {
    dispatcher().set_level(level);
}

int isapi_log_enabled(int level) {
    return dispatcher().enabled(level) ? 1 : 0;
}

void isapi_vlog(int level, const char* format, va_list args) {
    const DWORD saved_last_error = last_error;
    const int saved_errno = errno;
    try {
        dispatcher().vlog(level, format, args);
    } catch (const std::bad_alloc&) {
        // A message that cannot be formatted is dropped; C callers cannot see exceptions.
    }
    errno = saved_errno;
    last_error = saved_last_error;
}

void isapi_log(int level, const char* format, ...) {
    va_list args;
    va_start(args, format);
    isapi_vlog(level, format, args);
    va_end(args);
}

} // extern "C"
