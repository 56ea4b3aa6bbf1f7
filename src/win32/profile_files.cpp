// GetPrivateProfileString / GetPrivateProfileInt over ini_file, with Windows' buffer rules:
// a value is truncated to nSize - 1 characters (returning nSize - 1); a list of names is a
// sequence of NUL-terminated strings ending in an extra NUL, truncated to nSize - 2.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <isapi/win32/windows.h>

#include "win32/ini_file.hpp"
#include "win32/paths.hpp"

namespace {

// Larger files are not configuration; reading stops there (bounded memory).
constexpr std::size_t max_profile_bytes = 4U << 20;

bool read_profile(const char* file_name, std::string& text) {
    std::ifstream in(isapi_fcgi::win32::native_path(file_name), std::ios::binary);
    if (!in) return false;
    std::vector<char> buffer(64 * 1024);
    while (in && text.size() < max_profile_bytes) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        text.append(buffer.data(), static_cast<std::size_t>(in.gcount()));
    }
    return true;
}

DWORD copy_value(const std::string& value, LPSTR out, DWORD size) {
    if (size == 0 || out == nullptr) return 0;
    const std::size_t n = value.size() < size - 1 ? value.size() : size - 1;
    value.copy(out, n);
    out[n] = '\0';
    return static_cast<DWORD>(n);
}

DWORD copy_list(const std::vector<std::string>& names, LPSTR out, DWORD size) {
    if (size == 0 || out == nullptr) return 0;
    if (size == 1) {
        out[0] = '\0';
        return 0;
    }
    std::string joined;
    for (const auto& name : names) {
        joined += name;
        joined += '\0';
    }
    if (joined.size() + 1 <= size) {
        joined.copy(out, joined.size());
        out[joined.size()] = '\0';
        return static_cast<DWORD>(joined.size() == 0 ? 0 : joined.size());
    }
    joined.copy(out, size - 2);
    out[size - 2] = '\0';
    out[size - 1] = '\0';
    return size - 2;
}

std::string default_value(LPCSTR lpDefault) {
    // Windows drops trailing blanks of the default.
    std::string value = lpDefault != nullptr ? lpDefault : "";
    while (!value.empty() && value.back() == ' ') value.pop_back();
    return value;
}

}  // namespace

extern "C" {

DWORD WINAPI GetPrivateProfileStringA(LPCSTR lpAppName, LPCSTR lpKeyName, LPCSTR lpDefault,
                                      LPSTR lpReturnedString, DWORD nSize, LPCSTR lpFileName) {
    if (lpFileName == nullptr) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return copy_value(default_value(lpDefault), lpReturnedString, nSize);
    }
    std::string text;
    const bool found = read_profile(lpFileName, text);
    SetLastError(found ? ERROR_SUCCESS : ERROR_FILE_NOT_FOUND);
    const isapi_fcgi::win32::ini_file ini(text);
    if (lpAppName == nullptr) return copy_list(ini.sections(), lpReturnedString, nSize);
    if (lpKeyName == nullptr) return copy_list(ini.keys(lpAppName), lpReturnedString, nSize);
    const auto value = ini.value(lpAppName, lpKeyName);
    return copy_value(value ? *value : default_value(lpDefault), lpReturnedString, nSize);
}

UINT WINAPI GetPrivateProfileIntA(LPCSTR lpAppName, LPCSTR lpKeyName, INT nDefault,
                                  LPCSTR lpFileName) {
    char buffer[64];
    const DWORD length =
        GetPrivateProfileStringA(lpAppName, lpKeyName, "", buffer, sizeof(buffer), lpFileName);
    if (length == 0) return static_cast<UINT>(nDefault);
    // Leading digits (with a sign) count; "12abc" is 12, "abc" is 0.
    const char* p = buffer;
    bool negative = false;
    if (*p == '-' || *p == '+') negative = *p++ == '-';
    unsigned long long value = 0;
    while (*p >= '0' && *p <= '9') {
        value = value * 10 + static_cast<unsigned>(*p++ - '0');
        if (value > 0xFFFFFFFFULL) value = 0xFFFFFFFFULL;
    }
    const auto result = static_cast<UINT>(value);
    return negative ? 0u - result : result;
}

}  // extern "C"
