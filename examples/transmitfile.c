/*
 * transmitfile - sends a file from the document root with HSE_REQ_TRANSMIT_FILE, framed by a head
 * and a tail, without reading it into memory:
 *
 *     GET /scripts/transmitfile.dll/<path under the document root>[?sync=1]
 *
 * PATH_INFO is mapped to a file with HSE_REQ_MAP_URL_TO_PATH, which never leaves the document
 * root. The file is opened with open(2) and turned into a HANDLE with isapi_handle_from_fd, the
 * convention TRANSMIT_FILE and VECTOR_SEND read (see docs/extensions.md); IIS code opening it
 * with CreateFile gets the same kind of handle from the Win32 compatibility layer. By default the
 * send is asynchronous: the completion (pfnHseIO) releases the handle, closes the file and ends
 * the request. With sync=1 it is synchronous and HttpExtensionProc does that itself.
 *
 * Response: 200 text/plain, "--- begin <path> ---\n", the file, "--- end ---\n"; 404 when the
 * file cannot be opened.
 */
#include <windows.h>
#include <httpext.h>
#include <isapi_runtime.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char g_szTail[] = "--- end ---\n";

typedef struct {
    HANDLE hFile;
    char szHead[MAX_PATH + 32];
} SEND_CONTEXT;

static void CloseFile(HANDLE hFile)
{
    int fd = isapi_handle_release(hFile);
    if (fd >= 0) {
        close(fd);
    }
}

static VOID WINAPI OnSent(EXTENSION_CONTROL_BLOCK *pECB, PVOID pContext, DWORD cbIO, DWORD dwError)
{
    SEND_CONTEXT *pCtx = (SEND_CONTEXT *)pContext;
    DWORD dwStatus = dwError == ERROR_SUCCESS ? HSE_STATUS_SUCCESS : HSE_STATUS_ERROR;
    snprintf(pECB->lpszLogData, HSE_LOG_BUFFER_LEN, "transmitfile sent=%u error=%u", (unsigned)cbIO,
             (unsigned)dwError);
    CloseFile(pCtx->hFile);
    free(pCtx);
    pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_DONE_WITH_SESSION, &dwStatus, NULL, NULL);
}

static DWORD NotFound(EXTENSION_CONTROL_BLOCK *pECB)
{
    static const char szHeaders[] = "Content-Type: text/plain\r\n\r\nno such file\n";
    pECB->dwHttpStatusCode = 404;
    pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_SEND_RESPONSE_HEADER, "404 Not Found", NULL,
                                (LPDWORD)szHeaders);
    return HSE_STATUS_SUCCESS;
}

BOOL WINAPI GetExtensionVersion(HSE_VERSION_INFO *pVer)
{
    pVer->dwExtensionVersion = HSE_VERSION;
    strncpy(pVer->lpszExtensionDesc, "transmitfile: HSE_REQ_TRANSMIT_FILE with head and tail",
            HSE_MAX_EXT_DLL_NAME_LEN - 1);
    pVer->lpszExtensionDesc[HSE_MAX_EXT_DLL_NAME_LEN - 1] = '\0';
    return TRUE;
}

static BOOL SendHeaders(EXTENSION_CONTROL_BLOCK *pECB)
{
    HSE_SEND_HEADER_EX_INFO hdr;
    hdr.pszStatus = "200 OK";
    hdr.cchStatus = 6;
    hdr.pszHeader = "Content-Type: text/plain\r\n\r\n";
    hdr.cchHeader = (DWORD)strlen(hdr.pszHeader);
    hdr.fKeepConn = TRUE;
    return pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_SEND_RESPONSE_HEADER_EX, &hdr, NULL, NULL);
}

DWORD WINAPI HttpExtensionProc(EXTENSION_CONTROL_BLOCK *pECB)
{
    char szPath[MAX_PATH];
    DWORD cbPath = sizeof(szPath);
    BOOL fSync = strstr(pECB->lpszQueryString, "sync=1") != NULL;
    HSE_TF_INFO tf;
    SEND_CONTEXT *pCtx;
    int fd;

    if (pECB->lpszPathInfo[0] == '\0' || strlen(pECB->lpszPathInfo) >= sizeof(szPath)) {
        return NotFound(pECB);
    }
    strcpy(szPath, pECB->lpszPathInfo);
    if (!pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_MAP_URL_TO_PATH, szPath, &cbPath, NULL)) {
        return NotFound(pECB);
    }
    fd = open(szPath, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return NotFound(pECB);
    }
    pCtx = (SEND_CONTEXT *)calloc(1, sizeof(SEND_CONTEXT));
    if (!pCtx) {
        close(fd);
        return HSE_STATUS_ERROR;
    }
    pCtx->hFile = isapi_handle_from_fd(fd);
    snprintf(pCtx->szHead, sizeof(pCtx->szHead), "--- begin %s ---\n", pECB->lpszPathInfo);

    memset(&tf, 0, sizeof(tf));
    tf.pfnHseIO = fSync ? NULL : OnSent;
    tf.pContext = pCtx;
    tf.hFile = pCtx->hFile;
    tf.BytesToWrite = 0; /* to the end of the file */
    tf.Offset = 0;
    tf.pHead = pCtx->szHead;
    tf.HeadLength = (DWORD)strlen(pCtx->szHead);
    tf.pTail = (PVOID)g_szTail;
    tf.TailLength = (DWORD)strlen(g_szTail);
    tf.dwFlags = fSync ? HSE_IO_SYNC : HSE_IO_ASYNC;

    if (!SendHeaders(pECB) || !pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_TRANSMIT_FILE, &tf, NULL, NULL)) {
        CloseFile(pCtx->hFile);
        free(pCtx);
        return HSE_STATUS_ERROR;
    }
    if (fSync) {
        CloseFile(pCtx->hFile);
        free(pCtx);
        return HSE_STATUS_SUCCESS;
    }
    /* The completion now owns pCtx and the handle; it may already have run. */
    return HSE_STATUS_PENDING;
}

BOOL WINAPI TerminateExtension(DWORD dwFlags)
{
    (void)dwFlags;
    return TRUE;
}
