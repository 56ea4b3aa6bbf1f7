/*
 * Uses the include/isapi headers the way extension code does, in a file that is valid C99 and
 * C++: header_warnings.cmake compiles it with several compilers and standards at -Werror, so a
 * header (or a macro's expansion) that warns fails the test.
 */
#include <windows.h>
#include <httpext.h>
#include <httpfilt.h>
#include <isapi_runtime.h>

#include <stdio.h>
#include <string.h>

static const DWORD g_version = HSE_VERSION;
static const DWORD g_filter_revision = HTTP_FILTER_REVISION;
static const DWORD g_filter_flags = SF_NOTIFY_ORDER_DEFAULT | SF_NOTIFY_PREPROC_HEADERS | SF_NOTIFY_NONSECURE_PORT;
static const WORD g_word = MAKEWORD(1, 2);
static const BYTE g_low = LOBYTE(0x1234);
static const BYTE g_high = HIBYTE(0x1234);

__declspec(dllexport) int exported_helper(int value);
int exported_helper(int value)
{
    return value + 1;
}

static const char *describe_error(DWORD code)
{
    switch (code) {
    case ERROR_SUCCESS: return "success";
    case ERROR_INVALID_PARAMETER: return "invalid parameter";
    case ERROR_INSUFFICIENT_BUFFER: return "insufficient buffer";
    case ERROR_INVALID_INDEX: return "invalid index";
    default: return "other";
    }
}

BOOL APIENTRY DllMain(HINSTANCE hinstDLL, DWORD fdwReason, LPVOID lpvReserved)
{
    return hinstDLL != NULL && fdwReason <= DLL_THREAD_DETACH && lpvReserved == NULL;
}

BOOL WINAPI GetExtensionVersion(HSE_VERSION_INFO *pVer)
{
    pVer->dwExtensionVersion = g_version;
    strncpy(pVer->lpszExtensionDesc, TEXT("header use"), HSE_MAX_EXT_DLL_NAME_LEN - 1);
    return HIWORD(pVer->dwExtensionVersion) == HSE_VERSION_MAJOR
           && LOWORD(pVer->dwExtensionVersion) == HSE_VERSION_MINOR;
}

DWORD WINAPI HttpExtensionProc(EXTENSION_CONTROL_BLOCK *pECB)
{
    char szBuffer[MAX_PATH];
    DWORD cbBuffer = sizeof(szBuffer);
    HSE_SEND_HEADER_EX_INFO header;
    HANDLE hFile = isapi_handle_from_fd(0);
    HRESULT hr = E_FAIL;
    LONG lValue = MAKELONG(g_low, g_high);

    memset(&header, 0, sizeof(header));
    header.pszStatus = "200 OK";
    header.fKeepConn = FALSE;
    if (!pECB->GetServerVariable(pECB->ConnID, szBuffer, szBuffer, &cbBuffer)) {
        isapi_log(ISAPI_LOG_WARN, "%s: %s", szBuffer, describe_error(GetLastError()));
    }
    if (hFile == INVALID_HANDLE_VALUE || FAILED(hr) || !SUCCEEDED(S_OK) || lValue == 0
        || g_word == 0) {
        SetLastError(ERROR_INVALID_HANDLE);
    }
    isapi_handle_release(hFile);
    return pECB->ServerSupportFunction(pECB->ConnID, HSE_REQ_SEND_RESPONSE_HEADER_EX, &header,
                                       NULL, NULL)
               ? HSE_STATUS_SUCCESS
               : HSE_STATUS_ERROR;
}

BOOL WINAPI TerminateExtension(DWORD dwFlags)
{
    return dwFlags == HSE_TERM_MUST_UNLOAD || dwFlags == HSE_TERM_ADVISORY_UNLOAD;
}

/* A filter in the same module, as connector DLLs ship both halves. */
BOOL WINAPI GetFilterVersion(HTTP_FILTER_VERSION *pVer)
{
    pVer->dwFilterVersion = g_filter_revision;
    pVer->dwFlags = g_filter_flags;
    strncpy(pVer->lpszFilterDesc, "header use filter", SF_MAX_FILTER_DESC_LEN - 1);
    return HIWORD(pVer->dwServerFilterVersion) >= 4;
}

DWORD WINAPI HttpFilterProc(HTTP_FILTER_CONTEXT *pfc, DWORD NotificationType, VOID *pvNotification)
{
    char szName[] = "url";
    char szUrl[SF_MAX_USERNAME];
    DWORD cbUrl = sizeof(szUrl);
    if (NotificationType == SF_NOTIFY_PREPROC_HEADERS) {
        PHTTP_FILTER_PREPROC_HEADERS pHeaders;
        memcpy(&pHeaders, &pvNotification, sizeof(pHeaders)); /* no cast: valid C and C++ */
        if (!pHeaders->GetHeader(pfc, szName, szUrl, &cbUrl)) {
            return SF_STATUS_REQ_ERROR;
        }
        if (pfc->pFilterContext == NULL) {
            pfc->pFilterContext = pfc->AllocMem(pfc, 4, 0);
        }
        return pfc->ServerSupportFunction(pfc, SF_REQ_DISABLE_NOTIFICATIONS, NULL,
                                          SF_NOTIFY_PREPROC_HEADERS, 0)
                   ? SF_STATUS_REQ_NEXT_NOTIFICATION
                   : SF_STATUS_REQ_HANDLED_NOTIFICATION;
    }
    return SF_STATUS_REQ_NEXT_NOTIFICATION;
}

BOOL WINAPI TerminateFilter(DWORD dwFlags)
{
    return dwFlags == HSE_TERM_MUST_UNLOAD;
}
