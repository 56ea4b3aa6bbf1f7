/*
 * hitcount - a C++ extension in the style of the IIS SDK samples, compiled unchanged: the entry
 * points and DllMain are defined without extern "C"; a CRITICAL_SECTION set up in DllMain guards
 * the hit counter; each extension thread gets a per-thread buffer in DLL_THREAD_ATTACH (TLS),
 * freed in DLL_THREAD_DETACH; answers are formatted with the secure CRT (array overloads of
 * strcpy_s/sprintf_s, _snprintf_s with _TRUNCATE) and StringCchPrintf.
 *
 * GET /scripts/hitcount.dll?name=NAME answers 200 text/plain:
 *   "hits=N\r\nthread_buffer=yes|no\r\nlive_buffers=M\r\nname=NAME\r\n"
 * where N counts requests since load, thread_buffer says whether this thread's TLS buffer was
 * allocated by DLL_THREAD_ATTACH, M is how many such buffers exist, and NAME is cut to 15
 * characters (a sample-era fixed buffer). At unload it logs, with OutputDebugString,
 * "hitcount: K thread buffers left at unload" (K: threads that are still running, whose
 * buffers it then frees; 0 when every thread ended first and its DLL_THREAD_DETACH found its
 * TLS value).
 */
#include <Windows.h>
#include <httpext.h>
#include <strsafe.h>

struct THREAD_BUFFER {
    THREAD_BUFFER *pNext;
    THREAD_BUFFER *pPrev;
    char szScratch[256];
};

static CRITICAL_SECTION g_csHits;  // guards the counter and the buffer list
static DWORD g_dwHits = 0;
static DWORD g_dwTls = TLS_OUT_OF_INDEXES;
static volatile LONG g_lLiveBuffers = 0;
static THREAD_BUFFER *g_pBuffers = NULL;  // every live buffer, for the unload

static void AllocateThreadBuffer()
{
    if (g_dwTls != TLS_OUT_OF_INDEXES && TlsGetValue(g_dwTls) == NULL) {
        THREAD_BUFFER *pBuffer = (THREAD_BUFFER *)LocalAlloc(LPTR, sizeof(THREAD_BUFFER));
        if (pBuffer != NULL && TlsSetValue(g_dwTls, pBuffer)) {
            EnterCriticalSection(&g_csHits);
            pBuffer->pNext = g_pBuffers;
            if (g_pBuffers != NULL) g_pBuffers->pPrev = pBuffer;
            g_pBuffers = pBuffer;
            LeaveCriticalSection(&g_csHits);
            InterlockedIncrement(&g_lLiveBuffers);
        }
    }
}

static void Unlink(THREAD_BUFFER *pBuffer)
{
    if (pBuffer->pPrev != NULL) pBuffer->pPrev->pNext = pBuffer->pNext;
    else g_pBuffers = pBuffer->pNext;
    if (pBuffer->pNext != NULL) pBuffer->pNext->pPrev = pBuffer->pPrev;
}

static void FreeThreadBuffer()
{
    if (g_dwTls == TLS_OUT_OF_INDEXES) return;
    THREAD_BUFFER *pBuffer = (THREAD_BUFFER *)TlsGetValue(g_dwTls);
    if (pBuffer != NULL) {
        EnterCriticalSection(&g_csHits);
        Unlink(pBuffer);
        LeaveCriticalSection(&g_csHits);
        LocalFree(pBuffer);
        TlsSetValue(g_dwTls, NULL);
        InterlockedDecrement(&g_lLiveBuffers);
    }
}

