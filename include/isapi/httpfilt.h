/*
 * httpfilt.h - the IIS ISAPI filter interface for filters built against isapi-fcgi on Linux.
 *
 * Filter source written for IIS compiles against this header unchanged: every type, structure,
 * enumeration, constant and entry point of the Windows SDK's httpfilt.h is here, laid out as on
 * x86_64 Windows (HTTP_FILTER_CONTEXT is 72 bytes, HTTP_FILTER_VERSION 272). tests/abi compares
 * every size, offset and value with mingw-w64's httpfilt.h compiled by x86_64-w64-mingw32-gcc.
 *
 * This header and the libraries extensions link are licensed so that filters and extensions
 * built against them may use any licence (see LICENSE and docs/porting.md).
 *
 * Linux additions, all outside the Windows names: the entry points (and DllMain) have default
 * visibility and C linkage, as httpext.h's do, so a filter built with -fvisibility=hidden still
 * exports exactly them.
 */
#ifndef ISAPI_HTTPFILT_H
#define ISAPI_HTTPFILT_H

#if defined(_WIN32)
#if defined(__GNUC__)
#include_next <httpfilt.h>
#else
#error "on Windows, use the Windows SDK's httpfilt.h instead of isapi-fcgi's include/isapi"
#endif
#else

#include "windef_subset.h"

/* Entry points a filter defines and the host looks up with dlsym (as in httpext.h). */
#ifndef ISAPI_EXTENSION_API
#define ISAPI_EXTENSION_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- versions and sizes -------------------------------------------------------------------- */
/* HIWORD = major, LOWORD = minor: filter interface 6.0, as IIS 6 and later report. */
#define HTTP_FILTER_REVISION MAKELONG(0, 6)

#define SF_MAX_USERNAME (256 + 1)
#define SF_MAX_PASSWORD (256 + 1)
#define SF_MAX_AUTH_TYPE (32 + 1)
#define SF_MAX_FILTER_DESC_LEN (256 + 1)

/* ---- HTTP_FILTER_CONTEXT.ServerSupportFunction request codes -------------------------------- */
enum SF_REQ_TYPE {
    SF_REQ_SEND_RESPONSE_HEADER,
    SF_REQ_ADD_HEADERS_ON_DENIAL,
    SF_REQ_SET_NEXT_READ_SIZE,
    SF_REQ_SET_PROXY_INFO,
    SF_REQ_GET_CONNID,
    SF_REQ_SET_CERTIFICATE_INFO,
    SF_REQ_GET_PROPERTY,
    SF_REQ_NORMALIZE_URL,
    SF_REQ_DISABLE_NOTIFICATIONS
};

/* SF_REQ_GET_PROPERTY selectors. */
enum SF_PROPERTY_IIS {
    SF_PROPERTY_SSL_CTXT,
    SF_PROPERTY_INSTANCE_NUM_ID
};

/* ---- HttpFilterProc return values ----------------------------------------------------------- */
enum SF_STATUS_TYPE {
    SF_STATUS_REQ_FINISHED = 0x8000000,
    SF_STATUS_REQ_FINISHED_KEEP_CONN,
    SF_STATUS_REQ_NEXT_NOTIFICATION,
    SF_STATUS_REQ_HANDLED_NOTIFICATION,
    SF_STATUS_REQ_ERROR,
    SF_STATUS_REQ_READ_NEXT
};

/* ---- the per-connection context every notification receives ---------------------------------- */
typedef struct _HTTP_FILTER_CONTEXT {
    DWORD cbSize;
    DWORD Revision;
    PVOID ServerContext;
    DWORD ulReserved;
    BOOL fIsSecurePort;
    /* The filter's own pointer: kept by the host for the whole connection. */
    PVOID pFilterContext;
    BOOL (WINAPI *GetServerVariable)(struct _HTTP_FILTER_CONTEXT *pfc, LPSTR lpszVariableName,
                                     LPVOID lpvBuffer, LPDWORD lpdwSize);
    BOOL (WINAPI *AddResponseHeaders)(struct _HTTP_FILTER_CONTEXT *pfc, LPSTR lpszHeaders,
                                      DWORD dwReserved);
    BOOL (WINAPI *WriteClient)(struct _HTTP_FILTER_CONTEXT *pfc, LPVOID Buffer,
                               LPDWORD lpdwBytes, DWORD dwReserved);
    /* Memory freed by the host when the connection ends. */
    VOID *(WINAPI *AllocMem)(struct _HTTP_FILTER_CONTEXT *pfc, DWORD cbSize, DWORD dwReserved);
    BOOL (WINAPI *ServerSupportFunction)(struct _HTTP_FILTER_CONTEXT *pfc, enum SF_REQ_TYPE sfReq,
                                         PVOID pData, ULONG_PTR ul1, ULONG_PTR ul2);
} HTTP_FILTER_CONTEXT, *PHTTP_FILTER_CONTEXT;

