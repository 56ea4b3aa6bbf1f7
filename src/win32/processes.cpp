// Process-level calls: ExitProcess, the debugger pair, and CreateProcess (not supported).
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <isapi/win32/windows.h>

#include "win32/unsupported_call.hpp"
#include "win32/win32_error.hpp"

namespace {

BOOL refuse_create_process(const void* caller) {
    isapi_fcgi::win32::report_unsupported(
        "CreateProcess", caller, "it fails with ERROR_NOT_SUPPORTED; start helper programs "
                                 "with posix_spawn or move the work into the extension");
    return isapi_fcgi::win32::fail(ERROR_NOT_SUPPORTED);
}

}  // namespace

extern "C" {

BOOL WINAPI CreateProcessA(LPCSTR, LPSTR, LPSECURITY_ATTRIBUTES, LPSECURITY_ATTRIBUTES, BOOL, DWORD,
                           LPVOID, LPCSTR, LPSTARTUPINFOA, LPPROCESS_INFORMATION lpProcessInformation) {
    if (lpProcessInformation != nullptr) std::memset(lpProcessInformation, 0, sizeof(*lpProcessInformation));
    return refuse_create_process(__builtin_return_address(0));
}

BOOL WINAPI CreateProcessW(LPCWSTR, LPWSTR, LPSECURITY_ATTRIBUTES, LPSECURITY_ATTRIBUTES, BOOL,
                           DWORD, LPVOID, LPCWSTR, LPSTARTUPINFOW,
                           LPPROCESS_INFORMATION lpProcessInformation) {
    if (lpProcessInformation != nullptr) std::memset(lpProcessInformation, 0, sizeof(*lpProcessInformation));
    return refuse_create_process(__builtin_return_address(0));
}

VOID WINAPI ExitProcess(UINT uExitCode) {
    isapi_log(ISAPI_LOG_WARN, "ExitProcess(%u) called by an extension: the worker exits", uExitCode);
    std::exit(static_cast<int>(uExitCode));
}

BOOL WINAPI IsDebuggerPresent(VOID) {
    FILE* status = std::fopen("/proc/self/status", "re");
    if (status == nullptr) return FALSE;
    char line[256];
    long tracer = 0;
    while (std::fgets(line, sizeof(line), status) != nullptr) {
        if (std::strncmp(line, "TracerPid:", 10) == 0) {
            tracer = std::strtol(line + 10, nullptr, 10);
            break;
        }
    }
    std::fclose(status);
    return tracer != 0;
}

VOID WINAPI DebugBreak(VOID) {
    std::raise(SIGTRAP);
}

}  // extern "C"
