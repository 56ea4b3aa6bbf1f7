/*
 * isapi_crt_extras.h - old MSVC CRT names without a glibc counterpart: itoa and friends,
 * strlwr/strupr (in place, ASCII letters only, as in the C locale), _alloca, _get_pgmptr.
 */
#ifndef ISAPI_WIN32_ISAPI_CRT_EXTRAS_H
#define ISAPI_WIN32_ISAPI_CRT_EXTRAS_H

#include <alloca.h>

#include "isapi_crt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Radix 2..36; negative values get a '-' in radix 10 only (other radixes print the two's
 * complement), as MSVC's.  The buffer is the caller's: 33 chars hold any int. */
ISAPI_WIN32_API char *_itoa(int value, char *buffer, int radix);
ISAPI_WIN32_API char *_ltoa(long value, char *buffer, int radix);
ISAPI_WIN32_API char *_ultoa(unsigned long value, char *buffer, int radix);
ISAPI_WIN32_API char *_i64toa(long long value, char *buffer, int radix);
ISAPI_WIN32_API char *_ui64toa(unsigned long long value, char *buffer, int radix);
ISAPI_WIN32_API char *_strlwr(char *str);
ISAPI_WIN32_API char *_strupr(char *str);
ISAPI_WIN32_API errno_t _strlwr_s(char *str, size_t numberOfElements);
ISAPI_WIN32_API errno_t _strupr_s(char *str, size_t numberOfElements);
/* The executable's path (/proc/self/exe), as MSVC's _pgmptr. */
ISAPI_WIN32_API errno_t _get_pgmptr(char **pValue);

/* The POSIX-era names MSVC still accepts. */
ISAPI_WIN32_API char *itoa(int value, char *buffer, int radix);
ISAPI_WIN32_API char *ltoa(long value, char *buffer, int radix);
ISAPI_WIN32_API char *strlwr(char *str);
ISAPI_WIN32_API char *strupr(char *str);

#ifndef _alloca
#define _alloca(size) __builtin_alloca(size)
#endif

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_ISAPI_CRT_EXTRAS_H */
