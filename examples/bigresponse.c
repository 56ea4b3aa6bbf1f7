/*
 * bigresponse - streams a large body in 64 KiB WriteClient calls.
 *
 * Size from ?size=N (decimal bytes, 0 allowed), default 1048576 (1 MiB); anything else in
 * size= gets a 400.  The body repeats the 64-byte line
 *     "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\r\n"
 * cut at N bytes, so byte i is g_szLine[i % 64] and any part of it can be checked.  The
 * response carries Content-Length: N.
 *
 * When WriteClient fails (the client went away) the extension stops, records
 * "bigresponse aborted after <bytes> bytes, error <GetLastError()>" in lpszLogData, and returns
 * HSE_STATUS_ERROR; otherwise lpszLogData says "bigresponse sent <bytes> bytes".
 */
#include <windows.h>
#include <httpext.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIGRESPONSE_CHUNK 65536
#define BIGRESPONSE_DEFAULT_SIZE 1048576ULL

static const char g_szLine[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\r\n";

/* Parses size= from the query; FALSE when it is present but not a plain decimal number. */
static BOOL SizeFromQuery(const char *pszQuery, ULONGLONG *pullSize)
{
    const char *psz = strstr(pszQuery, "size=");
    ULONGLONG ull = 0;
    *pullSize = BIGRESPONSE_DEFAULT_SIZE;
    if (psz == NULL || (psz != pszQuery && psz[-1] != '&')) {
        return TRUE;
    }
    psz += 5;
    if (*psz < '0' || *psz > '9') {
        return FALSE;
    }
    for (; *psz >= '0' && *psz <= '9'; ++psz) {
        if (ull > (~0ULL - 9) / 10) {
            return FALSE;
        }
        ull = ull * 10 + (ULONGLONG)(*psz - '0');
    }
    if (*psz != '\0' && *psz != '&') {
        return FALSE;
    }
    *pullSize = ull;
    return TRUE;
}

static DWORD SendHeaders(EXTENSION_CONTROL_BLOCK *pECB, const char *pszStatus,
                         const char *pszHeaders)
{
    HSE_SEND_HEADER_EX_INFO hdr;
    hdr.pszStatus = pszStatus;
    hdr.cchStatus = (DWORD)strlen(pszStatus);
    hdr.pszHeader = pszHeaders;
    hdr.cchHeader = (DWORD)strlen(pszHeaders);
    hdr.fKeepConn = TRUE;
    return (DWORD)pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_SEND_RESPONSE_HEADER_EX,
                                              &hdr, NULL, NULL);
}

BOOL WINAPI GetExtensionVersion(HSE_VERSION_INFO *pVer)
{
    pVer->dwExtensionVersion = HSE_VERSION;
    strncpy(pVer->lpszExtensionDesc, "bigresponse: streams N bytes", HSE_MAX_EXT_DLL_NAME_LEN - 1);
    pVer->lpszExtensionDesc[HSE_MAX_EXT_DLL_NAME_LEN - 1] = '\0';
    return TRUE;
}

DWORD WINAPI HttpExtensionProc(EXTENSION_CONTROL_BLOCK *pECB)
{
    ULONGLONG ullSize;
    ULONGLONG ullSent = 0;
    char szHeaders[128];
    BYTE *pbChunk;
    DWORD i;

    if (!SizeFromQuery(pECB->lpszQueryString, &ullSize)) {
        pECB->dwHttpStatusCode = 400;
        SendHeaders(pECB, "400 Bad Request", "Content-Type: text/plain\r\n\r\nbad size\n");
        return HSE_STATUS_SUCCESS;
    }

    /* The chunk size is a multiple of 64, so every chunk starts at the start of a line. */
    pbChunk = (BYTE *)malloc(BIGRESPONSE_CHUNK);
    if (pbChunk == NULL) {
        return HSE_STATUS_ERROR;
    }
    for (i = 0; i < BIGRESPONSE_CHUNK; ++i) {
        pbChunk[i] = (BYTE)g_szLine[i % 64];
    }

    snprintf(szHeaders, sizeof(szHeaders),
             "Content-Type: application/octet-stream\r\nContent-Length: %llu\r\n\r\n", ullSize);
    pECB->dwHttpStatusCode = 200;
    if (!SendHeaders(pECB, "200 OK", szHeaders)) {
        free(pbChunk);
        return HSE_STATUS_ERROR;
    }
    while (ullSent < ullSize) {
        DWORD cb = BIGRESPONSE_CHUNK;
        if (ullSize - ullSent < cb) {
            cb = (DWORD)(ullSize - ullSent);
        }
        if (!pECB->WriteClient(pECB->ConnID, pbChunk, &cb, HSE_IO_SYNC)) {
            snprintf(pECB->lpszLogData, HSE_LOG_BUFFER_LEN,
                     "bigresponse aborted after %llu bytes, error %u", ullSent,
                     (unsigned)GetLastError());
            free(pbChunk);
            return HSE_STATUS_ERROR;
        }
        ullSent += cb;
    }
    free(pbChunk);
    snprintf(pECB->lpszLogData, HSE_LOG_BUFFER_LEN, "bigresponse sent %llu bytes", ullSent);
    return HSE_STATUS_SUCCESS;
}

BOOL WINAPI TerminateExtension(DWORD dwFlags)
{
    (void)dwFlags;
    return TRUE;
}
