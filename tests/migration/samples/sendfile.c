/*
 * sendfile - the PSDK TransmitFile pattern with a handle cache: files under the "sendfile-data"
 * directory next to the extension are opened once with CreateFile and the HANDLE is shared by
 * every request that sends the file (the host reads it at explicit offsets and never moves its
 * position or closes it). HSE_REQ_TRANSMIT_FILE sends headers and the file asynchronously; the
 * completion routine passed in pfnHseIO ends the request with HSE_REQ_DONE_WITH_SESSION.
 *
 * GET /scripts/sendfile.dll?file=NAME[&offset=N] answers 200 application/octet-stream with the
 * file from byte N (default 0) and an X-Handle-Shared header ("yes" when the handle came from
 * the cache); 404 text/plain with the FormatMessage text of CreateFile's error when the file
 * does not exist; 400 for a name with anything but letters, digits, '.', '-' or '_'.
 */
#include <windows.h>
#include <httpext.h>
#include <strsafe.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SIZE 8

typedef struct {
    char szName[64];
    HANDLE hFile;
} CACHE_ENTRY;

typedef struct {
    char szHeaders[256];
} REQUEST_CONTEXT;

static CRITICAL_SECTION g_csCache;
static CACHE_ENTRY g_Cache[CACHE_SIZE];
static char g_szDataDir[MAX_PATH];

static void SendText(EXTENSION_CONTROL_BLOCK *pECB, LPCSTR pszStatus, LPCSTR pszText)
{
    char szHeaders[] = "Content-Type: text/plain\r\n\r\n";
    DWORD cbText = (DWORD)strlen(pszText);
    DWORD cbStatus = (DWORD)strlen(pszStatus);
    pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_SEND_RESPONSE_HEADER, (LPVOID)pszStatus,
                                &cbStatus, (LPDWORD)szHeaders);
    pECB->WriteClient(pECB->ConnID, (LPVOID)pszText, &cbText, HSE_IO_SYNC);
}

static BOOL ValidName(LPCSTR pszName)
{
    if (*pszName == '\0' || strlen(pszName) >= 64) return FALSE;
    for (; *pszName; ++pszName) {
        char c = *pszName;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_')) {
            return FALSE;
        }
    }
    return TRUE;
}

/* The cached handle for pszName, opening it on first use. */
static HANDLE GetCachedHandle(LPCSTR pszName, BOOL *pfShared)
{
    HANDLE hFile = INVALID_HANDLE_VALUE;
    int i;
    EnterCriticalSection(&g_csCache);
    *pfShared = FALSE;
    for (i = 0; i < CACHE_SIZE; i++) {
        if (g_Cache[i].hFile != NULL && lstrcmpiA(g_Cache[i].szName, pszName) == 0) {
            hFile = g_Cache[i].hFile;
            *pfShared = TRUE;
            break;
        }
    }
    if (hFile == INVALID_HANDLE_VALUE) {
        char szPath[MAX_PATH];
        if (SUCCEEDED(StringCchPrintfA(szPath, MAX_PATH, "%s\\%s", g_szDataDir, pszName))) {
            hFile = CreateFileA(szPath, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                                FILE_ATTRIBUTE_NORMAL | FILE_FLAG_SEQUENTIAL_SCAN, NULL);
        }
        for (i = 0; hFile != INVALID_HANDLE_VALUE && i < CACHE_SIZE; i++) {
            if (g_Cache[i].hFile == NULL) {
                strcpy_s(g_Cache[i].szName, sizeof(g_Cache[i].szName), pszName);
                g_Cache[i].hFile = hFile;
                break;
            }
        }
    }
    LeaveCriticalSection(&g_csCache);
    return hFile;
}

static VOID WINAPI TransmitDone(EXTENSION_CONTROL_BLOCK *pECB, PVOID pContext, DWORD cbIO,
                                DWORD dwError)
{
    DWORD dwStatus = dwError == ERROR_SUCCESS ? HSE_STATUS_SUCCESS : HSE_STATUS_ERROR;
    (void)cbIO;
    LocalFree(pContext);
    pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_DONE_WITH_SESSION, &dwStatus, NULL, NULL);
}

