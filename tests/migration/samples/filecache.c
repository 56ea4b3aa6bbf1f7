/*
 * filecache - a file server whose handle cache opens every file with FILE_FLAG_OVERLAPPED and
 * associates it with one I/O completion port, as IIS-era servers did.
 *
 * GET /scripts/filecache.dll?NAME          sends the file with an asynchronous
 *     HSE_REQ_TRANSMIT_FILE on the cached overlapped handle (X-Cache: hit or miss).
 * GET /scripts/filecache.dll?NAME&digest   reads the file in 64 KiB overlapped reads whose
 *     completions a pool thread takes from the port; each completion starts the next read,
 *     and the end of the file answers "bytes=N sum=S" (S: the byte sum modulo 2^32) with an
 *     asynchronous WriteClient, then DONE_WITH_SESSION.
 * GET /scripts/filecache.dll?NAME&head=N   the first N bytes (N <= 64) read with an event and
 *     GetOverlappedResult(bWait), as text.
 * Files live in the "filecache-data" directory next to the extension; other names answer 400,
 * missing files 404.
 */
#include <windows.h>
#include <httpext.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SLOTS 16
#define CHUNK 65536
#define KEY_FILE 1
#define KEY_QUIT 2

typedef struct {
    char szName[64];
    HANDLE hFile;
} CACHE_SLOT;

typedef struct {
    OVERLAPPED ov;            /* first: the completion gives back this address */
    EXTENSION_CONTROL_BLOCK *pECB;
    HANDLE hFile;
    ULONGLONG cbTotal;
    DWORD dwSum;
    char szReply[96];
    DWORD cbReply;
    BYTE buffer[CHUNK];
} DIGEST_JOB;

static CRITICAL_SECTION g_csCache;
static CACHE_SLOT g_Cache[CACHE_SLOTS];
static char g_szRoot[MAX_PATH];
static HANDLE g_hPort;
static HANDLE g_hPoolThread;

static void Reply(EXTENSION_CONTROL_BLOCK *pECB, LPCSTR pszStatus, LPCSTR pszBody)
{
    char szHeader[] = "Content-Type: text/plain\r\n\r\n";
    DWORD cb = (DWORD)strlen(pszStatus);
    pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_SEND_RESPONSE_HEADER, (LPVOID)pszStatus,
                                &cb, (LPDWORD)szHeader);
    cb = (DWORD)strlen(pszBody);
    pECB->WriteClient(pECB->ConnID, (LPVOID)pszBody, &cb, HSE_IO_SYNC);
}

static BOOL IsPlainName(LPCSTR psz)
{
    size_t n = strlen(psz);
    if (n == 0 || n >= 64 || psz[0] == '.') return FALSE;
    for (; *psz; ++psz) {
        if (!isalnum((unsigned char)*psz) && *psz != '.' && *psz != '-' && *psz != '_') return FALSE;
    }
    return TRUE;
}

/* The cached handle (opened overlapped and bound to the port on first use). */
static HANDLE Lookup(LPCSTR pszName, BOOL *pfHit)
{
    HANDLE h = INVALID_HANDLE_VALUE;
    int i, free_slot = -1;
    *pfHit = FALSE;
    EnterCriticalSection(&g_csCache);
    for (i = 0; i < CACHE_SLOTS; ++i) {
        if (g_Cache[i].hFile == NULL) {
            if (free_slot < 0) free_slot = i;
        } else if (_stricmp(g_Cache[i].szName, pszName) == 0) {
            h = g_Cache[i].hFile;
            *pfHit = TRUE;
            break;
        }
    }
    if (!*pfHit && free_slot >= 0) {
        char szPath[MAX_PATH];
        _snprintf(szPath, sizeof(szPath), "%s\\%s", g_szRoot, pszName);
        h = CreateFileA(szPath, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                        FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OVERLAPPED, NULL);
        if (h != INVALID_HANDLE_VALUE) {
            if (CreateIoCompletionPort(h, g_hPort, KEY_FILE, 0) == NULL) {
                CloseHandle(h);
                h = INVALID_HANDLE_VALUE;
            } else {
                strcpy_s(g_Cache[free_slot].szName, sizeof(g_Cache[free_slot].szName), pszName);
                g_Cache[free_slot].hFile = h;
            }
        }
    }
    LeaveCriticalSection(&g_csCache);
    return h;
}

