/*
 * asyncwriter - streams a response with asynchronous WriteClient calls, each one issued from the
 * completion of the previous one: the way IIS extensions write large responses without holding
 * a thread per request.
 *
 *     GET /scripts/asyncwriter.dll?count=N&size=S[&sync=1]   (defaults 64 and 16384; S <= 1 MiB)
 *
 * HttpExtensionProc registers an I/O completion callback, sends the header (Content-Length
 * N * S), starts the first HSE_IO_ASYNC write and returns HSE_STATUS_PENDING. Each completion
 * starts the next write; the last one ends the request with HSE_REQ_DONE_WITH_SESSION. The body
 * is the byte pattern (offset % 251), so a client can check every byte. With sync=1 the same
 * bytes go out in synchronous WriteClient calls from HttpExtensionProc (the benchmark's
 * reference for the asynchronous path).
 */
#include <windows.h>
#include <httpext.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_COUNT 64
#define DEFAULT_SIZE 16384
#define MAX_SIZE (1024 * 1024)

typedef struct {
    DWORD dwCount;      /* writes to make */
    DWORD dwSize;       /* bytes per write */
    DWORD dwDone;       /* writes completed */
    ULONGLONG ullNext;  /* response offset of the next chunk */
    BYTE *pbChunk;      /* valid until the write's completion, as ISAPI requires */
} WRITER_CONTEXT;

static DWORD QueryNumber(const char *pszQuery, const char *pszName, DWORD dwDefault, DWORD dwMax)
{
    size_t cchName = strlen(pszName);
    const char *p = pszQuery;
    while (p && *p) {
        if (strncmp(p, pszName, cchName) == 0 && p[cchName] == '=') {
            unsigned long ul = strtoul(p + cchName + 1, NULL, 10);
            return ul == 0 ? dwDefault : (ul > dwMax ? dwMax : (DWORD)ul);
        }
        p = strchr(p, '&');
        if (p) ++p;
    }
    return dwDefault;
}

static void FillChunk(WRITER_CONTEXT *pCtx)
{
    DWORD i;
    for (i = 0; i < pCtx->dwSize; ++i) {
        pCtx->pbChunk[i] = (BYTE)((pCtx->ullNext + i) % 251);
    }
    pCtx->ullNext += pCtx->dwSize;
}

static void EndSession(EXTENSION_CONTROL_BLOCK *pECB, WRITER_CONTEXT *pCtx, DWORD dwStatus)
{
    free(pCtx->pbChunk);
    free(pCtx);
    pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_DONE_WITH_SESSION, &dwStatus, NULL, NULL);
}

static BOOL StartWrite(EXTENSION_CONTROL_BLOCK *pECB, WRITER_CONTEXT *pCtx)
{
    DWORD cb = pCtx->dwSize;
    FillChunk(pCtx);
    return pECB->WriteClient(pECB->ConnID, pCtx->pbChunk, &cb, HSE_IO_ASYNC);
}

static VOID WINAPI OnWriteComplete(EXTENSION_CONTROL_BLOCK *pECB, PVOID pContext, DWORD cbIO,
                                   DWORD dwError)
{
    WRITER_CONTEXT *pCtx = (WRITER_CONTEXT *)pContext;
    if (dwError != ERROR_SUCCESS || cbIO != pCtx->dwSize) {
        snprintf(pECB->lpszLogData, HSE_LOG_BUFFER_LEN, "asyncwriter: write %u failed, error %u",
                 (unsigned)pCtx->dwDone, (unsigned)dwError);
        EndSession(pECB, pCtx, HSE_STATUS_ERROR);
        return;
    }
    if (++pCtx->dwDone == pCtx->dwCount) {
        snprintf(pECB->lpszLogData, HSE_LOG_BUFFER_LEN, "asyncwriter: %u writes", (unsigned)pCtx->dwDone);
        EndSession(pECB, pCtx, HSE_STATUS_SUCCESS);
        return;
    }
    if (!StartWrite(pECB, pCtx)) {
        EndSession(pECB, pCtx, HSE_STATUS_ERROR);
    }
}

