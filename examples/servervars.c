/*
 * servervars - shows server variables, read with GetServerVariable's buffer protocol.
 *
 * Each variable is read as careful IIS code does: a first call with a small buffer; when it
 * fails with ERROR_INSUFFICIENT_BUFFER, *lpdwSize holds the size needed (including the NUL),
 * so the value is read again into a buffer of exactly that size.  A size that does not match
 * the value's length + 1 is reported, which makes this example a check of the host.
 *
 * Response (200, text/plain):
 *   without a query string:
 *       [ALL_HTTP]
 *       <the ALL_HTTP value as the host returns it>
 *       [VARIABLES]
 *       NAME=value          for each name in g_apszNames
 *   with ?var=NAME&var=NAME2 (names percent-decoded): only the [VARIABLES] section, for those.
 * A variable the host does not know is shown as NAME!error=<GetLastError()>, e.g. 1413
 * (ERROR_INVALID_INDEX); a size mismatch adds a line NAME!size=<reported>,<actual length + 1>.
 */
#include <windows.h>
#include <httpext.h>

#include <stdlib.h>
#include <string.h>

static const char *g_apszNames[] = {
    "REQUEST_METHOD", "QUERY_STRING", "CONTENT_LENGTH", "CONTENT_TYPE", "SCRIPT_NAME",
    "PATH_INFO", "PATH_TRANSLATED", "URL", "REMOTE_ADDR", "REMOTE_PORT", "REMOTE_HOST",
    "REMOTE_USER", "AUTH_TYPE", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL",
    "SERVER_SOFTWARE", "GATEWAY_INTERFACE", "HTTPS", "HTTP_HOST", "HTTP_USER_AGENT",
};

/* A growable output buffer: the response is built first, then sent with its length. */
typedef struct _OUTPUT {
    char *pch;
    size_t cch;
    size_t cchAlloc;
    BOOL fFailed;
} OUTPUT;

static void Append(OUTPUT *pOut, const char *pch, size_t cch)
{
    if (pOut->fFailed) {
        return;
    }
    if (pOut->cch + cch + 1 > pOut->cchAlloc) {
        size_t cchNew = pOut->cchAlloc ? pOut->cchAlloc : 1024;
        char *pchNew;
        while (cchNew < pOut->cch + cch + 1) {
            cchNew *= 2;
        }
        pchNew = (char *)realloc(pOut->pch, cchNew);
        if (pchNew == NULL) {
            pOut->fFailed = TRUE;
            return;
        }
        pOut->pch = pchNew;
        pOut->cchAlloc = cchNew;
    }
    memcpy(pOut->pch + pOut->cch, pch, cch);
    pOut->cch += cch;
    pOut->pch[pOut->cch] = '\0';
}

static void AppendString(OUTPUT *pOut, const char *psz)
{
    Append(pOut, psz, strlen(psz));
}

static void AppendNumber(OUTPUT *pOut, unsigned long ul)
{
    char sz[24];
    int i = (int)sizeof(sz) - 1;
    sz[i] = '\0';
    do {
        sz[--i] = (char)('0' + ul % 10);
        ul /= 10;
    } while (ul != 0);
    AppendString(pOut, sz + i);
}

static void ReportSizeMismatch(OUTPUT *pOut, const char *pszName, DWORD cbReported,
                               const char *pszValue)
{
    if (strlen(pszValue) + 1 == cbReported) {
        return;
    }
    AppendString(pOut, pszName);
    AppendString(pOut, "!size=");
    AppendNumber(pOut, cbReported);
    AppendString(pOut, ",");
    AppendNumber(pOut, (unsigned long)strlen(pszValue) + 1);
    AppendString(pOut, "\n");
}

/* Returns a malloc'ed value, or NULL with GetLastError() telling why. */
static char *ReadVariable(EXTENSION_CONTROL_BLOCK *pECB, const char *pszName, OUTPUT *pOut)
{
    char szSmall[16];
    DWORD cbSize = sizeof(szSmall);
    DWORD cbNeeded;
    char *pszValue;

    if (pECB->GetServerVariable(pECB->ConnID, (LPSTR)pszName, szSmall, &cbSize)) {
        if (cbSize > sizeof(szSmall)) {
            cbSize = sizeof(szSmall);
        }
        pszValue = (char *)malloc(cbSize + 1);
        if (pszValue == NULL) {
            SetLastError(ERROR_NOT_ENOUGH_MEMORY);
            return NULL;
        }
        memcpy(pszValue, szSmall, cbSize);
        pszValue[cbSize] = '\0';
        ReportSizeMismatch(pOut, pszName, cbSize, pszValue);
        return pszValue;
    }
    if (GetLastError() != ERROR_INSUFFICIENT_BUFFER) {
        return NULL;
    }
    cbNeeded = cbSize;
    pszValue = (char *)malloc((size_t)cbNeeded + 1);
    if (pszValue == NULL) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    if (!pECB->GetServerVariable(pECB->ConnID, (LPSTR)pszName, pszValue, &cbSize)) {
        free(pszValue);
        return NULL;
    }
    pszValue[cbNeeded] = '\0';
    ReportSizeMismatch(pOut, pszName, cbSize, pszValue);
    return pszValue;
}

