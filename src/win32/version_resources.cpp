// Version resources: none exist in a shared object, which is what Windows reports for a DLL
// built without a VERSIONINFO resource.
#include <sys/stat.h>

#include <isapi/win32/windows.h>

#include "win32/paths.hpp"
#include "win32/unsupported_call.hpp"
#include "win32/win32_error.hpp"

namespace {

DWORD missing_resource_error(LPCSTR file_name, const void* caller) {
    struct stat info{};
    if (file_name == nullptr) return ERROR_INVALID_PARAMETER;
    if (::stat(isapi_fcgi::win32::native_path(file_name).c_str(), &info) != 0) return ERROR_FILE_NOT_FOUND;
    isapi_fcgi::win32::report_unsupported("GetFileVersionInfo", caller, "shared objects carry no "
                                          "version resource (ERROR_RESOURCE_TYPE_NOT_FOUND)");
    return ERROR_RESOURCE_TYPE_NOT_FOUND;
}

}  // namespace

extern "C" {

DWORD WINAPI GetFileVersionInfoSizeA(LPCSTR lptstrFilename, LPDWORD lpdwHandle) {
    if (lpdwHandle != nullptr) *lpdwHandle = 0;
    return isapi_fcgi::win32::fail(missing_resource_error(lptstrFilename, __builtin_return_address(0)), DWORD{0});
}

BOOL WINAPI GetFileVersionInfoA(LPCSTR lptstrFilename, DWORD, DWORD, LPVOID) {
    return isapi_fcgi::win32::fail(missing_resource_error(lptstrFilename, __builtin_return_address(0)));
}

BOOL WINAPI VerQueryValueA(LPCVOID, LPCSTR, LPVOID* lplpBuffer, PUINT puLen) {
    if (lplpBuffer != nullptr) *lplpBuffer = nullptr;
    if (puLen != nullptr) *puLen = 0;
    return FALSE;
}

}  // extern "C"
