/*
 * event_log.h - the Windows event log calls (included by windows.h): each ReportEvent is one
 * line in the sidecar's log, "event log [SOURCE] id=N category=C: STRING1 | STRING2 ...", at
 * the level of its type (error, warning, information; audit failure is a warning, audit success
 * information).  The id is the low 16 bits of dwEventID, as Event Viewer shows it.  lpUNCServerName
 * must be NULL (the local machine); raw data and SIDs are accepted and not written.
 */
#ifndef ISAPI_WIN32_EVENT_LOG_H
#define ISAPI_WIN32_EVENT_LOG_H

#include "winbase.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EVENTLOG_SUCCESS 0x0000
#define EVENTLOG_ERROR_TYPE 0x0001
#define EVENTLOG_WARNING_TYPE 0x0002
#define EVENTLOG_INFORMATION_TYPE 0x0004
#define EVENTLOG_AUDIT_SUCCESS 0x0008
#define EVENTLOG_AUDIT_FAILURE 0x0010

#ifndef ISAPI_WIN32_PSID_DEFINED
#define ISAPI_WIN32_PSID_DEFINED
typedef PVOID PSID;
#endif

/* NULL with ERROR_INVALID_PARAMETER without a source name, ERROR_NOT_SUPPORTED for a remote server. */
ISAPI_WIN32_API HANDLE WINAPI RegisterEventSourceA(LPCSTR lpUNCServerName, LPCSTR lpSourceName);
ISAPI_WIN32_API HANDLE WINAPI RegisterEventSourceW(LPCWSTR lpUNCServerName, LPCWSTR lpSourceName);
ISAPI_WIN32_API BOOL WINAPI ReportEventA(HANDLE hEventLog, WORD wType, WORD wCategory,
                                         DWORD dwEventID, PSID lpUserSid, WORD wNumStrings,
                                         DWORD dwDataSize, LPCSTR *lpStrings, LPVOID lpRawData);
ISAPI_WIN32_API BOOL WINAPI ReportEventW(HANDLE hEventLog, WORD wType, WORD wCategory,
                                         DWORD dwEventID, PSID lpUserSid, WORD wNumStrings,
                                         DWORD dwDataSize, LPCWSTR *lpStrings, LPVOID lpRawData);
ISAPI_WIN32_API BOOL WINAPI DeregisterEventSource(HANDLE hEventLog);
#define RegisterEventSource RegisterEventSourceA
#define ReportEvent ReportEventA

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_EVENT_LOG_H */