static VOID WINAPI EndOfSend(EXTENSION_CONTROL_BLOCK *pECB, PVOID pContext, DWORD cbIO,
                             DWORD dwError)
{
    DWORD dwStatus = dwError == NO_ERROR ? HSE_STATUS_SUCCESS : HSE_STATUS_ERROR;
    (void)cbIO;
    if (pContext != NULL) LocalFree(pContext);
    pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_DONE_WITH_SESSION, &dwStatus, NULL, NULL);
}

/* Starts the read at the job's offset; FALSE when the job is over (end of file or error). */
static BOOL ReadNext(DIGEST_JOB *pJob, DWORD *pdwError)
{
    pJob->ov.Offset = (DWORD)(pJob->cbTotal & 0xFFFFFFFF);
    pJob->ov.OffsetHigh = (DWORD)(pJob->cbTotal >> 32);
    if (ReadFile(pJob->hFile, pJob->buffer, CHUNK, NULL, &pJob->ov)) return TRUE;
    *pdwError = GetLastError();
    return *pdwError == ERROR_IO_PENDING;  /* the packet comes either way */
}

static void FinishDigest(DIGEST_JOB *pJob, DWORD dwError)
{
    EXTENSION_CONTROL_BLOCK *pECB = pJob->pECB;
    char szHeader[] = "Content-Type: text/plain\r\n\r\n";
    DWORD cb;
    if (dwError != ERROR_HANDLE_EOF) {
        DWORD dwStatus = HSE_STATUS_ERROR;
        LocalFree(pJob);
        pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_DONE_WITH_SESSION, &dwStatus, NULL, NULL);
        return;
    }
    cb = 6;
    pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_SEND_RESPONSE_HEADER, (LPVOID)"200 OK",
                                &cb, (LPDWORD)szHeader);
    pJob->cbReply = (DWORD)_snprintf(pJob->szReply, sizeof(pJob->szReply), "bytes=%llu sum=%lu\r\n",
                                     (unsigned long long)pJob->cbTotal, (unsigned long)pJob->dwSum);
    pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_IO_COMPLETION, (LPVOID)EndOfSend,
                                NULL, (LPDWORD)pJob);
    if (!pECB->WriteClient(pECB->ConnID, pJob->szReply, &pJob->cbReply, HSE_IO_ASYNC)) {
        EndOfSend(pECB, pJob, 0, GetLastError());
    }
}

static DWORD WINAPI PoolThread(LPVOID pv)
{
    (void)pv;
    for (;;) {
        DWORD cb = 0, dwError = NO_ERROR, i;
        ULONG_PTR key = 0;
        LPOVERLAPPED pov = NULL;
        DIGEST_JOB *pJob;
        BOOL ok = GetQueuedCompletionStatus(g_hPort, &cb, &key, &pov, INFINITE);
        if (pov == NULL) return 0;          /* the port is gone */
        if (key == KEY_QUIT) return 0;
        pJob = (DIGEST_JOB *)pov;  /* the OVERLAPPED is its first member */
        if (!ok) {
            FinishDigest(pJob, GetLastError());
            continue;
        }
        for (i = 0; i < cb; ++i) pJob->dwSum += pJob->buffer[i];
        pJob->cbTotal += cb;
        if (!ReadNext(pJob, &dwError)) FinishDigest(pJob, dwError);
    }
}

static void SendHead(EXTENSION_CONTROL_BLOCK *pECB, HANDLE hFile, DWORD cb)
{
    char buf[65] = "";
    OVERLAPPED ov;
    DWORD got = 0;
    ZeroMemory(&ov, sizeof(ov));
    if (cb > 64) cb = 64;
    /* Low bit set: completion signalled on the event only, no packet for the pool thread. */
    ov.hEvent = (HANDLE)((ULONG_PTR)CreateEventA(NULL, TRUE, FALSE, NULL) | 1);
    if (!ReadFile(hFile, buf, cb, NULL, &ov) && GetLastError() != ERROR_IO_PENDING) {
        Reply(pECB, "500 Internal Server Error", "read failed\r\n");
    } else if (!GetOverlappedResult(hFile, &ov, &got, TRUE) || !HasOverlappedIoCompleted(&ov)) {
        Reply(pECB, "500 Internal Server Error", "no result\r\n");
    } else {
        buf[got] = '\0';
        Reply(pECB, "200 OK", buf);
    }
    CloseHandle((HANDLE)((ULONG_PTR)ov.hEvent & ~(ULONG_PTR)1));
}

