/*
 * formdump - reads a whole request body and answers with its length and checksum.
 *
 * The body is consumed as IIS extensions do: first the read-ahead bytes in ECB->lpbData
 * (ECB->cbAvailable of them), then ReadClient in a loop until ECB->cbTotalBytes bytes are in or
 * ReadClient reports 0 bytes (the end of a body whose length was not known, cbTotalBytes ==
 * 0xFFFFFFFF, or a client that went away).  Memory stays bounded: one fixed buffer, whatever
 * the size of the upload.
 *
 * Response (200, text/plain), three lines:
 *     bytes=<decimal count>
 *     fnv1a64=<16 lowercase hex digits>
 *     complete=<yes|no>
 * complete=no means the body ended before cbTotalBytes bytes (then the status is 400).
 * The checksum is 64-bit FNV-1a (offset basis 0xcbf29ce484222325, prime 0x100000001b3) over
 * the body bytes; examples/tools/fnv1a64 prints the same two first lines for a file or stdin.
 */
#include <windows.h>
#include <httpext.h>

#include <stdio.h>
#include <string.h>

#define FORMDUMP_CHUNK 32768
#define FNV1A64_OFFSET 0xcbf29ce484222325ULL
#define FNV1A64_PRIME 0x100000001b3ULL

static ULONGLONG Fnv1a64(ULONGLONG ullHash, const BYTE *pb, DWORD cb)
{
    DWORD i;
    for (i = 0; i < cb; ++i) {
        ullHash ^= pb[i];
        ullHash *= FNV1A64_PRIME;
    }
    return ullHash;
}

static BOOL SendText(EXTENSION_CONTROL_BLOCK *pECB, const char *pszStatus, const char *pszBody)
{
    HSE_SEND_HEADER_EX_INFO hdr;
    char szHeaders[96];
    DWORD cbBody = (DWORD)strlen(pszBody);

    snprintf(szHeaders, sizeof(szHeaders),
             "Content-Type: text/plain\r\nContent-Length: %u\r\n\r\n", (unsigned)cbBody);
    hdr.pszStatus = pszStatus;
    hdr.cchStatus = (DWORD)strlen(pszStatus);
    hdr.pszHeader = szHeaders;
    hdr.cchHeader = (DWORD)strlen(szHeaders);
    hdr.fKeepConn = TRUE;
    if (!pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_SEND_RESPONSE_HEADER_EX, &hdr, NULL,
                                     NULL)) {
        return FALSE;
    }
    return pECB->WriteClient(pECB->ConnID, (LPVOID)pszBody, &cbBody, HSE_IO_SYNC);
}

BOOL WINAPI GetExtensionVersion(HSE_VERSION_INFO *pVer)
{
    pVer->dwExtensionVersion = HSE_VERSION;
    strncpy(pVer->lpszExtensionDesc, "formdump: body length and FNV-1a 64 checksum",
            HSE_MAX_EXT_DLL_NAME_LEN - 1);
    pVer->lpszExtensionDesc[HSE_MAX_EXT_DLL_NAME_LEN - 1] = '\0';
    return TRUE;
}

DWORD WINAPI HttpExtensionProc(EXTENSION_CONTROL_BLOCK *pECB)
{
    static const DWORD cbUnknown = 0xFFFFFFFF;
    BYTE abBuffer[FORMDUMP_CHUNK];
    ULONGLONG ullTotal = pECB->cbAvailable;
    ULONGLONG ullHash = Fnv1a64(FNV1A64_OFFSET, pECB->lpbData, pECB->cbAvailable);
    BOOL fComplete = TRUE;
    char szBody[128];

    while (pECB->cbTotalBytes == cbUnknown || ullTotal < pECB->cbTotalBytes) {
        DWORD cbRead = sizeof(abBuffer);
        if (pECB->cbTotalBytes != cbUnknown && pECB->cbTotalBytes - ullTotal < cbRead) {
            cbRead = (DWORD)(pECB->cbTotalBytes - ullTotal);
        }
        if (!pECB->ReadClient(pECB->ConnID, abBuffer, &cbRead)) {
            snprintf(pECB->lpszLogData, HSE_LOG_BUFFER_LEN, "ReadClient failed, error %u",
                     (unsigned)GetLastError());
            return HSE_STATUS_ERROR;
        }
        if (cbRead == 0) {
            fComplete = pECB->cbTotalBytes == cbUnknown;
            break;
        }
        ullHash = Fnv1a64(ullHash, abBuffer, cbRead);
        ullTotal += cbRead;
    }

    snprintf(szBody, sizeof(szBody), "bytes=%llu\nfnv1a64=%016llx\ncomplete=%s\n", ullTotal,
             ullHash, fComplete ? "yes" : "no");
    snprintf(pECB->lpszLogData, HSE_LOG_BUFFER_LEN, "formdump bytes=%llu", ullTotal);
    pECB->dwHttpStatusCode = fComplete ? 200 : 400;
    if (!SendText(pECB, fComplete ? "200 OK" : "400 Bad Request", szBody)) {
        return HSE_STATUS_ERROR;
    }
    return HSE_STATUS_SUCCESS;
}

BOOL WINAPI TerminateExtension(DWORD dwFlags)
{
    (void)dwFlags;
    return TRUE;
}
