/*
 * datetimeapi.h - dates and times as text for a locale.  Every locale is formatted as English
 * (United States), the locale of a default Windows Server: LOCALE_SYSTEM_DEFAULT,
 * LOCALE_USER_DEFAULT, LOCALE_INVARIANT and 0x0409 are accepted, other LCIDs fail with
 * ERROR_INVALID_PARAMETER.  Pictures use Windows' elements (d dd ddd dddd M MM MMM MMMM y yy
 * yyyy gg for dates; h hh H HH m mm s ss t tt for times; text in single quotes, '' for a
 * quote).  The result counts the terminating NUL; with a size of 0 it is the size needed;
 * when the buffer is too small, 0 with ERROR_INSUFFICIENT_BUFFER.
 */
#ifndef ISAPI_WIN32_DATETIMEAPI_H
#define ISAPI_WIN32_DATETIMEAPI_H

#include "winbase.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef DWORD LCID;
typedef DWORD LCTYPE;

#define LANG_SYSTEM_DEFAULT 0x0800
#define LANG_USER_DEFAULT 0x0400
#define LOCALE_SYSTEM_DEFAULT 0x0800
#define LOCALE_USER_DEFAULT 0x0400
#define LOCALE_INVARIANT 0x007F
#define LOCALE_NEUTRAL 0x0000
#define LOCALE_NOUSEROVERRIDE 0x80000000u
#define LOCALE_USE_CP_ACP 0x40000000

#define DATE_SHORTDATE 0x00000001
#define DATE_LONGDATE 0x00000002
#define DATE_USE_ALT_CALENDAR 0x00000004
#define DATE_YEARMONTH 0x00000008
#define TIME_NOMINUTESORSECONDS 0x00000001
#define TIME_NOSECONDS 0x00000002
#define TIME_NOTIMEMARKER 0x00000004
#define TIME_FORCE24HOURFORMAT 0x00000008

/* lpDate NULL: the current local date.  Without a picture, dwFlags picks M/d/yyyy,
 * "dddd, MMMM d, yyyy" or "MMMM yyyy" (DATE_SHORTDATE is the default). */
ISAPI_WIN32_API int WINAPI GetDateFormatA(LCID Locale, DWORD dwFlags, const SYSTEMTIME *lpDate,
                                          LPCSTR lpFormat, LPSTR lpDateStr, int cchDate);
/* lpTime NULL: the current local time.  Without a picture: "h:mm:ss tt". */
ISAPI_WIN32_API int WINAPI GetTimeFormatA(LCID Locale, DWORD dwFlags, const SYSTEMTIME *lpTime,
                                          LPCSTR lpFormat, LPSTR lpTimeStr, int cchTime);
#define GetDateFormat GetDateFormatA
#define GetTimeFormat GetTimeFormatA

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_DATETIMEAPI_H */