/* ---- notification payloads ------------------------------------------------------------------ */
/* SF_NOTIFY_READ_RAW_DATA and SF_NOTIFY_SEND_RAW_DATA. */
typedef struct _HTTP_FILTER_RAW_DATA {
    PVOID pvInData;
    DWORD cbInData;
    DWORD cbInBuffer;
    DWORD dwReserved;
} HTTP_FILTER_RAW_DATA, *PHTTP_FILTER_RAW_DATA;

/* SF_NOTIFY_PREPROC_HEADERS; the same shape serves SF_NOTIFY_SEND_RESPONSE. GetHeader takes the
 * header name with its colon ("Host:") and the pseudo-headers "method", "url" and "version". */
typedef struct _HTTP_FILTER_PREPROC_HEADERS {
    BOOL (WINAPI *GetHeader)(struct _HTTP_FILTER_CONTEXT *pfc, LPSTR lpszName, LPVOID lpvBuffer,
                             LPDWORD lpdwSize);
    BOOL (WINAPI *SetHeader)(struct _HTTP_FILTER_CONTEXT *pfc, LPSTR lpszName, LPSTR lpszValue);
    BOOL (WINAPI *AddHeader)(struct _HTTP_FILTER_CONTEXT *pfc, LPSTR lpszName, LPSTR lpszValue);
    DWORD HttpStatus;
    DWORD dwReserved;
} HTTP_FILTER_PREPROC_HEADERS, *PHTTP_FILTER_PREPROC_HEADERS;

typedef HTTP_FILTER_PREPROC_HEADERS HTTP_FILTER_SEND_RESPONSE;
typedef HTTP_FILTER_PREPROC_HEADERS *PHTTP_FILTER_SEND_RESPONSE;

/* SF_NOTIFY_AUTHENTICATION: buffers of at least SF_MAX_USERNAME / SF_MAX_PASSWORD bytes. */
typedef struct _HTTP_FILTER_AUTHENT {
    CHAR *pszUser;
    DWORD cbUserBuff;
    CHAR *pszPassword;
    DWORD cbPasswordBuff;
} HTTP_FILTER_AUTHENT, *PHTTP_FILTER_AUTHENT;

/* SF_NOTIFY_URL_MAP. */
typedef struct _HTTP_FILTER_URL_MAP {
    const CHAR *pszURL;
    CHAR *pszPhysicalPath;
    DWORD cbPathBuff;
} HTTP_FILTER_URL_MAP, *PHTTP_FILTER_URL_MAP;

typedef struct _HTTP_FILTER_URL_MAP_EX {
    const CHAR *pszURL;
    CHAR *pszPhysicalPath;
    DWORD cbPathBuff;
    DWORD dwFlags;
    DWORD cchMatchingPath;
    DWORD cchMatchingURL;
    const CHAR *pszScriptMapEntry;
} HTTP_FILTER_URL_MAP_EX, *PHTTP_FILTER_URL_MAP_EX;

/* SF_NOTIFY_ACCESS_DENIED reasons. */
#define SF_DENIED_LOGON 0x00000001
#define SF_DENIED_RESOURCE 0x00000002
#define SF_DENIED_FILTER 0x00000004
#define SF_DENIED_APPLICATION 0x00000008
#define SF_DENIED_BY_CONFIG 0x00010000

typedef struct _HTTP_FILTER_ACCESS_DENIED {
    const CHAR *pszURL;
    const CHAR *pszPhysicalPath;
    DWORD dwReason;
} HTTP_FILTER_ACCESS_DENIED, *PHTTP_FILTER_ACCESS_DENIED;

/* SF_NOTIFY_LOG: the filter may point any field at its own (AllocMem) strings. */
typedef struct _HTTP_FILTER_LOG {
    const CHAR *pszClientHostName;
    const CHAR *pszClientUserName;
    const CHAR *pszServerName;
    const CHAR *pszOperation;
    const CHAR *pszTarget;
    const CHAR *pszParameters;
    DWORD dwHttpStatus;
    DWORD dwWin32Status;
    DWORD dwBytesSent;
    DWORD dwBytesRecvd;
    DWORD msTimeForProcessing;
} HTTP_FILTER_LOG, *PHTTP_FILTER_LOG;