BOOL WINAPI GetExtensionVersion(HSE_VERSION_INFO *pVer)
{
    HMODULE hSelf = NULL;
    char *pszSlash;
    pVer->dwExtensionVersion = HSE_VERSION;
    strcpy_s(pVer->lpszExtensionDesc, HSE_MAX_EXT_DLL_NAME_LEN, "TransmitFile sample");
    InitializeCriticalSection(&g_csCache);
    if (!GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                                GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            (LPCSTR)&GetExtensionVersion, &hSelf) ||
        GetModuleFileNameA(hSelf, g_szDataDir, MAX_PATH) == 0) {
        return FALSE;
    }
    pszSlash = strrchr(g_szDataDir, '/');
    if (pszSlash == NULL) pszSlash = strrchr(g_szDataDir, '\\');
    if (pszSlash == NULL) return FALSE;
    *pszSlash = '\0';
    return SUCCEEDED(StringCchCatA(g_szDataDir, MAX_PATH, "\\sendfile-data"));
}

DWORD WINAPI HttpExtensionProc(EXTENSION_CONTROL_BLOCK *pECB)
{
    char szQuery[128];
    char *pszName = NULL;
    char *pszOffset = NULL;
    char *pszToken;
    char *pszNext = NULL;
    HANDLE hFile;
    BOOL fShared;
    DWORD dwSize, dwOffset = 0;
    REQUEST_CONTEXT *pContext;
    HSE_TF_INFO tf;

    if (strcpy_s(szQuery, sizeof(szQuery), pECB->lpszQueryString) != 0) {
        SendText(pECB, "400 Bad Request", "query too long\r\n");
        return HSE_STATUS_SUCCESS;
    }
    for (pszToken = strtok_s(szQuery, "&", &pszNext); pszToken; pszToken = strtok_s(NULL, "&", &pszNext)) {
        if (_strnicmp(pszToken, "file=", 5) == 0) pszName = pszToken + 5;
        if (_strnicmp(pszToken, "offset=", 7) == 0) pszOffset = pszToken + 7;
    }
    if (pszName == NULL || !ValidName(pszName)) {
        SendText(pECB, "400 Bad Request", "bad file name\r\n");
        return HSE_STATUS_SUCCESS;
    }
    if (pszOffset != NULL) dwOffset = (DWORD)strtoul(pszOffset, NULL, 10);

    hFile = GetCachedHandle(pszName, &fShared);
    if (hFile == INVALID_HANDLE_VALUE) {
        char szMessage[256] = "";
        DWORD dwError = GetLastError();
        FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, dwError,
                       MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT), szMessage, sizeof(szMessage), NULL);
        SendText(pECB, "404 Not Found", szMessage);
        return HSE_STATUS_SUCCESS;
    }
    dwSize = GetFileSize(hFile, NULL);
    if (dwSize == INVALID_FILE_SIZE || dwOffset > dwSize) {
        SendText(pECB, "416 Range Not Satisfiable", "offset past the end\r\n");
        return HSE_STATUS_SUCCESS;
    }

    pContext = (REQUEST_CONTEXT *)LocalAlloc(LPTR, sizeof(REQUEST_CONTEXT));
    if (pContext == NULL) return HSE_STATUS_ERROR;
    wsprintfA(pContext->szHeaders,
              "Content-Type: application/octet-stream\r\nContent-Length: %lu\r\n"
              "X-Handle-Shared: %s\r\n\r\n",
              dwSize - dwOffset, fShared ? "yes" : "no");
    ZeroMemory(&tf, sizeof(tf));
    tf.pfnHseIO = TransmitDone;
    tf.pContext = pContext;
    tf.hFile = hFile;
    tf.pszStatusCode = "200 OK";
    tf.BytesToWrite = 0;
    tf.Offset = dwOffset;
    tf.pHead = pContext->szHeaders;
    tf.HeadLength = (DWORD)strlen(pContext->szHeaders);
    tf.dwFlags = HSE_IO_ASYNC | HSE_IO_SEND_HEADERS;
    if (!pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_TRANSMIT_FILE, &tf, NULL, NULL)) {
        LocalFree(pContext);
        return HSE_STATUS_ERROR;
    }
    return HSE_STATUS_PENDING;
}

BOOL WINAPI TerminateExtension(DWORD dwFlags)
{
    int i;
    (void)dwFlags;
    for (i = 0; i < CACHE_SIZE; i++) {
        if (g_Cache[i].hFile != NULL) CloseHandle(g_Cache[i].hFile);
        g_Cache[i].hFile = NULL;
    }
    DeleteCriticalSection(&g_csCache);
    return TRUE;
}
