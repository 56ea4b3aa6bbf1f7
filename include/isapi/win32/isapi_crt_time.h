/*
 * isapi_crt_time.h - the MSVC CRT's checked time conversions.  Their argument order is
 * Microsoft's (the result first), not C11 Annex K's.  On a NULL pointer or a time before the
 * epoch they return EINVAL (the tm is filled with -1 as MSVC does) after the invalid-parameter
 * handler; ctime_s needs a buffer of 26 characters (ERANGE otherwise).
 */
#ifndef ISAPI_WIN32_ISAPI_CRT_TIME_H
#define ISAPI_WIN32_ISAPI_CRT_TIME_H

#include <time.h>

#include "isapi_crt.h"

#ifdef __cplusplus
extern "C" {
#endif

ISAPI_WIN32_API errno_t gmtime_s(struct tm *tmDest, const time_t *sourceTime);
ISAPI_WIN32_API errno_t localtime_s(struct tm *tmDest, const time_t *sourceTime);
ISAPI_WIN32_API errno_t ctime_s(char *buffer, size_t numberOfElements, const time_t *sourceTime);
ISAPI_WIN32_API errno_t asctime_s(char *buffer, size_t numberOfElements, const struct tm *tmSource);
#define _gmtime64_s gmtime_s
#define _localtime64_s localtime_s
#define _ctime64_s ctime_s

#ifdef __cplusplus
}

template <size_t N>
inline errno_t ctime_s(char (&buffer)[N], const time_t *sourceTime) {
    return ctime_s(buffer, N, sourceTime);
}
template <size_t N>
inline errno_t asctime_s(char (&buffer)[N], const struct tm *tmSource) {
    return asctime_s(buffer, N, tmSource);
}
#endif

#endif /* ISAPI_WIN32_ISAPI_CRT_TIME_H */
