// strsafe.h's StringCch functions (ANSI), with the SDK's HRESULTs and truncation rules.
#include <cstring>
#include <string>

#include <isapi/win32/strsafe.h>

#include "win32/ms_format.hpp"

namespace {

bool bad_size(size_t cch) {
    return cch == 0 || cch > STRSAFE_MAX_CCH;
}

// Copies at most `count` chars of src to dest (room for cch_dest incl. the NUL).
HRESULT copy_n(char* dest, size_t cch_dest, const char* src, size_t count) {
    size_t i = 0;
    while (i < count && src[i] != '\0') {
        if (i + 1 == cch_dest) {
            dest[i] = '\0';
            return STRSAFE_E_INSUFFICIENT_BUFFER;
        }
        dest[i] = src[i];
        ++i;
    }
    dest[i] = '\0';
    return S_OK;
}

}  // namespace

extern "C" {

HRESULT StringCchCopyA(STRSAFE_LPSTR pszDest, size_t cchDest, STRSAFE_LPCSTR pszSrc) {
    if (bad_size(cchDest)) return STRSAFE_E_INVALID_PARAMETER;
    return copy_n(pszDest, cchDest, pszSrc == nullptr ? "" : pszSrc, STRSAFE_MAX_CCH);
}

HRESULT StringCchCopyNA(STRSAFE_LPSTR pszDest, size_t cchDest, STRSAFE_LPCSTR pszSrc,
                        size_t cchToCopy) {
    if (bad_size(cchDest) || cchToCopy > STRSAFE_MAX_CCH) {
        if (!bad_size(cchDest)) pszDest[0] = '\0';
        return STRSAFE_E_INVALID_PARAMETER;
    }
    return copy_n(pszDest, cchDest, pszSrc == nullptr ? "" : pszSrc, cchToCopy);
}

HRESULT StringCchCatNA(STRSAFE_LPSTR pszDest, size_t cchDest, STRSAFE_LPCSTR pszSrc,
                       size_t cchToAppend) {
    if (bad_size(cchDest) || cchToAppend > STRSAFE_MAX_CCH) return STRSAFE_E_INVALID_PARAMETER;
    const size_t used = ::strnlen(pszDest, cchDest);
    if (used == cchDest) return STRSAFE_E_INVALID_PARAMETER;  // not terminated within cchDest
    return copy_n(pszDest + used, cchDest - used, pszSrc == nullptr ? "" : pszSrc, cchToAppend);
}

HRESULT StringCchCatA(STRSAFE_LPSTR pszDest, size_t cchDest, STRSAFE_LPCSTR pszSrc) {
    return StringCchCatNA(pszDest, cchDest, pszSrc, STRSAFE_MAX_CCH);
}

HRESULT StringCchVPrintfA(STRSAFE_LPSTR pszDest, size_t cchDest, STRSAFE_LPCSTR pszFormat,
                          va_list argList) {
    if (bad_size(cchDest)) return STRSAFE_E_INVALID_PARAMETER;
    std::string text;
    va_list copy;
    va_copy(copy, argList);
    const bool ok = isapi_fcgi::win32::ms_format(text, pszFormat == nullptr ? "" : pszFormat, copy);
    va_end(copy);
    if (!ok) {
        pszDest[0] = '\0';
        return STRSAFE_E_INVALID_PARAMETER;
    }
    return copy_n(pszDest, cchDest, text.c_str(), text.size());
}

HRESULT StringCchPrintfA(STRSAFE_LPSTR pszDest, size_t cchDest, STRSAFE_LPCSTR pszFormat, ...) {
    va_list args;
    va_start(args, pszFormat);
    const HRESULT result = StringCchVPrintfA(pszDest, cchDest, pszFormat, args);
    va_end(args);
    return result;
}

HRESULT StringCchLengthA(STRSAFE_LPCSTR psz, size_t cchMax, size_t* pcchLength) {
    if (psz == nullptr || cchMax > STRSAFE_MAX_CCH) {
        if (pcchLength != nullptr) *pcchLength = 0;
        return STRSAFE_E_INVALID_PARAMETER;
    }
    const size_t length = ::strnlen(psz, cchMax);
    if (length == cchMax) {
        if (pcchLength != nullptr) *pcchLength = 0;
        return STRSAFE_E_INVALID_PARAMETER;
    }
    if (pcchLength != nullptr) *pcchLength = length;
    return S_OK;
}

}  // extern "C"