BOOL WINAPI GetExtensionVersion(HSE_VERSION_INFO *pVer)
{
    HMODULE hSelf = NULL;
    char *pszSlash;
    pVer->dwExtensionVersion = HSE_VERSION;
    strcpy_s(pVer->lpszExtensionDesc, HSE_MAX_EXT_DLL_NAME_LEN, "overlapped file cache");
    if (!GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                                GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            (LPCSTR)&GetExtensionVersion, &hSelf) ||
        GetModuleFileNameA(hSelf, g_szRoot, MAX_PATH) == 0) {
        return FALSE;
    }
    pszSlash = strrchr(g_szRoot, '/');
    if (pszSlash == NULL) return FALSE;
    strcpy_s(pszSlash, MAX_PATH - (pszSlash - g_szRoot), "/filecache-data");
    InitializeCriticalSection(&g_csCache);
    g_hPort = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    if (g_hPort == NULL) return FALSE;
    g_hPoolThread = CreateThread(NULL, 0, PoolThread, NULL, 0, NULL);
    return g_hPoolThread != NULL;
}

DWORD WINAPI HttpExtensionProc(EXTENSION_CONTROL_BLOCK *pECB)
{
    char szName[128];
    char *pszAmp;
    BOOL fHit;
    HANDLE hFile;

    strncpy_s(szName, sizeof(szName), pECB->lpszQueryString, _TRUNCATE);
    pszAmp = strchr(szName, '&');
    if (pszAmp != NULL) *pszAmp++ = '\0';
    if (!IsPlainName(szName)) {
        Reply(pECB, "400 Bad Request", "bad name\r\n");
        return HSE_STATUS_SUCCESS;
    }
    hFile = Lookup(szName, &fHit);
    if (hFile == INVALID_HANDLE_VALUE) {
        Reply(pECB, "404 Not Found", "no such file\r\n");
        return HSE_STATUS_SUCCESS;
    }
    if (pszAmp != NULL && strcmp(pszAmp, "digest") == 0) {
        DWORD dwError = NO_ERROR;
        DIGEST_JOB *pJob = (DIGEST_JOB *)LocalAlloc(LPTR, sizeof(DIGEST_JOB));
        if (pJob == NULL) return HSE_STATUS_ERROR;
        pJob->pECB = pECB;
        pJob->hFile = hFile;
        if (!ReadNext(pJob, &dwError)) {
            FinishDigest(pJob, dwError);  /* an empty file ends at once */
        }
        return HSE_STATUS_PENDING;
    }
    if (pszAmp != NULL && strncmp(pszAmp, "head=", 5) == 0) {
        SendHead(pECB, hFile, (DWORD)atoi(pszAmp + 5));
        return HSE_STATUS_SUCCESS;
    }
    {
        HSE_TF_INFO tf;
        char *pszHeaders = (char *)LocalAlloc(LPTR, 128);
        if (pszHeaders == NULL) return HSE_STATUS_ERROR;
        _snprintf(pszHeaders, 128, "Content-Type: application/octet-stream\r\nX-Cache: %s\r\n\r\n",
                  fHit ? "hit" : "miss");
        ZeroMemory(&tf, sizeof(tf));
        tf.pfnHseIO = EndOfSend;
        tf.pContext = pszHeaders;
        tf.hFile = hFile;
        tf.pszStatusCode = "200 OK";
        tf.pHead = pszHeaders;
        tf.HeadLength = (DWORD)strlen(pszHeaders);
        tf.dwFlags = HSE_IO_ASYNC | HSE_IO_SEND_HEADERS;
        if (!pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_TRANSMIT_FILE, &tf, NULL, NULL)) {
            LocalFree(pszHeaders);
            return HSE_STATUS_ERROR;
        }
        return HSE_STATUS_PENDING;
    }
}

BOOL WINAPI TerminateExtension(DWORD dwFlags)
{
    int i;
    (void)dwFlags;
    PostQueuedCompletionStatus(g_hPort, 0, KEY_QUIT, NULL);
    WaitForSingleObject(g_hPoolThread, INFINITE);
    CloseHandle(g_hPoolThread);
    for (i = 0; i < CACHE_SLOTS; ++i) {
        if (g_Cache[i].hFile != NULL) CloseHandle(g_Cache[i].hFile);
        g_Cache[i].hFile = NULL;
    }
    CloseHandle(g_hPort);
    DeleteCriticalSection(&g_csCache);
    return TRUE;
}