BOOL APIENTRY DllMain(HMODULE hModule, DWORD dwReason, LPVOID lpReserved)
{
    UNREFERENCED_PARAMETER(hModule);
    UNREFERENCED_PARAMETER(lpReserved);
    switch (dwReason) {
    case DLL_PROCESS_ATTACH:
        if (!InitializeCriticalSectionAndSpinCount(&g_csHits, 4000)) return FALSE;
        g_dwTls = TlsAlloc();
        if (g_dwTls == TLS_OUT_OF_INDEXES) return FALSE;
        break;
    case DLL_THREAD_ATTACH:
        AllocateThreadBuffer();
        break;
    case DLL_THREAD_DETACH:
        FreeThreadBuffer();
        break;
    case DLL_PROCESS_DETACH: {
        FreeThreadBuffer();
        char szLeft[64];
        wsprintfA(szLeft, "hitcount: %ld thread buffers left at unload\n",
                  InterlockedExchangeAdd(&g_lLiveBuffers, 0));
        OutputDebugStringA(szLeft);
        // Threads still running get no DLL_THREAD_DETACH after this: free their buffers here.
        while (g_pBuffers != NULL) {
            THREAD_BUFFER *pBuffer = g_pBuffers;
            Unlink(pBuffer);
            LocalFree(pBuffer);
        }
        TlsFree(g_dwTls);
        DeleteCriticalSection(&g_csHits);
        break;
    }
    }
    return TRUE;
}

BOOL WINAPI GetExtensionVersion(HSE_VERSION_INFO *pVer)
{
    pVer->dwExtensionVersion = MAKELONG(HSE_VERSION_MINOR, HSE_VERSION_MAJOR);
    strcpy_s(pVer->lpszExtensionDesc, "Hit counter sample");
    return TRUE;
}

static void ReadName(const char *pszQuery, char *pszName, size_t cchName)
{
    pszName[0] = '\0';
    if (_strnicmp(pszQuery, "name=", 5) == 0) {
        // Old code copied into a fixed buffer; _TRUNCATE keeps it from overflowing.
        strncpy_s(pszName, cchName, pszQuery + 5, _TRUNCATE);
    }
}

DWORD WINAPI HttpExtensionProc(EXTENSION_CONTROL_BLOCK *pECB)
{
    DWORD dwHits;
    EnterCriticalSection(&g_csHits);
    dwHits = ++g_dwHits;
    LeaveCriticalSection(&g_csHits);

    char szName[16];
    ReadName(pECB->lpszQueryString, szName, sizeof(szName));

    char szBody[256];
    int cch = sprintf_s(szBody, "hits=%lu\r\nthread_buffer=%s\r\n", dwHits,
                        TlsGetValue(g_dwTls) != NULL ? "yes" : "no");
    if (cch < 0) return HSE_STATUS_ERROR;
    char szMore[128];
    if (FAILED(StringCchPrintfA(szMore, ARRAYSIZE(szMore), "live_buffers=%ld\r\nname=%s\r\n",
                                InterlockedExchangeAdd(&g_lLiveBuffers, 0), szName))) {
        return HSE_STATUS_ERROR;
    }
    if (strcat_s(szBody, szMore) != 0) return HSE_STATUS_ERROR;

    char szHeaders[64];
    _snprintf_s(szHeaders, sizeof(szHeaders), _TRUNCATE,
                "Content-Type: text/plain\r\nContent-Length: %u\r\n\r\n",
                (unsigned)lstrlenA(szBody));
    HSE_SEND_HEADER_EX_INFO header;
    header.pszStatus = "200 OK";
    header.cchStatus = lstrlenA(header.pszStatus);
    header.pszHeader = szHeaders;
    header.cchHeader = lstrlenA(szHeaders);
    header.fKeepConn = TRUE;
    if (!pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_SEND_RESPONSE_HEADER_EX, &header,
                                     NULL, NULL)) {
        return HSE_STATUS_ERROR;
    }
    DWORD cbBody = lstrlenA(szBody);
    if (!pECB->WriteClient(pECB->ConnID, szBody, &cbBody, HSE_IO_SYNC)) return HSE_STATUS_ERROR;
    return HSE_STATUS_SUCCESS_AND_KEEP_CONN;
}

BOOL WINAPI TerminateExtension(DWORD dwFlags)
{
    UNREFERENCED_PARAMETER(dwFlags);
    return TRUE;
}
