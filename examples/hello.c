/*
 * hello - the smallest useful ISAPI extension.
 *
 * Answers every request with "200 OK", Content-Type text/plain and the body
 * "Hello from ISAPI!\r\n", sent the way IIS 4-era code does it: HSE_REQ_SEND_RESPONSE_HEADER
 * with the header block, then WriteClient with the body.
 */
#include <windows.h>
#include <httpext.h>

#include <stdio.h>
#include <string.h>

static char g_szBody[] = "Hello from ISAPI!\r\n";

BOOL WINAPI GetExtensionVersion(HSE_VERSION_INFO *pVer)
{
    pVer->dwExtensionVersion = HSE_VERSION;
    strncpy(pVer->lpszExtensionDesc, "hello: isapi-fcgi example", HSE_MAX_EXT_DLL_NAME_LEN - 1);
    pVer->lpszExtensionDesc[HSE_MAX_EXT_DLL_NAME_LEN - 1] = '\0';
    return TRUE;
}

DWORD WINAPI HttpExtensionProc(EXTENSION_CONTROL_BLOCK *pECB)
{
    char szStatus[] = "200 OK";
    char szHeaders[128];
    DWORD cbStatus = (DWORD)strlen(szStatus);
    DWORD cbBody = (DWORD)strlen(g_szBody);

    snprintf(szHeaders, sizeof(szHeaders),
             "Content-Type: text/plain\r\nContent-Length: %u\r\n\r\n", (unsigned)cbBody);

    /* The classic call: the status in lpvBuffer, the header block in lpdwDataType. */
    if (!pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_SEND_RESPONSE_HEADER, szStatus,
                                     &cbStatus, (LPDWORD)szHeaders)) {
        return HSE_STATUS_ERROR;
    }
    if (!pECB->WriteClient(pECB->ConnID, g_szBody, &cbBody, HSE_IO_SYNC)) {
        return HSE_STATUS_ERROR;
    }
    pECB->dwHttpStatusCode = 200;
    return HSE_STATUS_SUCCESS;
}

BOOL WINAPI TerminateExtension(DWORD dwFlags)
{
    (void)dwFlags;
    return TRUE;
}
