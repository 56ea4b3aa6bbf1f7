// MessageBox and LoadString: a worker has no desktop and a shared object no string table.
#include <cstdio>

#include <isapi/win32/windows.h>

#include "win32/unsupported_call.hpp"
#include "win32/win32_error.hpp"

extern "C" {

int WINAPI MessageBoxA(HWND, LPCSTR lpText, LPCSTR lpCaption, UINT) {
    char detail[512];
    std::snprintf(detail, sizeof(detail), "no desktop to show it on; 0 with ERROR_NOT_SUPPORTED "
                  "(first box: \"%.200s\": \"%.200s\")", lpCaption != nullptr ? lpCaption : "Error",
                  lpText != nullptr ? lpText : "");
    isapi_fcgi::win32::report_unsupported("MessageBox", __builtin_return_address(0), detail);
    return isapi_fcgi::win32::fail(ERROR_NOT_SUPPORTED, 0);
}

int WINAPI LoadStringA(HINSTANCE, UINT uID, LPSTR lpBuffer, int cchBufferMax) {
    if (lpBuffer != nullptr && cchBufferMax > 0) lpBuffer[0] = '\0';
    char detail[128];
    std::snprintf(detail, sizeof(detail), "a shared object has no string table; string %u is "
                  "not found (ERROR_RESOURCE_NAME_NOT_FOUND)", uID);
    isapi_fcgi::win32::report_unsupported("LoadString", __builtin_return_address(0), detail);
    return isapi_fcgi::win32::fail(ERROR_RESOURCE_NAME_NOT_FOUND, 0);
}

}  // extern "C"
