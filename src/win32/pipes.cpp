// CreatePipe: an anonymous pipe as two file handles, inheritable when the attributes say so
// (the usual way to hand a child process its stdin or collect its stdout).
#include <fcntl.h>
#include <unistd.h>

#include <isapi/win32/windows.h>

#include "win32/handle_inheritance.hpp"
#include "win32/win32_error.hpp"

namespace {

using isapi_fcgi::win32::fail;

HANDLE handle_for(int fd) {
    HANDLE handle = isapi_handle_from_fd(fd);
    if (handle == INVALID_HANDLE_VALUE) ::close(fd);
    return handle;
}

}  // namespace

extern "C" {

BOOL WINAPI CreatePipe(PHANDLE hReadPipe, PHANDLE hWritePipe, LPSECURITY_ATTRIBUTES lpPipeAttributes,
                       DWORD nSize) {
    if (hReadPipe == nullptr || hWritePipe == nullptr) return fail(ERROR_INVALID_PARAMETER);
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return fail(isapi_fcgi::win32::errno_code());
    // Best effort, as Windows treats nSize as a suggestion.
    if (nSize > 0) ::fcntl(fds[1], F_SETPIPE_SZ, static_cast<int>(nSize));
    HANDLE read_end = handle_for(fds[0]);
    if (read_end == INVALID_HANDLE_VALUE) {
        ::close(fds[1]);
        return FALSE;  // last error set by the runtime
    }
    HANDLE write_end = handle_for(fds[1]);
    if (write_end == INVALID_HANDLE_VALUE) {
        CloseHandle(read_end);
        return FALSE;
    }
    if (lpPipeAttributes != nullptr && lpPipeAttributes->bInheritHandle) {
        isapi_fcgi::win32::set_handle_flags(read_end, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
        isapi_fcgi::win32::set_handle_flags(write_end, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    }
    *hReadPipe = read_end;
    *hWritePipe = write_end;
    return TRUE;
}

}  // extern "C"
