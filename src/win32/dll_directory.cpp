// SetDllDirectory / GetDllDirectory (one process-wide directory, as on Windows) and the wide
// module file name.
#include <cstring>
#include <mutex>
#include <string>

#include <isapi/win32/windows.h>

#include "win32/unicode.hpp"
#include "win32/win32_error.hpp"

namespace {

std::mutex& directory_mutex() {
    static std::mutex mutex;
    return mutex;
}

std::string& dll_directory() {
    static auto* directory = new std::string();
    return *directory;
}

}  // namespace

extern "C" {

BOOL WINAPI SetDllDirectoryA(LPCSTR lpPathName) {
    const std::lock_guard lock(directory_mutex());
    dll_directory() = lpPathName != nullptr ? lpPathName : "";
    return TRUE;
}

DWORD WINAPI GetDllDirectoryA(DWORD nBufferLength, LPSTR lpBuffer) {
    const std::lock_guard lock(directory_mutex());
    const std::string& directory = dll_directory();
    if (lpBuffer == nullptr || directory.size() + 1 > nBufferLength) {
        if (lpBuffer != nullptr && nBufferLength > 0) lpBuffer[0] = '\0';
        return static_cast<DWORD>(directory.size() + 1);
    }
    std::memcpy(lpBuffer, directory.c_str(), directory.size() + 1);
    SetLastError(ERROR_SUCCESS);
    return static_cast<DWORD>(directory.size());
}

DWORD WINAPI GetModuleFileNameW(HMODULE hModule, LPWSTR lpFilename, DWORD nSize) {
    char path[4096];
    const DWORD length = GetModuleFileNameA(hModule, path, sizeof(path));
    if (length == 0) return 0;
    const auto wide = isapi_fcgi::win32::utf8_to_utf16(std::string(path, length), false);
    const std::u16string& text = *wide;
    // As the narrow form: truncated, terminated, nSize and ERROR_INSUFFICIENT_BUFFER.
    if (nSize == 0 || lpFilename == nullptr) return isapi_fcgi::win32::fail(ERROR_INSUFFICIENT_BUFFER, DWORD{0});
    if (text.size() + 1 > nSize) {
        std::memcpy(lpFilename, text.data(), (nSize - 1) * sizeof(WCHAR));
        lpFilename[nSize - 1] = 0;
        return isapi_fcgi::win32::fail(ERROR_INSUFFICIENT_BUFFER, nSize);
    }
    std::memcpy(lpFilename, text.c_str(), (text.size() + 1) * sizeof(WCHAR));
    SetLastError(ERROR_SUCCESS);
    return static_cast<DWORD>(text.size());
}

}  // extern "C"
