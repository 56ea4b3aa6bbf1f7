/*
 * redirect - answers with a 302 through HSE_REQ_SEND_URL_REDIRECT_RESP.
 *
 * The target is the query string's url= parameter (percent-decoded), for example
 * /scripts/redirect.dll?url=%2Fscripts%2Fhello.dll, or "/" without one.  A target containing
 * CR or LF is refused with HSE_STATUS_ERROR.  (An open redirect: fine for an example, not for
 * production code.)
 */
#include <windows.h>
#include <httpext.h>

#include <stdlib.h>
#include <string.h>

static int HexValue(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* Copies the percent-decoded value of `url=` into a new string, or returns "/" copied. */
static char *TargetFromQuery(const char *pszQuery)
{
    const char *pszPair = pszQuery;
    while (*pszPair != '\0') {
        size_t cchPair = strcspn(pszPair, "&");
        if (cchPair > 4 && strncmp(pszPair, "url=", 4) == 0) {
            char *pszOut = (char *)malloc(cchPair - 3);
            size_t i, o = 0;
            if (pszOut == NULL) {
                return NULL;
            }
            for (i = 4; i < cchPair; ++i) {
                if (pszPair[i] == '%' && i + 2 < cchPair && HexValue(pszPair[i + 1]) >= 0 &&
                    HexValue(pszPair[i + 2]) >= 0) {
                    pszOut[o++] = (char)(HexValue(pszPair[i + 1]) * 16 + HexValue(pszPair[i + 2]));
                    i += 2;
                } else {
                    pszOut[o++] = pszPair[i];
                }
            }
            pszOut[o] = '\0';
            return pszOut;
        }
        pszPair += cchPair;
        if (*pszPair == '&') {
            ++pszPair;
        }
    }
    {
        char *pszRoot = (char *)malloc(2);
        if (pszRoot != NULL) {
            strcpy(pszRoot, "/");
        }
        return pszRoot;
    }
}

BOOL WINAPI GetExtensionVersion(HSE_VERSION_INFO *pVer)
{
    pVer->dwExtensionVersion = HSE_VERSION;
    strncpy(pVer->lpszExtensionDesc, "redirect: HSE_REQ_SEND_URL_REDIRECT_RESP example",
            HSE_MAX_EXT_DLL_NAME_LEN - 1);
    pVer->lpszExtensionDesc[HSE_MAX_EXT_DLL_NAME_LEN - 1] = '\0';
    return TRUE;
}

DWORD WINAPI HttpExtensionProc(EXTENSION_CONTROL_BLOCK *pECB)
{
    char *pszTarget = TargetFromQuery(pECB->lpszQueryString);
    DWORD cchTarget;
    BOOL fOk;

    if (pszTarget == NULL) {
        return HSE_STATUS_ERROR;
    }
    if (strpbrk(pszTarget, "\r\n") != NULL || pszTarget[0] == '\0') {
        free(pszTarget);
        return HSE_STATUS_ERROR;
    }
    cchTarget = (DWORD)strlen(pszTarget);
    fOk = pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_SEND_URL_REDIRECT_RESP, pszTarget,
                                      &cchTarget, NULL);
    free(pszTarget);
    pECB->dwHttpStatusCode = 302;
    return fOk ? HSE_STATUS_SUCCESS : HSE_STATUS_ERROR;
}

BOOL WINAPI TerminateExtension(DWORD dwFlags)
{
    (void)dwFlags;
    return TRUE;
}