/* HSE_REQ_IO_COMPLETION takes the callback in an LPVOID slot; ISO C has no conversion from a
 * function pointer to an object pointer, so the bits are copied. */
static LPVOID CallbackArgument(PFN_HSE_IO_COMPLETION pfn)
{
    LPVOID pv;
    memcpy(&pv, &pfn, sizeof(pv));
    return pv;
}

static DWORD WriteSynchronously(EXTENSION_CONTROL_BLOCK *pECB, WRITER_CONTEXT *pCtx)
{
    DWORD dwStatus = HSE_STATUS_SUCCESS;
    for (; pCtx->dwDone < pCtx->dwCount; ++pCtx->dwDone) {
        DWORD cb = pCtx->dwSize;
        FillChunk(pCtx);
        if (!pECB->WriteClient(pECB->ConnID, pCtx->pbChunk, &cb, HSE_IO_SYNC)) {
            dwStatus = HSE_STATUS_ERROR;
            break;
        }
    }
    free(pCtx->pbChunk);
    free(pCtx);
    return dwStatus;
}

BOOL WINAPI GetExtensionVersion(HSE_VERSION_INFO *pVer)
{
    pVer->dwExtensionVersion = HSE_VERSION;
    strncpy(pVer->lpszExtensionDesc, "asyncwriter: chained asynchronous WriteClient",
            HSE_MAX_EXT_DLL_NAME_LEN - 1);
    pVer->lpszExtensionDesc[HSE_MAX_EXT_DLL_NAME_LEN - 1] = '\0';
    return TRUE;
}

DWORD WINAPI HttpExtensionProc(EXTENSION_CONTROL_BLOCK *pECB)
{
    HSE_SEND_HEADER_EX_INFO hdr;
    char szHeaders[128];
    WRITER_CONTEXT *pCtx = (WRITER_CONTEXT *)calloc(1, sizeof(WRITER_CONTEXT));

    if (!pCtx) {
        return HSE_STATUS_ERROR;
    }
    pCtx->dwCount = QueryNumber(pECB->lpszQueryString, "count", DEFAULT_COUNT, 1u << 20);
    pCtx->dwSize = QueryNumber(pECB->lpszQueryString, "size", DEFAULT_SIZE, MAX_SIZE);
    pCtx->pbChunk = (BYTE *)malloc(pCtx->dwSize);
    if (!pCtx->pbChunk) {
        free(pCtx);
        return HSE_STATUS_ERROR;
    }

    snprintf(szHeaders, sizeof(szHeaders),
             "Content-Type: application/octet-stream\r\nContent-Length: %llu\r\n\r\n",
             (unsigned long long)pCtx->dwCount * pCtx->dwSize);
    hdr.pszStatus = "200 OK";
    hdr.cchStatus = (DWORD)strlen(hdr.pszStatus);
    hdr.pszHeader = szHeaders;
    hdr.cchHeader = (DWORD)strlen(szHeaders);
    hdr.fKeepConn = TRUE;
    if (!pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_IO_COMPLETION, CallbackArgument(OnWriteComplete),
                                     NULL, (LPDWORD)pCtx) ||
        !pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_SEND_RESPONSE_HEADER_EX, &hdr, NULL,
                                     NULL)) {
        free(pCtx->pbChunk);
        free(pCtx);
        return HSE_STATUS_ERROR;
    }
    if (strstr(pECB->lpszQueryString, "sync=1")) {
        return WriteSynchronously(pECB, pCtx);
    }
    if (!StartWrite(pECB, pCtx)) {
        free(pCtx->pbChunk);
        free(pCtx);
        return HSE_STATUS_ERROR;
    }
    /* From here the completion owns pCtx; it may already be running. */
    return HSE_STATUS_PENDING;
}

BOOL WINAPI TerminateExtension(DWORD dwFlags)
{
    (void)dwFlags;
    return TRUE;
}
