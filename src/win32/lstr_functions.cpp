// kernel32's lstr* string functions and user32's wsprintf. The lstr functions tolerate NULL
// as Windows does (it catches the access violation): they return 0 or NULL instead.
#include <cstring>
#include <string>

#include <isapi/win32/windows.h>

#include "win32/ms_format.hpp"

namespace {

// wsprintf never writes more than this, terminator included.
constexpr std::size_t wsprintf_limit = 1024;

int lower(unsigned char c) {
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

// Rank in Windows' ASCII word order: control and punctuation, then digits, then letters.
int primary_rank(unsigned char c) {
    if (c >= 0x80) return 0x1000 + c;
    const int folded = lower(c);
    if (folded >= 'a' && folded <= 'z') return 0x300 + (folded - 'a');
    if (c >= '0' && c <= '9') return 0x200 + (c - '0');
    return 0x100 + c;
}

int sign(int value) {
    return value < 0 ? -1 : (value > 0 ? 1 : 0);
}

int compare(const char* a, const char* b, bool ignore_case) {
    if (a == nullptr) a = "";
    if (b == nullptr) b = "";
    // First difference by rank decides; a pure case difference only breaks a tie.
    int tie = 0;
    for (;; ++a, ++b) {
        const auto ca = static_cast<unsigned char>(*a);
        const auto cb = static_cast<unsigned char>(*b);
        if (ca == 0 || cb == 0) {
            if (ca != cb) return ca == 0 ? -1 : 1;
            return ignore_case ? 0 : tie;
        }
        const int ra = primary_rank(ca);
        const int rb = primary_rank(cb);
        if (ra != rb) return sign(ra - rb);
        if (tie == 0 && ca != cb) tie = ca > cb ? -1 : 1;  // lower case ("a") sorts first
    }
}

}  // namespace

extern "C" {

int WINAPI lstrlenA(LPCSTR lpString) {
    return lpString == nullptr ? 0 : static_cast<int>(std::strlen(lpString));
}

int WINAPI lstrlenW(LPCWSTR lpString) {
    if (lpString == nullptr) return 0;
    int n = 0;
    while (lpString[n] != 0) ++n;
    return n;
}

LPSTR WINAPI lstrcpyA(LPSTR lpString1, LPCSTR lpString2) {
    if (lpString1 == nullptr || lpString2 == nullptr) return nullptr;
    return std::strcpy(lpString1, lpString2);
}

LPSTR WINAPI lstrcpynA(LPSTR lpString1, LPCSTR lpString2, int iMaxLength) {
    if (lpString1 == nullptr || lpString2 == nullptr) return nullptr;
    if (iMaxLength <= 0) return lpString1;
    int i = 0;
    for (; i < iMaxLength - 1 && lpString2[i] != '\0'; ++i) lpString1[i] = lpString2[i];
    lpString1[i] = '\0';
    return lpString1;
}

LPSTR WINAPI lstrcatA(LPSTR lpString1, LPCSTR lpString2) {
    if (lpString1 == nullptr || lpString2 == nullptr) return nullptr;
    return std::strcat(lpString1, lpString2);
}

int WINAPI lstrcmpA(LPCSTR lpString1, LPCSTR lpString2) {
    return compare(lpString1, lpString2, false);
}

int WINAPI lstrcmpiA(LPCSTR lpString1, LPCSTR lpString2) {
    return compare(lpString1, lpString2, true);
}

int WINAPI wvsprintfA(LPSTR lpOut, LPCSTR lpFmt, va_list arglist) {
    if (lpOut == nullptr || lpFmt == nullptr) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return -1;
    }
    std::string text;
    va_list copy;
    va_copy(copy, arglist);
    isapi_fcgi::win32::ms_format(text, lpFmt, copy);  // output up to a bad spec stays
    va_end(copy);
    if (text.size() >= wsprintf_limit) text.resize(wsprintf_limit - 1);
    std::memcpy(lpOut, text.c_str(), text.size() + 1);
    return static_cast<int>(text.size());
}

int WINAPIV wsprintfA(LPSTR lpOut, LPCSTR lpFmt, ...) {
    va_list args;
    va_start(args, lpFmt);
    const int written = wvsprintfA(lpOut, lpFmt, args);
    va_end(args);
    return written;
}

}  // extern "C"
