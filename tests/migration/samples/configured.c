/*
 * configured - an extension that reads its settings from an ini file next to itself, as many
 * IIS-era extensions do: the module's path from GetModuleFileName (with the hinstDLL DllMain
 * got), then GetPrivateProfileString / GetPrivateProfileInt. It also reads an environment
 * variable, converts the caller's name to UTF-16 and back, reports an ini that cannot be found
 * with FormatMessage, and logs each request with OutputDebugString.
 *
 * configured.ini (next to configured.so):
 *   [Greeting]  Text=..., Repeat=N
 *   [Limits]    MaxName=N
 * GET /scripts/configured.dll?NAME answers 200 text/plain:
 *   Text, Repeat times, one per line ("\r\n"), then
 *   "name=NAME units=U\r\n"   NAME cut to MaxName UTF-16 units (U of them)
 *   "sections=S1,S2\r\n"      the ini's sections in file order
 *   "env=VALUE\r\n"           CONFIGURED_SUFFIX, or "(unset)"
 * GET /scripts/configured.dll?missing answers the same for "absent.ini", which does not exist:
 *   "error=<FormatMessage text of GetLastError()>" after the default text.
 */
#include <windows.h>
#include <httpext.h>
#include <string.h>

static HINSTANCE g_hInstance;
static char g_szIniPath[MAX_PATH];
static char g_szDir[MAX_PATH];

BOOL WINAPI DllMain(HINSTANCE hinstDLL, DWORD fdwReason, LPVOID lpvReserved)
{
    (void)lpvReserved;
    if (fdwReason == DLL_PROCESS_ATTACH) {
        g_hInstance = hinstDLL;
        DisableThreadLibraryCalls(hinstDLL);
    }
    return TRUE;
}

BOOL WINAPI GetExtensionVersion(HSE_VERSION_INFO *pVer)
{
    char *pszSlash;
    pVer->dwExtensionVersion = HSE_VERSION;
    lstrcpyA(pVer->lpszExtensionDesc, "Configured by an ini file");
    if (GetModuleFileNameA(g_hInstance, g_szDir, MAX_PATH) == 0) return FALSE;
    pszSlash = strrchr(g_szDir, '/');
    if (pszSlash == NULL) pszSlash = strrchr(g_szDir, '\\');
    if (pszSlash == NULL) return FALSE;
    *pszSlash = '\0';
    wsprintfA(g_szIniPath, "%s\\configured.ini", g_szDir);
    return TRUE;
}

static void Append(char *pszOut, size_t cchOut, LPCSTR pszText)
{
    strncat_s(pszOut, cchOut, pszText, _TRUNCATE);
}

DWORD WINAPI HttpExtensionProc(EXTENSION_CONTROL_BLOCK *pECB)
{
    char szBody[2048] = "";
    char szIni[MAX_PATH];
    char szText[256];
    char szLine[512];
    char szSections[256];
    char szEnv[128];
    WCHAR wszName[64];
    char szName[256];
    char *pszSection;
    BOOL fMissing = lstrcmpiA(pECB->lpszQueryString, "MISSING") == 0;
    UINT nRepeat, nMax, i;
    int cchWide;
    DWORD cbBody;
    char szHeaders[] = "Content-Type: text/plain; charset=utf-8\r\n\r\n";
    DWORD cbStatus = 6;

    if (fMissing) {
        wsprintfA(szIni, "%s\\absent.ini", g_szDir);
    } else {
        lstrcpynA(szIni, g_szIniPath, MAX_PATH);
    }
    wsprintfA(szLine, "configured: request for '%s'\n", pECB->lpszQueryString);
    OutputDebugStringA(szLine);

    GetPrivateProfileStringA("Greeting", "Text", "Hello (default)", szText, sizeof(szText), szIni);
    if (fMissing) {
        char szError[256] = "";
        FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                       GetLastError(), 0, szError, sizeof(szError), NULL);
        Append(szBody, sizeof(szBody), szText);
        Append(szBody, sizeof(szBody), "\r\nerror=");
        Append(szBody, sizeof(szBody), szError);
    } else {
        nRepeat = GetPrivateProfileIntA("Greeting", "Repeat", 1, szIni);
        for (i = 0; i < nRepeat && i < 10; i++) {
            Append(szBody, sizeof(szBody), szText);
            Append(szBody, sizeof(szBody), "\r\n");
        }
        nMax = GetPrivateProfileIntA("Limits", "MaxName", 16, szIni);
        if (nMax >= 64) nMax = 63;
        /* Count and cut in UTF-16 units, as the Windows original did with WCHAR buffers. */
        cchWide = MultiByteToWideChar(CP_UTF8, 0, pECB->lpszQueryString, -1, wszName, 64);
        if (cchWide == 0) cchWide = 1, wszName[0] = 0;
        if ((UINT)(cchWide - 1) > nMax) {
            wszName[nMax] = 0;
            cchWide = (int)nMax + 1;
        }
        WideCharToMultiByte(CP_UTF8, 0, wszName, -1, szName, sizeof(szName), NULL, NULL);
        _snprintf(szLine, sizeof(szLine), "name=%s units=%d\r\n", szName, cchWide - 1);
        Append(szBody, sizeof(szBody), szLine);

        GetPrivateProfileStringA(NULL, NULL, "", szSections, sizeof(szSections), szIni);
        Append(szBody, sizeof(szBody), "sections=");
        for (pszSection = szSections; *pszSection; pszSection += strlen(pszSection) + 1) {
            if (pszSection != szSections) Append(szBody, sizeof(szBody), ",");
            Append(szBody, sizeof(szBody), pszSection);
        }
        Append(szBody, sizeof(szBody), "\r\n");
        if (GetEnvironmentVariableA("CONFIGURED_SUFFIX", szEnv, sizeof(szEnv)) == 0) {
            lstrcpyA(szEnv, "(unset)");
        }
        Append(szBody, sizeof(szBody), "env=");
        Append(szBody, sizeof(szBody), szEnv);
        Append(szBody, sizeof(szBody), "\r\n");
    }

    if (!pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_SEND_RESPONSE_HEADER, "200 OK",
                                     &cbStatus, (LPDWORD)szHeaders)) {
        return HSE_STATUS_ERROR;
    }
    cbBody = (DWORD)lstrlenA(szBody);
    pECB->WriteClient(pECB->ConnID, szBody, &cbBody, HSE_IO_SYNC);
    return HSE_STATUS_SUCCESS;
}
