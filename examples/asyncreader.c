/*
 * asyncreader - reads a request body with HSE_REQ_ASYNC_READ_CLIENT, each read issued from the
 * completion of the previous one, and answers with its length and checksum like formdump:
 *
 *     bytes=<decimal count>
 *     fnv1a64=<16 lowercase hex digits>
 *     complete=<yes|no>
 *
 * The read-ahead bytes in ECB->lpbData come first. A completion with 0 bytes is the end of the
 * body (or a vanished client); a body of known length also ends once cbTotalBytes are in. The
 * answer is written synchronously from the last completion, which then calls
 * HSE_REQ_DONE_WITH_SESSION. Memory stays bounded: one buffer per request.
 */
#include <windows.h>
#include <httpext.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define READ_CHUNK 16384
#define FNV1A64_OFFSET 0xcbf29ce484222325ULL
#define FNV1A64_PRIME 0x100000001b3ULL

typedef struct {
    ULONGLONG ullTotal;
    ULONGLONG ullHash;
    DWORD cbBuffer;
    BYTE abBuffer[READ_CHUNK];
} READER_CONTEXT;

static ULONGLONG Fnv1a64(ULONGLONG ullHash, const BYTE *pb, DWORD cb)
{
    DWORD i;
    for (i = 0; i < cb; ++i) {
        ullHash ^= pb[i];
        ullHash *= FNV1A64_PRIME;
    }
    return ullHash;
}

static BOOL BodyComplete(const EXTENSION_CONTROL_BLOCK *pECB, const READER_CONTEXT *pCtx)
{
    return pECB->cbTotalBytes != 0xFFFFFFFF && pCtx->ullTotal >= pECB->cbTotalBytes;
}

static DWORD Answer(EXTENSION_CONTROL_BLOCK *pECB, READER_CONTEXT *pCtx, BOOL fComplete)
{
    HSE_SEND_HEADER_EX_INFO hdr;
    char szHeaders[96];
    char szBody[128];
    DWORD cbBody;

    cbBody = (DWORD)snprintf(szBody, sizeof(szBody), "bytes=%llu\nfnv1a64=%016llx\ncomplete=%s\n",
                             pCtx->ullTotal, pCtx->ullHash, fComplete ? "yes" : "no");
    snprintf(szHeaders, sizeof(szHeaders), "Content-Type: text/plain\r\nContent-Length: %u\r\n\r\n",
             (unsigned)cbBody);
    hdr.pszStatus = fComplete ? "200 OK" : "400 Bad Request";
    hdr.cchStatus = (DWORD)strlen(hdr.pszStatus);
    hdr.pszHeader = szHeaders;
    hdr.cchHeader = (DWORD)strlen(szHeaders);
    hdr.fKeepConn = TRUE;
    pECB->dwHttpStatusCode = fComplete ? 200 : 400;
    snprintf(pECB->lpszLogData, HSE_LOG_BUFFER_LEN, "asyncreader bytes=%llu", pCtx->ullTotal);
    if (!pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_SEND_RESPONSE_HEADER_EX, &hdr, NULL, NULL) ||
        !pECB->WriteClient(pECB->ConnID, szBody, &cbBody, HSE_IO_SYNC)) {
        return HSE_STATUS_ERROR;
    }
    return HSE_STATUS_SUCCESS;
}

static void Finish(EXTENSION_CONTROL_BLOCK *pECB, READER_CONTEXT *pCtx, BOOL fComplete)
{
    DWORD dwStatus = Answer(pECB, pCtx, fComplete);
    free(pCtx);
    pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_DONE_WITH_SESSION, &dwStatus, NULL, NULL);
}

static BOOL StartRead(EXTENSION_CONTROL_BLOCK *pECB, READER_CONTEXT *pCtx)
{
    DWORD dwFlags = HSE_IO_ASYNC;
    pCtx->cbBuffer = sizeof(pCtx->abBuffer);
    return pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_ASYNC_READ_CLIENT, pCtx->abBuffer,
                                       &pCtx->cbBuffer, &dwFlags);
}

static VOID WINAPI OnReadComplete(EXTENSION_CONTROL_BLOCK *pECB, PVOID pContext, DWORD cbIO,
                                  DWORD dwError)
{
    READER_CONTEXT *pCtx = (READER_CONTEXT *)pContext;
    if (dwError != ERROR_SUCCESS || cbIO == 0) {
        Finish(pECB, pCtx, pECB->cbTotalBytes == 0xFFFFFFFF && dwError == ERROR_SUCCESS);
        return;
    }
    pCtx->ullHash = Fnv1a64(pCtx->ullHash, pCtx->abBuffer, cbIO);
    pCtx->ullTotal += cbIO;
    if (BodyComplete(pECB, pCtx)) {
        Finish(pECB, pCtx, TRUE);
    } else if (!StartRead(pECB, pCtx)) {
        Finish(pECB, pCtx, FALSE);
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

BOOL WINAPI GetExtensionVersion(HSE_VERSION_INFO *pVer)
{
    pVer->dwExtensionVersion = HSE_VERSION;
    strncpy(pVer->lpszExtensionDesc, "asyncreader: HSE_REQ_ASYNC_READ_CLIENT chain",
            HSE_MAX_EXT_DLL_NAME_LEN - 1);
    pVer->lpszExtensionDesc[HSE_MAX_EXT_DLL_NAME_LEN - 1] = '\0';
    return TRUE;
}

DWORD WINAPI HttpExtensionProc(EXTENSION_CONTROL_BLOCK *pECB)
{
    DWORD dwStatus;
    READER_CONTEXT *pCtx = (READER_CONTEXT *)calloc(1, sizeof(READER_CONTEXT));
    if (!pCtx) {
        return HSE_STATUS_ERROR;
    }
    pCtx->ullTotal = pECB->cbAvailable;
    pCtx->ullHash = Fnv1a64(FNV1A64_OFFSET, pECB->lpbData, pECB->cbAvailable);

    if (pECB->cbTotalBytes == 0 || BodyComplete(pECB, pCtx)) {
        /* The read-ahead holds the whole body: nothing to wait for. */
        dwStatus = Answer(pECB, pCtx, TRUE);
        free(pCtx);
        return dwStatus;
    }
    if (!pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_IO_COMPLETION, CallbackArgument(OnReadComplete),
                                     NULL, (LPDWORD)pCtx) ||
        !StartRead(pECB, pCtx)) {
        free(pCtx);
        return HSE_STATUS_ERROR;
    }
    return HSE_STATUS_PENDING;
}

BOOL WINAPI TerminateExtension(DWORD dwFlags)
{
    (void)dwFlags;
    return TRUE;
}
