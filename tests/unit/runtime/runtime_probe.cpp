// A module built with isapi_add_extension for the runtime's tests, written as a C++ IIS
// extension would be: the entry points and DllMain are defined without extern "C" and get C
// linkage and default visibility from httpext.h's declarations. probe_* functions are exported
// with __declspec(dllexport); probe_hidden is a global the module must not export.
#include <windows.h>
#include <httpext.h>
#include <isapi_runtime.h>

extern "C" {

__declspec(dllexport) void probe_set_last_error(DWORD value) {
    SetLastError(value);
}

__declspec(dllexport) DWORD probe_get_last_error() {
    return GetLastError();
}

__declspec(dllexport) HANDLE probe_handle_from_fd(int fd) {
    return isapi_handle_from_fd(fd);
}

__declspec(dllexport) int probe_fd_from_handle(HANDLE handle) {
    return isapi_fd_from_handle(handle);
}

__declspec(dllexport) void probe_log(const char* text) {
    isapi_log(ISAPI_LOG_WARN, "probe says %s", text);
}

int probe_hidden() {
    return 7;
}

} // extern "C"

BOOL WINAPI DllMain(HMODULE module, DWORD reason, LPVOID reserved) {
    (void)module;
    (void)reason;
    (void)reserved;
    return TRUE;
}

BOOL WINAPI GetExtensionVersion(HSE_VERSION_INFO* version) {
    version->dwExtensionVersion = HSE_VERSION;
    version->lpszExtensionDesc[0] = '\0';
    return probe_hidden() == 7;
}

DWORD WINAPI HttpExtensionProc(EXTENSION_CONTROL_BLOCK* ecb) {
    (void)ecb;
    return HSE_STATUS_SUCCESS;
}
