/*
 * regsettings - settings kept in the registry, as IIS extensions kept them: read in
 * GetExtensionVersion from HKEY_LOCAL_MACHINE\SOFTWARE\Contoso\Greeter (seeded on the Linux
 * side from the .reg file exported on the IIS machine), and a visit counter written back on
 * every request.
 *
 * GET /scripts/regsettings.dll?NAME  ->  "<Greeting>, NAME!" then "visits=N" and
 *     "banned=yes|no" (NAME listed in the REG_MULTI_SZ BannedNames), text/plain.  A banned
 *     name is also reported to the event log (source "Greeter", warning, event 1001).
 */
#include <windows.h>
#include <httpext.h>
#include <stdio.h>
#include <string.h>

#define GREETER_KEY "SOFTWARE\\Contoso\\Greeter"

static char g_szGreeting[64] = "Hello";
static DWORD g_cchMaxName = 16;
static char g_szBanned[256];   /* REG_MULTI_SZ: NUL-separated, double NUL at the end */
static CRITICAL_SECTION g_csVisits;
static HANDLE g_hEventSource;

static void LoadSettings(void)
{
    HKEY hKey;
    DWORD cb, dwType;
    if (RegOpenKeyEx(HKEY_LOCAL_MACHINE, GREETER_KEY, 0, KEY_READ, &hKey) != ERROR_SUCCESS) return;
    cb = sizeof(g_szGreeting);
    if (RegQueryValueEx(hKey, "Greeting", NULL, &dwType, (LPBYTE)g_szGreeting, &cb) != ERROR_SUCCESS ||
        dwType != REG_SZ) {
        strcpy_s(g_szGreeting, sizeof(g_szGreeting), "Hello");
    }
    cb = sizeof(g_cchMaxName);
    if (RegQueryValueEx(hKey, "MaxNameLength", NULL, &dwType, (LPBYTE)&g_cchMaxName, &cb) != ERROR_SUCCESS ||
        dwType != REG_DWORD || g_cchMaxName == 0 || g_cchMaxName > 64) {
        g_cchMaxName = 16;
    }
    cb = sizeof(g_szBanned) - 2;
    if (RegQueryValueEx(hKey, "BannedNames", NULL, &dwType, (LPBYTE)g_szBanned, &cb) != ERROR_SUCCESS ||
        dwType != REG_MULTI_SZ) {
        g_szBanned[0] = g_szBanned[1] = '\0';
    }
    RegCloseKey(hKey);
}

static BOOL IsBanned(LPCSTR pszName)
{
    LPCSTR p;
    for (p = g_szBanned; *p; p += strlen(p) + 1) {
        if (_stricmp(p, pszName) == 0) return TRUE;
    }
    return FALSE;
}

/* Counts the visit in the registry (the store survives the worker). */
static DWORD CountVisit(void)
{
    HKEY hKey;
    DWORD dwVisits = 0, cb = sizeof(dwVisits), dwDisposition;
    if (RegCreateKeyEx(HKEY_LOCAL_MACHINE, GREETER_KEY "\\State", 0, NULL, REG_OPTION_NON_VOLATILE,
                       KEY_QUERY_VALUE | KEY_SET_VALUE, NULL, &hKey, &dwDisposition) != ERROR_SUCCESS) {
        return 0;
    }
    EnterCriticalSection(&g_csVisits);
    if (RegQueryValueEx(hKey, "Visits", NULL, NULL, (LPBYTE)&dwVisits, &cb) != ERROR_SUCCESS) dwVisits = 0;
    ++dwVisits;
    RegSetValueEx(hKey, "Visits", 0, REG_DWORD, (const BYTE *)&dwVisits, sizeof(dwVisits));
    LeaveCriticalSection(&g_csVisits);
    RegCloseKey(hKey);
    return dwVisits;
}

BOOL WINAPI GetExtensionVersion(HSE_VERSION_INFO *pVer)
{
    pVer->dwExtensionVersion = HSE_VERSION;
    strcpy_s(pVer->lpszExtensionDesc, HSE_MAX_EXT_DLL_NAME_LEN, "registry settings sample");
    InitializeCriticalSection(&g_csVisits);
    LoadSettings();
    g_hEventSource = RegisterEventSource(NULL, "Greeter");
    return g_hEventSource != NULL;
}

DWORD WINAPI HttpExtensionProc(EXTENSION_CONTROL_BLOCK *pECB)
{
    char szName[65];
    char szBody[256];
    char szHeaders[] = "Content-Type: text/plain\r\n\r\n";
    DWORD cb;

    strncpy_s(szName, sizeof(szName), pECB->lpszQueryString, _TRUNCATE);
    if (strlen(szName) > g_cchMaxName) szName[g_cchMaxName] = '\0';
    if (IsBanned(szName)) {
        LPCSTR rgsz[2];
        rgsz[0] = "banned visitor";
        rgsz[1] = szName;
        ReportEvent(g_hEventSource, EVENTLOG_WARNING_TYPE, 0, 1001, NULL, 2, 0, rgsz, NULL);
    }
    cb = (DWORD)_snprintf(szBody, sizeof(szBody), "%s, %s!\r\nvisits=%lu\r\nbanned=%s\r\n",
                          g_szGreeting, szName, (unsigned long)CountVisit(),
                          IsBanned(szName) ? "yes" : "no");
    pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_SEND_RESPONSE_HEADER, "200 OK", NULL,
                                (LPDWORD)szHeaders);
    pECB->WriteClient(pECB->ConnID, szBody, &cb, HSE_IO_SYNC);
    return HSE_STATUS_SUCCESS;
}

BOOL WINAPI TerminateExtension(DWORD dwFlags)
{
    (void)dwFlags;
    DeregisterEventSource(g_hEventSource);
    DeleteCriticalSection(&g_csVisits);
    return TRUE;
}
