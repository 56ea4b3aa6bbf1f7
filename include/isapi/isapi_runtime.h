/*
 * isapi_runtime.h - libisapi-runtime.so, the one library the isapi-fcgi host and every
 * extension link.  It owns the process-wide state both sides must share:
 *
 *  - the per-thread last-error value behind GetLastError/SetLastError (windef_subset.h);
 *  - the HANDLE table that turns Linux file descriptors into Win32-style HANDLEs and back
 *    (TransmitFile's hFile, VECTOR_SEND file elements, a CreateFile shim);
 *  - a log hook, so extension-side code can write to the host's log;
 *  - the loader's module list: DllMain calls for process and thread attach/detach, as the
 *    Windows loader makes them (libisapi-win32's LoadLibrary, CreateThread and
 *    DisableThreadLibraryCalls use it, and so does the host).
 *
 * Nothing else in the process defines these symbols.  All functions are thread-safe.
 *
 * HANDLE encoding.  A handle is a registry entry, not a disguised fd:
 *
 *     value = (generation << 22) | (slot << 2)      slot in [1, ISAPI_HANDLE_MAX_OPEN]
 *                                                   generation in [0, 511]
 *
 * so every handle is a non-zero multiple of 4 below 2^31, like a Windows kernel handle: never
 * NULL, never INVALID_HANDLE_VALUE, and unchanged when code truncates it to 32 bits and back
 * (which Win64 allows).  fd 0 gets a handle like any other fd.  Releasing a handle bumps its
 * slot's generation, so a stale copy stops resolving instead of reaching whichever fd reuses
 * the slot (freed slots are reused oldest first, so a stale value only matches again after
 * 512 reuses of its slot).
 *
 * SPDX-License-Identifier: Apache-2.0. Extensions that include the isapi-fcgi headers or link
 * libisapi-runtime / libisapi-win32 may use any licence, proprietary ones included (see LICENSE
 * and docs/porting.md).
 */
#ifndef ISAPI_RUNTIME_H
#define ISAPI_RUNTIME_H

#include <stdarg.h>
#include <stddef.h>

#include "windef_subset.h"

#ifndef ISAPI_RUNTIME_API
#define ISAPI_RUNTIME_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- HANDLE table -------------------------------------------------------------------------- */

/* Most handles that can be registered at the same time. */
#define ISAPI_HANDLE_MAX_OPEN 1048575

/*
 * Registers fd and returns a new handle for it.  The table does not own the fd: releasing the
 * handle does not close it.  Registering the same fd twice gives two handles.  Returns
 * INVALID_HANDLE_VALUE with ERROR_INVALID_PARAMETER for a negative fd, or with
 * ERROR_TOO_MANY_OPEN_FILES when ISAPI_HANDLE_MAX_OPEN handles are registered.
 */
ISAPI_RUNTIME_API HANDLE isapi_handle_from_fd(int fd);

/*
 * The fd registered for handle, or -1 with ERROR_INVALID_HANDLE for NULL,
 * INVALID_HANDLE_VALUE, a released handle or any value the table did not hand out.
 */
ISAPI_RUNTIME_API int isapi_fd_from_handle(HANDLE handle);

/*
 * Unregisters handle and returns its fd (still open: the caller closes it), or -1 with
 * ERROR_INVALID_HANDLE as isapi_fd_from_handle.
 */
ISAPI_RUNTIME_API int isapi_handle_release(HANDLE handle);

/*
 * Object handles: a handle for something that is not a file (an event, a thread, ...), drawn
 * from the same table so that it never equals a file handle; isapi_fd_from_handle fails for it
 * with ERROR_INVALID_HANDLE and isapi_object_from_handle fails for a file handle.  The table
 * stores `object` and never dereferences it; its owner (libisapi-win32) keeps it alive.
 * Registration fails as isapi_handle_from_fd does; lookups of anything else return NULL with
 * ERROR_INVALID_HANDLE.
 */
ISAPI_RUNTIME_API HANDLE isapi_handle_register_object(void *object);
ISAPI_RUNTIME_API void *isapi_object_from_handle(HANDLE handle);
/* Unregisters an object handle and returns its object (NULL + ERROR_INVALID_HANDLE). */
ISAPI_RUNTIME_API void *isapi_handle_release_object(HANDLE handle);

/* ---- modules and threads: DllMain as the Windows loader calls it ------------------------------ */

typedef BOOL (WINAPI *isapi_dll_main_fn)(HANDLE hinstDLL, DWORD fdwReason, LPVOID lpvReserved);

/*
 * Attaches a loaded module (a dlopen handle).  The first attach calls
 * dll_main(module, DLL_PROCESS_ATTACH, NULL), which may be NULL for a module without DllMain,
 * under the process-wide loader lock, and registers the module when it returns TRUE; from then
 * on every thread that notifies the runtime calls its DllMain with DLL_THREAD_ATTACH/DETACH
 * (until DisableThreadLibraryCalls).  Further attaches of the same module only count, as
 * further LoadLibrary calls do.  Returns what DllMain returned (TRUE without a DllMain); after
 * FALSE the module is not attached and the caller unloads it.
 */
