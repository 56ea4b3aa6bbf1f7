/*
 * timezoneapi.h - the process's time zone (the TZ environment variable, else /etc/localtime)
 * in Windows' terms: Bias in minutes with UTC = local time + bias, the standard and daylight
 * names, and the current year's transitions as absolute dates.
 */
#ifndef ISAPI_WIN32_TIMEZONEAPI_H
#define ISAPI_WIN32_TIMEZONEAPI_H

#include "winbase.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TIME_ZONE_ID_INVALID 0xFFFFFFFFu
#define TIME_ZONE_ID_UNKNOWN 0
#define TIME_ZONE_ID_STANDARD 1
#define TIME_ZONE_ID_DAYLIGHT 2

typedef struct _TIME_ZONE_INFORMATION {
    LONG Bias;
    WCHAR StandardName[32];
    SYSTEMTIME StandardDate;
    LONG StandardBias;
    WCHAR DaylightName[32];
    SYSTEMTIME DaylightDate;
    LONG DaylightBias;
} TIME_ZONE_INFORMATION, *PTIME_ZONE_INFORMATION, *LPTIME_ZONE_INFORMATION;

/* TIME_ZONE_ID_UNKNOWN for a zone without daylight saving time this year, else STANDARD or
 * DAYLIGHT for the one in force now. */
ISAPI_WIN32_API DWORD WINAPI GetTimeZoneInformation(
    LPTIME_ZONE_INFORMATION lpTimeZoneInformation);
/*
 * UTC -> local time.  A NULL zone is the process's (with its full history of rules); a given
 * zone applies Bias, and its daylight rules when DaylightDate.wMonth is set (the "day-of-week
 * in month" form with wYear 0, or absolute dates).
 */
ISAPI_WIN32_API BOOL WINAPI SystemTimeToTzSpecificLocalTime(
    const TIME_ZONE_INFORMATION *lpTimeZoneInformation, const SYSTEMTIME *lpUniversalTime,
    LPSYSTEMTIME lpLocalTime);

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_TIMEZONEAPI_H */
