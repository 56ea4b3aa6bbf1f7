/*
 * isapi_crt.h - the Microsoft C runtime functions ISAPI extensions call that glibc lacks:
 * _stricmp and friends, _snprintf with MSVC's truncation rules, and the "secure" *_s family.
 * <windows.h>, <tchar.h> and <strsafe.h> include it.
 *
 * The *_s functions check their arguments as MSVC's do.  On a violation (NULL pointer, buffer
 * too small) they call the invalid-parameter handler: the one set with
 * _set_invalid_parameter_handler, or by default one that logs a warning in the sidecar's log
 * and returns, where MSVC's default would end the process.  The function then empties the
 * destination and returns EINVAL or ERANGE (-1 for the printf family), as MSVC documents for
 * a handler that returns.  Formats follow MSVC's printf: `l` is 32 bits (DWORD with %lu is
 * right), I64/I32/I size prefixes, %S and %ls print WCHAR strings.
 *
 * SPDX-License-Identifier: Apache-2.0. Extensions that include the isapi-fcgi headers or link
 * libisapi-runtime / libisapi-win32 may use any licence, proprietary ones included (see LICENSE
 * and docs/porting.md).
 */
#ifndef ISAPI_WIN32_ISAPI_CRT_H
#define ISAPI_WIN32_ISAPI_CRT_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "winbase.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef int errno_t;
typedef size_t rsize_t;
#define _TRUNCATE ISAPI_SCAST_(size_t, -1)
#ifndef STRUNCATE
#define STRUNCATE 80
#endif

#ifndef _countof
#define _countof(array) (sizeof(array) / sizeof((array)[0]))
#endif
#ifndef ARRAYSIZE
#define ARRAYSIZE(array) (sizeof(array) / sizeof((array)[0]))
#endif

typedef void (*_invalid_parameter_handler)(const WCHAR *expression, const WCHAR *function,
                                           const WCHAR *file, unsigned int line,
                                           uintptr_t reserved);
ISAPI_WIN32_API _invalid_parameter_handler
_set_invalid_parameter_handler(_invalid_parameter_handler handler);

/* ASCII case-insensitive, comparing lower-cased bytes as MSVC's C locale does. */
ISAPI_WIN32_API int _stricmp(const char *string1, const char *string2);
ISAPI_WIN32_API int _strnicmp(const char *string1, const char *string2, size_t count);
#define _strcmpi _stricmp
#define stricmp _stricmp
#define strnicmp _strnicmp
#define strcmpi _stricmp
#define _strdup strdup
/* MSVC's strtok_s has the signature of POSIX strtok_r (not C11's strtok_s). */
#define strtok_s strtok_r

/*
 * MSVC's _snprintf: when the output fits exactly in count there is no NUL; when it does not
 * fit, count bytes are written without NUL and the result is -1.
 */
ISAPI_WIN32_API int _snprintf(char *buffer, size_t count, const char *format, ...);
ISAPI_WIN32_API int _vsnprintf(char *buffer, size_t count, const char *format, va_list argptr);

ISAPI_WIN32_API errno_t strcpy_s(char *dest, rsize_t dest_size, const char *src);
/* count _TRUNCATE: copy what fits and return STRUNCATE when that was not all of src. */
ISAPI_WIN32_API errno_t strncpy_s(char *dest, rsize_t dest_size, const char *src, rsize_t count);
ISAPI_WIN32_API errno_t strcat_s(char *dest, rsize_t dest_size, const char *src);
ISAPI_WIN32_API errno_t strncat_s(char *dest, rsize_t dest_size, const char *src, rsize_t count);
ISAPI_WIN32_API size_t strnlen_s(const char *str, size_t number_of_elements);
ISAPI_WIN32_API int sprintf_s(char *buffer, size_t size_of_buffer, const char *format, ...);
ISAPI_WIN32_API int vsprintf_s(char *buffer, size_t size_of_buffer, const char *format,
                               va_list argptr);
ISAPI_WIN32_API int _snprintf_s(char *buffer, size_t size_of_buffer, size_t count,
                                const char *format, ...);
ISAPI_WIN32_API int _vsnprintf_s(char *buffer, size_t size_of_buffer, size_t count,
                                 const char *format, va_list argptr);
ISAPI_WIN32_API errno_t memcpy_s(void *dest, rsize_t dest_size, const void *src, rsize_t count);
ISAPI_WIN32_API errno_t memmove_s(void *dest, rsize_t dest_size, const void *src,
                                  rsize_t count);
ISAPI_WIN32_API errno_t _itoa_s(int value, char *buffer, size_t size, int radix);
ISAPI_WIN32_API errno_t _ultoa_s(unsigned long value, char *buffer, size_t size, int radix);

#ifdef __cplusplus
}

/* The array overloads MSVC's C++ headers add, which C++ samples call with two arguments. */
template <size_t N>
inline errno_t strcpy_s(char (&dest)[N], const char *src) {
    return strcpy_s(dest, N, src);
}
template <size_t N>
inline errno_t strncpy_s(char (&dest)[N], const char *src, rsize_t count) {
    return strncpy_s(dest, N, src, count);
}
template <size_t N>
inline errno_t strcat_s(char (&dest)[N], const char *src) {
    return strcat_s(dest, N, src);
}
template <size_t N>
inline errno_t strncat_s(char (&dest)[N], const char *src, rsize_t count) {
    return strncat_s(dest, N, src, count);
}
template <size_t N>
inline int sprintf_s(char (&buffer)[N], const char *format, ...) {
    va_list args;
    va_start(args, format);
    const int written = vsprintf_s(buffer, N, format, args);
    va_end(args);
    return written;
}
template <size_t N>
inline int vsprintf_s(char (&buffer)[N], const char *format, va_list args) {
    return vsprintf_s(buffer, N, format, args);
}
template <size_t N>
inline int _snprintf_s(char (&buffer)[N], size_t count, const char *format, ...) {
    va_list args;
    va_start(args, format);
    const int written = _vsnprintf_s(buffer, N, count, format, args);
    va_end(args);
    return written;
}
template <size_t N>
inline errno_t _itoa_s(int value, char (&buffer)[N], int radix) {
    return _itoa_s(value, buffer, N, radix);
}
#endif

#endif /* ISAPI_WIN32_ISAPI_CRT_H */
