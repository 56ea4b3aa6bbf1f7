/*
 * isapi_crt_wide.h - the MSVC CRT's wide-string functions that extensions call, on WCHAR
 * (UTF-16, 16 bits) strings: wchar_t is 32 bits on Linux, so these take WCHAR where MSVC's
 * take wchar_t (write u"..." or TEXT-free WCHAR arrays, never L"...").  Formats follow MSVC's
 * wide printf: %s and %ls are WCHAR strings, %hs and %S narrow ones.
 */
#ifndef ISAPI_WIN32_ISAPI_CRT_WIDE_H
#define ISAPI_WIN32_ISAPI_CRT_WIDE_H

#include "isapi_crt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Case-insensitive for ASCII letters (MSVC's C locale), by code unit otherwise. */
ISAPI_WIN32_API int _wcsicmp(const WCHAR *string1, const WCHAR *string2);
ISAPI_WIN32_API int _wcsnicmp(const WCHAR *string1, const WCHAR *string2, size_t count);
ISAPI_WIN32_API errno_t wcsncpy_s(WCHAR *dest, size_t dest_size, const WCHAR *src,
                                  size_t count);
ISAPI_WIN32_API errno_t wcscpy_s(WCHAR *dest, size_t dest_size, const WCHAR *src);
/* The characters written (without the NUL), or -1 after the invalid-parameter handler when
 * the output does not fit (the buffer is then emptied). */
ISAPI_WIN32_API int swprintf_s(WCHAR *buffer, size_t size_of_buffer, const WCHAR *format, ...);
ISAPI_WIN32_API int vswprintf_s(WCHAR *buffer, size_t size_of_buffer, const WCHAR *format,
                                va_list argptr);
/* count _TRUNCATE: what fits, and -1; otherwise as _vsnprintf_s. */
ISAPI_WIN32_API int _vsnwprintf_s(WCHAR *buffer, size_t size_of_buffer, size_t count,
                                  const WCHAR *format, va_list argptr);
ISAPI_WIN32_API int _snwprintf_s(WCHAR *buffer, size_t size_of_buffer, size_t count,
                                 const WCHAR *format, ...);
#define _wcsicmp_l(a, b, locale) _wcsicmp((a), (b))

#ifdef __cplusplus
}

template <size_t N>
inline errno_t wcsncpy_s(WCHAR (&dest)[N], const WCHAR *src, size_t count) {
    return wcsncpy_s(dest, N, src, count);
}
template <size_t N>
inline errno_t wcscpy_s(WCHAR (&dest)[N], const WCHAR *src) {
    return wcscpy_s(dest, N, src);
}
template <size_t N>
inline int swprintf_s(WCHAR (&buffer)[N], const WCHAR *format, ...) {
    va_list args;
    va_start(args, format);
    const int written = vswprintf_s(buffer, N, format, args);
    va_end(args);
    return written;
}
#endif

#endif /* ISAPI_WIN32_ISAPI_CRT_WIDE_H */
