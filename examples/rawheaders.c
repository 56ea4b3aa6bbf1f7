/*
 * rawheaders - writes its own HTTP status line and headers with WriteClient, as many IIS
 * extensions do instead of calling HSE_REQ_SEND_RESPONSE_HEADER.  The host has to recognise
 * the "HTTP/1.1 NNN reason" block at the start of the output and translate it.
 *
 * Response: the status from ?status=NNN (three digits, default 200), headers
 * Content-Type: text/plain and X-Example: rawheaders, and the body "raw headers NNN\n".
 * The status line and headers and the body go out in two separate WriteClient calls.
 */
#include <windows.h>
#include <httpext.h>

#include <stdio.h>
#include <string.h>

static const char *ReasonPhrase(int nStatus)
{
    switch (nStatus) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 418: return "I'm a teapot";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

static int StatusFromQuery(const char *pszQuery)
{
    const char *psz = strstr(pszQuery, "status=");
    if (psz != NULL && (psz == pszQuery || psz[-1] == '&')) {
        psz += 7;
        if (psz[0] >= '1' && psz[0] <= '5' && psz[1] >= '0' && psz[1] <= '9' && psz[2] >= '0' &&
            psz[2] <= '9' && (psz[3] == '\0' || psz[3] == '&')) {
            return (psz[0] - '0') * 100 + (psz[1] - '0') * 10 + (psz[2] - '0');
        }
    }
    return 200;
}

BOOL WINAPI GetExtensionVersion(HSE_VERSION_INFO *pVer)
{
    pVer->dwExtensionVersion = HSE_VERSION;
    strncpy(pVer->lpszExtensionDesc, "rawheaders: status line written with WriteClient",
            HSE_MAX_EXT_DLL_NAME_LEN - 1);
    pVer->lpszExtensionDesc[HSE_MAX_EXT_DLL_NAME_LEN - 1] = '\0';
    return TRUE;
}

DWORD WINAPI HttpExtensionProc(EXTENSION_CONTROL_BLOCK *pECB)
{
    int nStatus = StatusFromQuery(pECB->lpszQueryString);
    char szHead[256];
    char szBody[64];
    DWORD cb;

    snprintf(szBody, sizeof(szBody), "raw headers %d\n", nStatus);
    snprintf(szHead, sizeof(szHead),
             "HTTP/1.1 %d %s\r\n"
             "Content-Type: text/plain\r\n"
             "X-Example: rawheaders\r\n"
             "Content-Length: %u\r\n"
             "\r\n",
             nStatus, ReasonPhrase(nStatus), (unsigned)strlen(szBody));

    cb = (DWORD)strlen(szHead);
    if (!pECB->WriteClient(pECB->ConnID, szHead, &cb, HSE_IO_SYNC)) {
        return HSE_STATUS_ERROR;
    }
    cb = (DWORD)strlen(szBody);
    if (!pECB->WriteClient(pECB->ConnID, szBody, &cb, HSE_IO_SYNC)) {
        return HSE_STATUS_ERROR;
    }
    pECB->dwHttpStatusCode = (DWORD)nStatus;
    return HSE_STATUS_SUCCESS;
}

BOOL WINAPI TerminateExtension(DWORD dwFlags)
{
    (void)dwFlags;
    return TRUE;
}