ISAPI_RUNTIME_API BOOL isapi_module_attach(HANDLE module, isapi_dll_main_fn dll_main);

/*
 * Undoes one attach.  The last one unregisters the module (no thread notification reaches it
 * afterwards), then calls DllMain(module, DLL_PROCESS_DETACH, NULL) outside the loader lock.
 * FALSE with ERROR_INVALID_HANDLE for a module that is not attached.
 */
ISAPI_RUNTIME_API BOOL isapi_module_detach(HANDLE module);

/* DisableThreadLibraryCalls: FALSE with ERROR_INVALID_HANDLE for a module not attached. */
ISAPI_RUNTIME_API BOOL isapi_module_disable_thread_calls(HANDLE module);

/*
 * The calling thread starts running extension code: DLL_THREAD_ATTACH to every attached
 * module, once per thread (later calls do nothing), and DLL_THREAD_DETACH when the thread ends
 * (any pthread exit) or calls isapi_thread_detach.  Threads that libisapi-win32 starts
 * (CreateThread, QueueUserWorkItem) and the host's extension threads call it; threads an
 * extension starts with pthread_create get no notifications unless they call it themselves.
 */
ISAPI_RUNTIME_API void isapi_thread_attach(void);
/* DLL_THREAD_DETACH now, for a thread that called isapi_thread_attach and is about to end. */
ISAPI_RUNTIME_API void isapi_thread_detach(void);

/* ---- errno -> Win32 error code ------------------------------------------------------------- */

/*
 * The Win32 error code for a Linux errno value, for code that reports POSIX failures through
 * SetLastError (EACCES is 13 but ERROR_ACCESS_DENIED is 5).  0 maps to ERROR_SUCCESS and
 * values without a closer match to ERROR_GEN_FAILURE.
 */
ISAPI_RUNTIME_API DWORD isapi_win32_error_from_errno(int error_number);

/* ---- logging ---------------------------------------------------------------------------------- */

/* Numerically equal to spdlog's levels, so a host can pass them through. */
enum isapi_log_level {
    ISAPI_LOG_TRACE = 0,
    ISAPI_LOG_DEBUG = 1,
    ISAPI_LOG_INFO = 2,
    ISAPI_LOG_WARN = 3,
    ISAPI_LOG_ERROR = 4,
    ISAPI_LOG_CRITICAL = 5,
    ISAPI_LOG_OFF = 6
};

/* message is formatted, not NUL-terminated within length, and has no trailing newline. */
typedef void (*isapi_log_hook_fn)(void *context, int level, const char *message, size_t length);

/*
 * Installs the function that receives every isapi_log message at or above the log level; NULL
 * restores the default, which writes one line per message to stderr.  When this returns, no
 * thread is still inside the previous hook, so its context may be destroyed.  The hook may be
 * called from any thread, concurrently, and must not call isapi_set_log_hook or isapi_log.
 */
ISAPI_RUNTIME_API void isapi_set_log_hook(isapi_log_hook_fn hook, void *context);

/* Messages below level are dropped before formatting.  The default is ISAPI_LOG_INFO. */
ISAPI_RUNTIME_API void isapi_set_log_level(int level);
ISAPI_RUNTIME_API int isapi_log_enabled(int level);

/* printf-style.  Messages longer than 64 KiB are truncated.  Preserves GetLastError. */
ISAPI_RUNTIME_API void isapi_log(int level, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
ISAPI_RUNTIME_API void isapi_vlog(int level, const char *format, va_list args)
    __attribute__((format(printf, 2, 0)));

/* ---- the extension call in progress ---------------------------------------------------------- */

/*
 * The host names the extension and the request URL that the calling thread runs extension code
 * for, around each call into it (GetExtensionVersion, HttpExtensionProc, completion callbacks);
 * NULLs end it.  The strings are borrowed: they must stay valid until the context is cleared.
 * Messages about what extension code did (a secure CRT violation) say whose call it was; a
 * thread the extension started itself has no context.
 */
ISAPI_RUNTIME_API void isapi_set_call_context(const char *extension, const char *url);
/* The calling thread's context; NULL outside extension calls. */
ISAPI_RUNTIME_API const char *isapi_call_extension(void);
ISAPI_RUNTIME_API const char *isapi_call_url(void);

/*
 * What an invalid parameter to a secure CRT function (strcpy_s, ...) does when the extension set
 * no handler of its own (_set_invalid_parameter_handler):
 *   ISAPI_INVALID_PARAMETER_FAIL  - log it and return the documented error (EINVAL/ERANGE and an
 *                                   emptied buffer), the host's default;
 *   ISAPI_INVALID_PARAMETER_ABORT - log it and end the process (SIGABRT), as Microsoft's CRT
 *                                   does by default: the host answers the request 502/500 and
 *                                   replaces the worker.
 */
enum isapi_invalid_parameter_policy {
    ISAPI_INVALID_PARAMETER_FAIL = 0,
    ISAPI_INVALID_PARAMETER_ABORT = 1
};
ISAPI_RUNTIME_API void isapi_set_invalid_parameter_policy(int policy);
ISAPI_RUNTIME_API int isapi_get_invalid_parameter_policy(void);

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_RUNTIME_H */