/* SF_NOTIFY_AUTH_COMPLETE. */
typedef struct _HTTP_FILTER_AUTH_COMPLETE_INFO {
    BOOL (WINAPI *GetHeader)(struct _HTTP_FILTER_CONTEXT *pfc, LPSTR lpszName, LPVOID lpvBuffer,
                             LPDWORD lpdwSize);
    BOOL (WINAPI *SetHeader)(struct _HTTP_FILTER_CONTEXT *pfc, LPSTR lpszName, LPSTR lpszValue);
    BOOL (WINAPI *AddHeader)(struct _HTTP_FILTER_CONTEXT *pfc, LPSTR lpszName, LPSTR lpszValue);
    BOOL (WINAPI *GetUserToken)(struct _HTTP_FILTER_CONTEXT *pfc, HANDLE *phToken);
    DWORD HttpStatus;
    BOOL fResetAuth;
    DWORD dwReserved;
} HTTP_FILTER_AUTH_COMPLETE_INFO, *PHTTP_FILTER_AUTH_COMPLETE_INFO;

/* ---- notification flags (HTTP_FILTER_VERSION.dwFlags, HttpFilterProc's NotificationType) ---- */
#define SF_NOTIFY_SECURE_PORT 0x00000001
#define SF_NOTIFY_NONSECURE_PORT 0x00000002

#define SF_NOTIFY_READ_RAW_DATA 0x00008000
#define SF_NOTIFY_PREPROC_HEADERS 0x00004000
#define SF_NOTIFY_AUTHENTICATION 0x00002000
#define SF_NOTIFY_URL_MAP 0x00001000
#define SF_NOTIFY_ACCESS_DENIED 0x00000800
#define SF_NOTIFY_SEND_RESPONSE 0x00000040
#define SF_NOTIFY_SEND_RAW_DATA 0x00000400
#define SF_NOTIFY_LOG 0x00000200
#define SF_NOTIFY_END_OF_REQUEST 0x00000080
#define SF_NOTIFY_END_OF_NET_SESSION 0x00000100
#define SF_NOTIFY_AUTH_COMPLETE 0x04000000

/* Priority among a site's filters: high first; a filter naming none gets the default (low). */
#define SF_NOTIFY_ORDER_HIGH 0x00080000
#define SF_NOTIFY_ORDER_MEDIUM 0x00040000
#define SF_NOTIFY_ORDER_LOW 0x00020000
#define SF_NOTIFY_ORDER_DEFAULT SF_NOTIFY_ORDER_LOW
#define SF_NOTIFY_ORDER_MASK \
    (SF_NOTIFY_ORDER_HIGH | SF_NOTIFY_ORDER_MEDIUM | SF_NOTIFY_ORDER_LOW)

/* ---- GetFilterVersion ----------------------------------------------------------------------- */
typedef struct _HTTP_FILTER_VERSION {
    DWORD dwServerFilterVersion;
    DWORD dwFilterVersion;
    CHAR lpszFilterDesc[SF_MAX_FILTER_DESC_LEN];
    DWORD dwFlags;
} HTTP_FILTER_VERSION, *PHTTP_FILTER_VERSION;

/* ---- entry points ------------------------------------------------------------------------------ */
ISAPI_EXTENSION_API DWORD WINAPI HttpFilterProc(HTTP_FILTER_CONTEXT *pfc, DWORD NotificationType,
                                                VOID *pvNotification);
ISAPI_EXTENSION_API BOOL WINAPI GetFilterVersion(HTTP_FILTER_VERSION *pVer);
ISAPI_EXTENSION_API BOOL WINAPI TerminateFilter(DWORD dwFlags);

/* Optional, as for extensions (httpext.h declares the same prototype). */
ISAPI_EXTENSION_API BOOL WINAPI DllMain(HANDLE hinstDLL, DWORD fdwReason, LPVOID lpvReserved);

/* ---- the layout IIS code was written for -------------------------------------------------------- */
#if defined(__cplusplus)
#define ISAPI_FILTER_LAYOUT_CHECK_(cond, name) static_assert(cond, #name)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define ISAPI_FILTER_LAYOUT_CHECK_(cond, name) _Static_assert(cond, #name)
#else
#define ISAPI_FILTER_LAYOUT_CHECK_(cond, name) typedef char name[(cond) ? 1 : -1]
#endif
ISAPI_FILTER_LAYOUT_CHECK_(sizeof(void *) != 8 || sizeof(HTTP_FILTER_CONTEXT) == 72,
                           isapi_check_filter_context_size);
ISAPI_FILTER_LAYOUT_CHECK_(sizeof(void *) != 8
                               || offsetof(HTTP_FILTER_CONTEXT, pFilterContext) == 24,
                           isapi_check_filter_context_pfiltercontext);
ISAPI_FILTER_LAYOUT_CHECK_(sizeof(HTTP_FILTER_VERSION) == 272, isapi_check_filter_version_size);

#ifdef __cplusplus
}
#endif

#endif /* !_WIN32 */
#endif /* ISAPI_HTTPFILT_H */
