/*
 * pathinfo - an extension in the style of the Windows Server 2003 SDK samples: prototypes
 * marked IN/OUT/OPTIONAL, a request history kept in a LIST_ENTRY list (with the list macros
 * such code defines for itself, as the user-mode SDK has none), paths taken apart with
 * _splitpath into _MAX_* buffers and put back with _makepath, and dates printed with
 * GetDateFormat/GetTimeFormat.
 *
 * GET /scripts/pathinfo.dll?PATH answers 200 text/plain:
 *   "drive=D\r\ndir=DIR\r\nfname=F\r\next=E\r\n"   _splitpath of PATH
 *   "rebuilt=P\r\n"                                _makepath of those parts, extension
 *                                                  ".htm" when PATH had none
 *   "stamp=S\r\n"                                  29 Feb 2004 13:05:09 as
 *                                                  "dddd, MMMM d, yyyy" + " HH:mm:ss"
 *   "today=yyyy-MM-dd\r\n"                         the worker's local date
 *   "recent=N:P1|P2|P3\r\n"                        requests so far, the last three paths,
 *                                                  newest first
 * Without a path: HSE_STATUS_ERROR (IIS answers 500).
 */
#include <windows.h>
#include <httpext.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RECENT 3

#define InitList(head) ((head)->Flink = (head)->Blink = (head))
#define ListIsEmpty(head) ((head)->Flink == (head))
#define UnlinkEntry(entry)                                                                     \
    ((entry)->Blink->Flink = (entry)->Flink, (entry)->Flink->Blink = (entry)->Blink)
#define LinkAtHead(head, entry)                                                                \
    ((entry)->Flink = (head)->Flink, (entry)->Blink = (head), (head)->Flink->Blink = (entry),  \
     (head)->Flink = (entry))

typedef struct _RECENT_REQUEST {
    LIST_ENTRY ListEntry;
    CHAR szPath[_MAX_PATH];
} RECENT_REQUEST, *PRECENT_REQUEST;

static CRITICAL_SECTION g_csRecent;
static LIST_ENTRY g_RecentList;
static DWORD g_cRecent;
static DWORD g_cRequests;

BOOL WINAPI DllMain(IN HINSTANCE hinstDLL, IN DWORD fdwReason, IN LPVOID lpvReserved OPTIONAL)
{
    (void)lpvReserved;
    if (fdwReason == DLL_PROCESS_ATTACH) {
        DisableThreadLibraryCalls(hinstDLL);
        InitializeCriticalSection(&g_csRecent);
        InitList(&g_RecentList);
    } else if (fdwReason == DLL_PROCESS_DETACH) {
        while (!ListIsEmpty(&g_RecentList)) {
            PLIST_ENTRY pEntry = g_RecentList.Flink;
            UnlinkEntry(pEntry);
            free(CONTAINING_RECORD(pEntry, RECENT_REQUEST, ListEntry));
        }
        DeleteCriticalSection(&g_csRecent);
    }
    return TRUE;
}

BOOL WINAPI GetExtensionVersion(OUT HSE_VERSION_INFO *pVer)
{
    pVer->dwExtensionVersion = HSE_VERSION;
    lstrcpynA(pVer->lpszExtensionDesc, "Path and date formatting", HSE_MAX_EXT_DLL_NAME_LEN);
    return TRUE;
}