static void ShowVariable(EXTENSION_CONTROL_BLOCK *pECB, const char *pszName, OUTPUT *pOut)
{
    char *pszValue = ReadVariable(pECB, pszName, pOut);
    AppendString(pOut, pszName);
    if (pszValue == NULL) {
        AppendString(pOut, "!error=");
        AppendNumber(pOut, GetLastError());
    } else {
        AppendString(pOut, "=");
        AppendString(pOut, pszValue);
        free(pszValue);
    }
    AppendString(pOut, "\n");
}

static int HexValue(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* Decodes %XX and '+' in place. */
static void UrlDecode(char *psz)
{
    char *pchOut = psz;
    for (; *psz; ++psz) {
        if (*psz == '%' && HexValue(psz[1]) >= 0 && HexValue(psz[2]) >= 0) {
            *pchOut++ = (char)(HexValue(psz[1]) * 16 + HexValue(psz[2]));
            psz += 2;
        } else {
            *pchOut++ = (*psz == '+') ? ' ' : *psz;
        }
    }
    *pchOut = '\0';
}

/* Shows each var=NAME of the query string; returns FALSE when there is none. */
static BOOL ShowRequested(EXTENSION_CONTROL_BLOCK *pECB, OUTPUT *pOut)
{
    BOOL fAny = FALSE;
    const char *pszPair = pECB->lpszQueryString;

    while (*pszPair != '\0') {
        size_t cchPair = strcspn(pszPair, "&");
        if (cchPair > 4 && strncmp(pszPair, "var=", 4) == 0) {
            char *pszName = (char *)malloc(cchPair - 3);
            if (pszName == NULL) {
                pOut->fFailed = TRUE;
                return TRUE;
            }
            memcpy(pszName, pszPair + 4, cchPair - 4);
            pszName[cchPair - 4] = '\0';
            UrlDecode(pszName);
            if (!fAny) {
                AppendString(pOut, "[VARIABLES]\n");
                fAny = TRUE;
            }
            ShowVariable(pECB, pszName, pOut);
            free(pszName);
        }
        pszPair += cchPair;
        if (*pszPair == '&') {
            ++pszPair;
        }
    }
    return fAny;
}

BOOL WINAPI GetExtensionVersion(HSE_VERSION_INFO *pVer)
{
    pVer->dwExtensionVersion = HSE_VERSION;
    strncpy(pVer->lpszExtensionDesc, "servervars: GetServerVariable viewer",
            HSE_MAX_EXT_DLL_NAME_LEN - 1);
    pVer->lpszExtensionDesc[HSE_MAX_EXT_DLL_NAME_LEN - 1] = '\0';
    return TRUE;
}

DWORD WINAPI HttpExtensionProc(EXTENSION_CONTROL_BLOCK *pECB)
{
    OUTPUT out = {NULL, 0, 0, FALSE};
    HSE_SEND_HEADER_EX_INFO hdr;
    char szHeaders[] = "Content-Type: text/plain; charset=utf-8\r\n\r\n";
    DWORD cbBody;
    BOOL fSent;

    if (!ShowRequested(pECB, &out)) {
        char *pszAllHttp = ReadVariable(pECB, "ALL_HTTP", &out);
        size_t i;
        AppendString(&out, "[ALL_HTTP]\n");
        if (pszAllHttp != NULL) {
            AppendString(&out, pszAllHttp);
            free(pszAllHttp);
        }
        AppendString(&out, "[VARIABLES]\n");
        for (i = 0; i < sizeof(g_apszNames) / sizeof(g_apszNames[0]); ++i) {
            ShowVariable(pECB, g_apszNames[i], &out);
        }
    }
    if (out.fFailed) {
        free(out.pch);
        return HSE_STATUS_ERROR;
    }

    hdr.pszStatus = "200 OK";
    hdr.cchStatus = (DWORD)strlen(hdr.pszStatus);
    hdr.pszHeader = szHeaders;
    hdr.cchHeader = (DWORD)strlen(szHeaders);
    hdr.fKeepConn = TRUE;
    fSent = pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_SEND_RESPONSE_HEADER_EX, &hdr,
                                        NULL, NULL);
    cbBody = (DWORD)out.cch;
    if (fSent && cbBody > 0) {
        fSent = pECB->WriteClient(pECB->ConnID, out.pch, &cbBody, HSE_IO_SYNC);
    }
    free(out.pch);
    pECB->dwHttpStatusCode = 200;
    return fSent ? HSE_STATUS_SUCCESS : HSE_STATUS_ERROR;
}

BOOL WINAPI TerminateExtension(DWORD dwFlags)
{
    (void)dwFlags;
    return TRUE;
}
