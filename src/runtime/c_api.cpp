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
#include "runtime/module_registry.hpp"

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

isapi_fcgi::runtime::module_registry& modules() {
    static auto* registry = new isapi_fcgi::runtime::module_registry();
    return *registry;
}

void thread_exit_notice() {
    const DWORD saved = last_error;
    try {
        modules().notify_thread(DLL_THREAD_DETACH);
    } catch (const std::bad_alloc&) {
        // No notification rather than an exception out of a thread's exit.
    }
    last_error = saved;
}

// Armed by isapi_thread_attach. Its destructor sends DLL_THREAD_DETACH when the thread ends
// (pthread_exit included). glibc runs thread_local destructors before it clears the threads'
// pthread_key values, so DllMain still finds its TlsGetValue data there, as on Windows; a
// pthread key destructor would run after some of those values were already gone.
struct thread_notice {
    bool attached = false;
    thread_notice() = default;
    thread_notice(const thread_notice&) = delete;
    thread_notice& operator=(const thread_notice&) = delete;
    ~thread_notice() {
        if (attached) {
            attached = false;
            thread_exit_notice();
        }
    }
};

thread_local thread_notice this_thread;

// A new handle from `insert` (fd or object), with the Win32 codes for each failure.
template <typename Insert>
HANDLE new_handle(Insert insert) {
    std::optional<std::uintptr_t> handle;
    try {
        handle = insert(handles());
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
    return new_handle([fd](isapi_fcgi::runtime::handle_table& table) { return table.insert(fd); });
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

HANDLE isapi_handle_register_object(void* object) {
    return new_handle([object](isapi_fcgi::runtime::handle_table& table) {
        return table.insert_object(object);
    });
}

void* isapi_object_from_handle(HANDLE handle) {
    const auto object = handles().find_object(handle_bits(handle));
    if (!object) {
        SetLastError(ERROR_INVALID_HANDLE);
        return nullptr;
    }
    return *object;
}

void* isapi_handle_release_object(HANDLE handle) {
    const auto object = handles().erase_object(handle_bits(handle));
    if (!object) {
        SetLastError(ERROR_INVALID_HANDLE);
        return nullptr;
    }
    return *object;
}

BOOL isapi_module_attach(HANDLE module, isapi_dll_main_fn dll_main) {
    try {
        return modules().attach(module, dll_main) ? TRUE : FALSE;
    } catch (const std::bad_alloc&) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return FALSE;
    }
}

BOOL isapi_module_detach(HANDLE module) {
    if (!modules().detach(module)) {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    return TRUE;
}

BOOL isapi_module_disable_thread_calls(HANDLE module) {
    if (!modules().disable_thread_calls(module)) {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    return TRUE;
}

void isapi_thread_attach(void) {
    if (this_thread.attached) {
        return;
    }
    this_thread.attached = true;
    const DWORD saved = last_error;
    try {
        modules().notify_thread(DLL_THREAD_ATTACH);
    } catch (const std::bad_alloc&) {
        // No notification rather than an exception into C code.
    }
    last_error = saved;
}

void isapi_thread_detach(void) {
    if (!this_thread.attached) {
        return;
    }
    this_thread.attached = false;
    thread_exit_notice();
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