/* Remembers pszPath; copies the count and the last MAX_RECENT paths into pszOut. */
static VOID RememberRequest(IN LPCSTR pszPath, OUT LPSTR pszOut, IN DWORD cchOut)
{
    PRECENT_REQUEST pNew = (PRECENT_REQUEST)malloc(sizeof(RECENT_REQUEST));
    PLIST_ENTRY pEntry;
    int cchUsed;

    EnterCriticalSection(&g_csRecent);
    g_cRequests++;
    if (pNew != NULL) {
        lstrcpynA(pNew->szPath, pszPath, _MAX_PATH);
        LinkAtHead(&g_RecentList, &pNew->ListEntry);
        if (++g_cRecent > MAX_RECENT) {
            pEntry = g_RecentList.Blink;
            UnlinkEntry(pEntry);
            free(CONTAINING_RECORD(pEntry, RECENT_REQUEST, ListEntry));
            g_cRecent--;
        }
    }
    cchUsed = _snprintf_s(pszOut, cchOut, _TRUNCATE, "%lu:", g_cRequests);
    for (pEntry = g_RecentList.Flink; pEntry != &g_RecentList && cchUsed >= 0;
         pEntry = pEntry->Flink) {
        PRECENT_REQUEST pRecent = CONTAINING_RECORD(pEntry, RECENT_REQUEST, ListEntry);
        if (pEntry != g_RecentList.Flink) strcat_s(pszOut, cchOut, "|");
        strcat_s(pszOut, cchOut, pRecent->szPath);
    }
    LeaveCriticalSection(&g_csRecent);
}

/* "dddd, MMMM d, yyyy HH:mm:ss" of a fixed moment, or FALSE. */
static BOOL FormatStamp(OUT LPSTR pszOut, IN int cchOut)
{
    SYSTEMTIME st;
    int cchDate;
    ZeroMemory(&st, sizeof(st));
    st.wYear = 2004;
    st.wMonth = 2;
    st.wDay = 29;
    st.wHour = 13;
    st.wMinute = 5;
    st.wSecond = 9;
    cchDate = GetDateFormatA(LOCALE_SYSTEM_DEFAULT, DATE_LONGDATE, &st, NULL, pszOut, cchOut);
    if (cchDate == 0) return FALSE;
    pszOut[cchDate - 1] = ' ';
    return GetTimeFormatA(LOCALE_SYSTEM_DEFAULT, TIME_FORCE24HOURFORMAT, &st, "HH':'mm':'ss",
                          pszOut + cchDate, cchOut - cchDate) != 0;
}

DWORD WINAPI HttpExtensionProc(IN EXTENSION_CONTROL_BLOCK *pECB)
{
    CHAR szDrive[_MAX_DRIVE], szDir[_MAX_DIR], szFname[_MAX_FNAME], szExt[_MAX_EXT];
    CHAR szRebuilt[_MAX_PATH], szStamp[128], szToday[32], szRecent[4 * _MAX_PATH];
    CHAR szBody[8 * _MAX_PATH];
    LPCSTR pszPath = pECB->lpszQueryString;
    DWORD cbBody;

    if (pszPath == NULL || pszPath[0] == '\0' || strlen(pszPath) >= _MAX_PATH) {
        pECB->dwHttpStatusCode = 400;
        return HSE_STATUS_ERROR;
    }
    _splitpath(pszPath, szDrive, szDir, szFname, szExt);
    _makepath(szRebuilt, szDrive, szDir, szFname, szExt[0] != '\0' ? szExt : "htm");
    if (!FormatStamp(szStamp, sizeof(szStamp))
        || GetDateFormatA(LOCALE_USER_DEFAULT, 0, NULL, "yyyy'-'MM'-'dd", szToday,
                          sizeof(szToday)) == 0) {
        pECB->dwHttpStatusCode = 500;
        return HSE_STATUS_ERROR;
    }
    RememberRequest(pszPath, szRecent, sizeof(szRecent));
    if (sprintf_s(szBody, sizeof(szBody),
                  "drive=%s\r\ndir=%s\r\nfname=%s\r\next=%s\r\nrebuilt=%s\r\nstamp=%s\r\n"
                  "today=%s\r\nrecent=%s\r\n",
                  szDrive, szDir, szFname, szExt, szRebuilt, szStamp, szToday, szRecent) < 0) {
        pECB->dwHttpStatusCode = 500;
        return HSE_STATUS_ERROR;
    }
    if (!pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_SEND_RESPONSE_HEADER, "200 OK", NULL,
                                     (LPDWORD)"Content-Type: text/plain\r\n\r\n")) {
        return HSE_STATUS_ERROR;
    }
    cbBody = (DWORD)strlen(szBody);
    pECB->WriteClient(pECB->ConnID, szBody, &cbBody, HSE_IO_SYNC);
    return HSE_STATUS_SUCCESS;
}
