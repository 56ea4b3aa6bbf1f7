// The wide and section forms of the .ini readers, over GetPrivateProfileStringA's rules.
#include <string>
#include <vector>

#include <isapi/win32/windows.h>

#include "win32/ini_file.hpp"
#include "win32/unicode.hpp"

namespace {

std::string narrow(LPCWSTR text) {
    if (text == nullptr) return {};
    return isapi_fcgi::win32::utf16_to_utf8(reinterpret_cast<const char16_t*>(text), false).value_or("");
}

}  // namespace

extern "C" {

DWORD WINAPI GetPrivateProfileSectionA(LPCSTR lpAppName, LPSTR lpReturnedString, DWORD nSize,
                                       LPCSTR lpFileName) {
    if (lpReturnedString == nullptr || nSize == 0) return 0;
    if (nSize == 1) {
        lpReturnedString[0] = '\0';
        return 0;
    }
    // The keys, then each value: "key=value\0...\0".
    std::vector<char> keys(65536);
    const DWORD key_length = GetPrivateProfileStringA(lpAppName, nullptr, "", keys.data(),
                                                      static_cast<DWORD>(keys.size()), lpFileName);
    std::string joined;
    for (DWORD at = 0; at < key_length && keys[at] != '\0';) {
        const std::string key(keys.data() + at);
        std::vector<char> value(65536);
        GetPrivateProfileStringA(lpAppName, key.c_str(), "", value.data(),
                                 static_cast<DWORD>(value.size()), lpFileName);
        joined += key + "=" + value.data();
        joined += '\0';
        at += static_cast<DWORD>(key.size() + 1);
    }
    if (joined.size() + 1 <= nSize) {
        joined.copy(lpReturnedString, joined.size());
        lpReturnedString[joined.size()] = '\0';
        return static_cast<DWORD>(joined.size());
    }
    joined.copy(lpReturnedString, nSize - 2);
    lpReturnedString[nSize - 2] = '\0';
    lpReturnedString[nSize - 1] = '\0';
    return nSize - 2;
}

DWORD WINAPI GetPrivateProfileStringW(LPCWSTR lpAppName, LPCWSTR lpKeyName, LPCWSTR lpDefault,
                                      LPWSTR lpReturnedString, DWORD nSize, LPCWSTR lpFileName) {
    if (lpReturnedString == nullptr || nSize == 0) return 0;
    const std::string app = narrow(lpAppName), key = narrow(lpKeyName), fallback = narrow(lpDefault),
                      file = narrow(lpFileName);
    std::vector<char> buffer(65536);
    const DWORD length = GetPrivateProfileStringA(
        lpAppName != nullptr ? app.c_str() : nullptr, lpKeyName != nullptr ? key.c_str() : nullptr,
        fallback.c_str(), buffer.data(), static_cast<DWORD>(buffer.size()),
        lpFileName != nullptr ? file.c_str() : nullptr);
    const DWORD error = GetLastError();
    // Lists (NUL-separated) convert as a whole; the truncation rules then apply in UTF-16.
    const bool list = lpAppName == nullptr || lpKeyName == nullptr;
    const auto wide = isapi_fcgi::win32::utf8_to_utf16(std::string(buffer.data(), length), false)
                          .value_or(std::u16string());
    DWORD result = 0;
    if (!list) {
        const std::size_t n = wide.size() < nSize - 1 ? wide.size() : nSize - 1;
        wide.copy(reinterpret_cast<char16_t*>(lpReturnedString), n);
        lpReturnedString[n] = 0;
        result = static_cast<DWORD>(n);
    } else if (wide.size() + 1 <= nSize) {
        wide.copy(reinterpret_cast<char16_t*>(lpReturnedString), wide.size());
        lpReturnedString[wide.size()] = 0;
        result = static_cast<DWORD>(wide.size());
    } else if (nSize == 1) {
        lpReturnedString[0] = 0;
    } else {
        wide.copy(reinterpret_cast<char16_t*>(lpReturnedString), nSize - 2);
        lpReturnedString[nSize - 2] = 0;
        lpReturnedString[nSize - 1] = 0;
        result = nSize - 2;
    }
    SetLastError(error);
    return result;
}

UINT WINAPI GetPrivateProfileIntW(LPCWSTR lpAppName, LPCWSTR lpKeyName, INT nDefault,
                                  LPCWSTR lpFileName) {
    const std::string app = narrow(lpAppName), key = narrow(lpKeyName), file = narrow(lpFileName);
    return GetPrivateProfileIntA(app.c_str(), key.c_str(), nDefault,
                                 lpFileName != nullptr ? file.c_str() : nullptr);
}

}  // extern "C"
