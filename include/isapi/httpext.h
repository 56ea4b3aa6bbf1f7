/*
 * httpext.h - the IIS 6 ISAPI extension interface for extensions hosted by isapi-fcgi on Linux.
 *
 * Extension source written for IIS compiles against this header unchanged: every type,
 * structure, constant and function-pointer typedef of the Windows SDK's httpext.h is here, laid
 * out as on x86_64 Windows (EXTENSION_CONTROL_BLOCK is 192 bytes, lpszMethod at offset 104).
 * tests/abi compares every size, offset and value with mingw-w64's httpext.h compiled by
 * x86_64-w64-mingw32-gcc.
 *
 * Linux additions, all outside the Windows names:
 *  - the entry points (and DllMain) are declared with default visibility, so an extension
 *    built with -fvisibility=hidden still exports exactly them, with C linkage even when the
 *    defining file is C++ and does not say extern "C" (as on Windows);
 *  - a compile-time check that the ECB layout is the Windows one.
 *
 * SPDX-License-Identifier: Apache-2.0. Extensions that include the isapi-fcgi headers or link
 * libisapi-runtime / libisapi-win32 may use any licence, proprietary ones included (see LICENSE
 * and docs/porting.md).
 */
#ifndef ISAPI_HTTPEXT_H
#define ISAPI_HTTPEXT_H

#if defined(_WIN32)
#if defined(__GNUC__)
#include_next <httpext.h>
#else
#error "on Windows, use the Windows SDK's httpext.h instead of isapi-fcgi's include/isapi"
#endif
#else

/* As the SDK's httpext.h, this pulls in <windows.h>: the full compatibility header when
 * include/isapi/win32 is on the include path, else the base-types subset next to this file. */
#if defined(__has_include)
#if __has_include(<windows.h>)
#include <windows.h>
#else
#include "windows.h"
#endif
#else
#include "windows.h"
#endif
#include "windef_subset.h"

/* Entry points an extension defines and the host looks up with dlsym. */
#define ISAPI_EXTENSION_API __attribute__((visibility("default")))

#ifdef __cplusplus
extern "C" {
#endif

/* ---- versions and sizes -------------------------------------------------------------------- */
#define HSE_VERSION_MAJOR 6
#define HSE_VERSION_MINOR 0
#define HSE_LOG_BUFFER_LEN 80
#define HSE_MAX_EXT_DLL_NAME_LEN 256

/* HIWORD = major, LOWORD = minor; the host uses the same encoding for ECB.dwVersion. */
#define HSE_VERSION MAKELONG(HSE_VERSION_MINOR, HSE_VERSION_MAJOR)

/* ---- HttpExtensionProc return values ------------------------------------------------------- */
#define HSE_STATUS_SUCCESS 1
#define HSE_STATUS_SUCCESS_AND_KEEP_CONN 2
#define HSE_STATUS_PENDING 3
#define HSE_STATUS_ERROR 4

/* ---- ServerSupportFunction request codes --------------------------------------------------- */
#define HSE_REQ_BASE 0
#define HSE_REQ_SEND_URL_REDIRECT_RESP (HSE_REQ_BASE + 1)
#define HSE_REQ_SEND_URL (HSE_REQ_BASE + 2)
#define HSE_REQ_SEND_RESPONSE_HEADER (HSE_REQ_BASE + 3)
#define HSE_REQ_DONE_WITH_SESSION (HSE_REQ_BASE + 4)
#define HSE_REQ_END_RESERVED 1000

#define HSE_REQ_MAP_URL_TO_PATH (HSE_REQ_END_RESERVED + 1)
#define HSE_REQ_GET_SSPI_INFO (HSE_REQ_END_RESERVED + 2)
#define HSE_APPEND_LOG_PARAMETER (HSE_REQ_END_RESERVED + 3)
#define HSE_REQ_IO_COMPLETION (HSE_REQ_END_RESERVED + 5)
#define HSE_REQ_TRANSMIT_FILE (HSE_REQ_END_RESERVED + 6)
#define HSE_REQ_REFRESH_ISAPI_ACL (HSE_REQ_END_RESERVED + 7)
#define HSE_REQ_IS_KEEP_CONN (HSE_REQ_END_RESERVED + 8)
#define HSE_REQ_ASYNC_READ_CLIENT (HSE_REQ_END_RESERVED + 10)
#define HSE_REQ_GET_IMPERSONATION_TOKEN (HSE_REQ_END_RESERVED + 11)
#define HSE_REQ_MAP_URL_TO_PATH_EX (HSE_REQ_END_RESERVED + 12)
#define HSE_REQ_ABORTIVE_CLOSE (HSE_REQ_END_RESERVED + 14)
#define HSE_REQ_GET_CERT_INFO_EX (HSE_REQ_END_RESERVED + 15)
#define HSE_REQ_SEND_RESPONSE_HEADER_EX (HSE_REQ_END_RESERVED + 16)
#define HSE_REQ_CLOSE_CONNECTION (HSE_REQ_END_RESERVED + 17)
#define HSE_REQ_IS_CONNECTED (HSE_REQ_END_RESERVED + 18)
#define HSE_REQ_MAP_UNICODE_URL_TO_PATH (HSE_REQ_END_RESERVED + 23)
#define HSE_REQ_MAP_UNICODE_URL_TO_PATH_EX (HSE_REQ_END_RESERVED + 24)
#define HSE_REQ_EXEC_UNICODE_URL (HSE_REQ_END_RESERVED + 25)
#define HSE_REQ_EXEC_URL (HSE_REQ_END_RESERVED + 26)
#define HSE_REQ_GET_EXEC_URL_STATUS (HSE_REQ_END_RESERVED + 27)
#define HSE_REQ_SEND_CUSTOM_ERROR (HSE_REQ_END_RESERVED + 28)
#define HSE_REQ_IS_IN_PROCESS (HSE_REQ_END_RESERVED + 30)
#define HSE_REQ_REPORT_UNHEALTHY (HSE_REQ_END_RESERVED + 32)
#define HSE_REQ_NORMALIZE_URL (HSE_REQ_END_RESERVED + 33)
#define HSE_REQ_VECTOR_SEND (HSE_REQ_END_RESERVED + 37)
#define HSE_REQ_GET_ANONYMOUS_TOKEN (HSE_REQ_END_RESERVED + 38)
#define HSE_REQ_GET_CACHE_INVALIDATION_CALLBACK (HSE_REQ_END_RESERVED + 40)
#define HSE_REQ_GET_UNICODE_ANONYMOUS_TOKEN (HSE_REQ_END_RESERVED + 41)
#define HSE_REQ_GET_TRACE_INFO (HSE_REQ_END_RESERVED + 42)
#define HSE_REQ_SET_FLUSH_FLAG (HSE_REQ_END_RESERVED + 43)
#define HSE_REQ_GET_TRACE_INFO_EX (HSE_REQ_END_RESERVED + 44)
#define HSE_REQ_RAISE_TRACE_EVENT (HSE_REQ_END_RESERVED + 45)
#define HSE_REQ_GET_CONFIG_OBJECT (HSE_REQ_END_RESERVED + 46)
#define HSE_REQ_GET_WORKER_PROCESS_SETTINGS (HSE_REQ_END_RESERVED + 47)
#define HSE_REQ_GET_PROTOCOL_MANAGER_CUSTOM_INTERFACE_CALLBACK (HSE_REQ_END_RESERVED + 48)
#define HSE_REQ_CANCEL_IO (HSE_REQ_END_RESERVED + 49)
#define HSE_REQ_GET_CHANNEL_BINDING_TOKEN (HSE_REQ_END_RESERVED + 50)

/* ---- TerminateExtension flags (Apache's mod_isapi.h has these two swapped) ----------------- */
#define HSE_TERM_ADVISORY_UNLOAD 0x00000001
#define HSE_TERM_MUST_UNLOAD 0x00000002

/* ---- I/O flags: WriteClient dwReserved, HSE_TF_INFO / HSE_RESPONSE_VECTOR dwFlags ---------- */
#define HSE_IO_SYNC 0x00000001
#define HSE_IO_ASYNC 0x00000002
#define HSE_IO_DISCONNECT_AFTER_SEND 0x00000004
#define HSE_IO_SEND_HEADERS 0x00000008
#define HSE_IO_NODELAY 0x00001000
#define HSE_IO_FINAL_SEND 0x00000010
#define HSE_IO_CACHE_RESPONSE 0x00000020
#define HSE_IO_TRY_SKIP_CUSTOM_ERRORS 0x00000040

/* ---- the request ------------------------------------------------------------------------------ */

/* Opaque per-request handle chosen by the host; extensions pass it back unchanged. */
typedef LPVOID HCONN;

typedef struct _HSE_VERSION_INFO {
    DWORD dwExtensionVersion;
    CHAR lpszExtensionDesc[HSE_MAX_EXT_DLL_NAME_LEN];
} HSE_VERSION_INFO, *LPHSE_VERSION_INFO;

/* 192 bytes on x86-64; cbSize holds the host's sizeof.  Four bytes of padding follow
 * lpszLogData, which is not NUL-terminated when an extension fills all 80 bytes. */
typedef struct _EXTENSION_CONTROL_BLOCK {
    DWORD cbSize;
    DWORD dwVersion;
    HCONN ConnID;
    DWORD dwHttpStatusCode;
    CHAR lpszLogData[HSE_LOG_BUFFER_LEN];
    LPSTR lpszMethod;
    LPSTR lpszQueryString;
    LPSTR lpszPathInfo;
    LPSTR lpszPathTranslated;
    DWORD cbTotalBytes;
    DWORD cbAvailable;
    LPBYTE lpbData;
    LPSTR lpszContentType;
    BOOL (WINAPI *GetServerVariable)(HCONN hConn, LPSTR lpszVariableName, LPVOID lpvBuffer,
                                     LPDWORD lpdwSize);
    BOOL (WINAPI *WriteClient)(HCONN ConnID, LPVOID Buffer, LPDWORD lpdwBytes,
                               DWORD dwReserved);
    BOOL (WINAPI *ReadClient)(HCONN ConnID, LPVOID lpvBuffer, LPDWORD lpdwSize);
    BOOL (WINAPI *ServerSupportFunction)(HCONN hConn, DWORD dwHSERequest, LPVOID lpvBuffer,
                                         LPDWORD lpdwSize, LPDWORD lpdwDataType);
} EXTENSION_CONTROL_BLOCK, *LPEXTENSION_CONTROL_BLOCK;

/* ---- HSE_REQ_MAP_URL_TO_PATH_EX ----------------------------------------------------------------- */
#define HSE_URL_FLAGS_READ 0x00000001
#define HSE_URL_FLAGS_WRITE 0x00000002
#define HSE_URL_FLAGS_EXECUTE 0x00000004
#define HSE_URL_FLAGS_SSL 0x00000008
#define HSE_URL_FLAGS_DONT_CACHE 0x00000010
#define HSE_URL_FLAGS_NEGO_CERT 0x00000020
#define HSE_URL_FLAGS_REQUIRE_CERT 0x00000040
#define HSE_URL_FLAGS_MAP_CERT 0x00000080
#define HSE_URL_FLAGS_SSL128 0x00000100
#define HSE_URL_FLAGS_SCRIPT 0x00000200
#define HSE_URL_FLAGS_MASK 0x000003ff

typedef struct _HSE_URL_MAPEX_INFO {
    CHAR lpszPath[MAX_PATH];
    DWORD dwFlags;
    DWORD cchMatchingPath;
    DWORD cchMatchingURL;
    DWORD dwReserved1;
    DWORD dwReserved2;
} HSE_URL_MAPEX_INFO, *LPHSE_URL_MAPEX_INFO;

/* 532 bytes: the SDK header has three DWORDs after the path (the IIS 6 web page shows five). */
typedef struct _HSE_UNICODE_URL_MAPEX_INFO {
    WCHAR lpszPath[MAX_PATH];
    DWORD dwFlags;
    DWORD cchMatchingPath;
    DWORD cchMatchingURL;
} HSE_UNICODE_URL_MAPEX_INFO, *LPHSE_UNICODE_URL_MAPEX_INFO;

/* ---- asynchronous I/O and TransmitFile ---------------------------------------------------------- */

/* Argument order is (cbIO, dwError). */
typedef VOID (WINAPI *PFN_HSE_IO_COMPLETION)(EXTENSION_CONTROL_BLOCK *pECB, PVOID pContext,
                                             DWORD cbIO, DWORD dwError);

/* hFile is a HANDLE from the runtime's table (isapi_runtime.h), not a bare file descriptor. */
typedef struct _HSE_TF_INFO {
    PFN_HSE_IO_COMPLETION pfnHseIO;
    PVOID pContext;
    HANDLE hFile;
    LPCSTR pszStatusCode;
    DWORD BytesToWrite;
    DWORD Offset;
    PVOID pHead;
    DWORD HeadLength;
    PVOID pTail;
    DWORD TailLength;
    DWORD dwFlags;
} HSE_TF_INFO, *LPHSE_TF_INFO;

typedef struct _HSE_SEND_HEADER_EX_INFO {
    LPCSTR pszStatus;
    LPCSTR pszHeader;
    DWORD cchStatus;
    DWORD cchHeader;
    BOOL fKeepConn;
} HSE_SEND_HEADER_EX_INFO, *LPHSE_SEND_HEADER_EX_INFO;

/* ---- HSE_REQ_EXEC_URL / HSE_REQ_EXEC_UNICODE_URL ----------------------------------------------- */
#define HSE_EXEC_URL_NO_HEADERS 0x02
#define HSE_EXEC_URL_IGNORE_CURRENT_INTERCEPTOR 0x04
#define HSE_EXEC_URL_IGNORE_VALIDATION_AND_RANGE 0x10
#define HSE_EXEC_URL_DISABLE_CUSTOM_ERROR 0x20
#define HSE_EXEC_URL_SSI_CMD 0x40
#define HSE_EXEC_URL_HTTP_CACHE_ELIGIBLE 0x80

typedef struct _HSE_EXEC_URL_USER_INFO {
    HANDLE hImpersonationToken;
    LPSTR pszCustomUserName;
    LPSTR pszCustomAuthType;
} HSE_EXEC_URL_USER_INFO, *LPHSE_EXEC_URL_USER_INFO;

typedef struct _HSE_EXEC_URL_ENTITY_INFO {
    DWORD cbAvailable;
    LPVOID lpbData;
} HSE_EXEC_URL_ENTITY_INFO, *LPHSE_EXEC_URL_ENTITY_INFO;

typedef struct _HSE_EXEC_URL_STATUS {
    USHORT uHttpStatusCode;
    USHORT uHttpSubStatus;
    DWORD dwWin32Error;
} HSE_EXEC_URL_STATUS, *LPHSE_EXEC_URL_STATUS;

typedef struct _HSE_EXEC_URL_INFO {
    LPSTR pszUrl;
    LPSTR pszMethod;
    LPSTR pszChildHeaders;
    LPHSE_EXEC_URL_USER_INFO pUserInfo;
    LPHSE_EXEC_URL_ENTITY_INFO pEntity;
    DWORD dwExecUrlFlags;
} HSE_EXEC_URL_INFO, *LPHSE_EXEC_URL_INFO;

typedef struct _HSE_EXEC_UNICODE_URL_USER_INFO {
    HANDLE hImpersonationToken;
    LPWSTR pszCustomUserName;
    LPSTR pszCustomAuthType;
} HSE_EXEC_UNICODE_URL_USER_INFO, *LPHSE_EXEC_UNICODE_URL_USER_INFO;

typedef struct _HSE_EXEC_UNICODE_URL_INFO {
    LPWSTR pszUrl;
    LPSTR pszMethod;
    LPSTR pszChildHeaders;
    LPHSE_EXEC_UNICODE_URL_USER_INFO pUserInfo;
    LPHSE_EXEC_URL_ENTITY_INFO pEntity;
    DWORD dwExecUrlFlags;
} HSE_EXEC_UNICODE_URL_INFO, *LPHSE_EXEC_UNICODE_URL_INFO;

/* ---- HSE_REQ_SEND_CUSTOM_ERROR ------------------------------------------------------------------ */
typedef struct _HSE_CUSTOM_ERROR_INFO {
    CHAR *pszStatus;
    USHORT uHttpSubError;
    BOOL fAsync;
} HSE_CUSTOM_ERROR_INFO, *LPHSE_CUSTOM_ERROR_INFO;

/* ---- HSE_REQ_VECTOR_SEND --------------------------------------------------------------------------- */
#define HSE_VECTOR_ELEMENT_TYPE_MEMORY_BUFFER 0
#define HSE_VECTOR_ELEMENT_TYPE_FILE_HANDLE 1

/* pvContext is the buffer, or for a file element a HANDLE from the runtime's table. */
typedef struct _HSE_VECTOR_ELEMENT {
    DWORD ElementType;
    PVOID pvContext;
    ULONGLONG cbOffset;
    ULONGLONG cbSize;
} HSE_VECTOR_ELEMENT, *LPHSE_VECTOR_ELEMENT;

typedef struct _HSE_RESPONSE_VECTOR {
    DWORD dwFlags;
    LPSTR pszStatus;
    LPSTR pszHeaders;
    DWORD nElementCount;
    LPHSE_VECTOR_ELEMENT lpElementArray;
} HSE_RESPONSE_VECTOR, *LPHSE_RESPONSE_VECTOR;

/* ---- HSE_REQ_GET_CACHE_INVALIDATION_CALLBACK ------------------------------------------------------- */
typedef HRESULT (WINAPI *PFN_HSE_CACHE_INVALIDATION_CALLBACK)(WCHAR *pszUrl);

/* ---- HSE_REQ_GET_CERT_INFO_EX: the part of <wincrypt.h> it needs ------------------------------------- */
typedef struct _CERT_INFO CERT_INFO, *PCERT_INFO; /* opaque here: only pointed to */
typedef void *HCERTSTORE;

typedef struct _CERT_CONTEXT {
    DWORD dwCertEncodingType;
    BYTE *pbCertEncoded;
    DWORD cbCertEncoded;
    PCERT_INFO pCertInfo;
    HCERTSTORE hCertStore;
} CERT_CONTEXT, *PCERT_CONTEXT;

typedef const CERT_CONTEXT *PCCERT_CONTEXT;

typedef struct _CERT_CONTEXT_EX {
    CERT_CONTEXT CertContext;
    DWORD cbAllocated;
    DWORD dwCertificateFlags;
} CERT_CONTEXT_EX;

/* ---- HSE_REQ_GET_TRACE_INFO -------------------------------------------------------------------------- */
typedef struct _HSE_TRACE_INFO {
    BOOL fTraceRequest;
    BYTE TraceContextId[16];
    DWORD dwReserved1;
    DWORD dwReserved2;
} HSE_TRACE_INFO, *LPHSE_TRACE_INFO;

/* IIS 7 WAS only; declared for completeness. */
typedef HRESULT (WINAPI *PFN_HSE_GET_PROTOCOL_MANAGER_CUSTOM_INTERFACE_CALLBACK)(
    LPCWSTR pszProtocolManagerDll, LPCWSTR pszProtocolManagerDllInitFunction,
    DWORD dwCustomInterfaceId, PVOID *ppCustomInterface);

/* ---- HSE_REQ_IS_IN_PROCESS results --------------------------------------------------------------- */
#define HSE_APP_FLAG_IN_PROCESS 0
#define HSE_APP_FLAG_ISOLATED_OOP 1
#define HSE_APP_FLAG_POOLED_OOP 2

/* ---- entry points -------------------------------------------------------------------------------- */
ISAPI_EXTENSION_API BOOL WINAPI GetExtensionVersion(HSE_VERSION_INFO *pVer);
ISAPI_EXTENSION_API DWORD WINAPI HttpExtensionProc(EXTENSION_CONTROL_BLOCK *pECB);
ISAPI_EXTENSION_API BOOL WINAPI TerminateExtension(DWORD dwFlags);

typedef BOOL (WINAPI *PFN_GETEXTENSIONVERSION)(HSE_VERSION_INFO *pVer);
typedef DWORD (WINAPI *PFN_HTTPEXTENSIONPROC)(EXTENSION_CONTROL_BLOCK *pECB);
typedef BOOL (WINAPI *PFN_TERMINATEEXTENSION)(DWORD dwFlags);

/*
 * Optional: called with DLL_PROCESS_ATTACH after loading (before GetExtensionVersion) and with
 * DLL_PROCESS_DETACH before unloading.  Windows declares it in <process.h> with a HANDLE first
 * parameter; HINSTANCE and HMODULE are the same type here, so any of the usual spellings
 * matches this declaration.
 */
ISAPI_EXTENSION_API BOOL WINAPI DllMain(HANDLE hinstDLL, DWORD fdwReason, LPVOID lpvReserved);

/* ---- the layout IIS code was written for -------------------------------------------------------- */
#if defined(__cplusplus)
#define ISAPI_LAYOUT_CHECK_(cond, name) static_assert(cond, #name)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define ISAPI_LAYOUT_CHECK_(cond, name) _Static_assert(cond, #name)
#else
#define ISAPI_LAYOUT_CHECK_(cond, name) typedef char name[(cond) ? 1 : -1]
#endif
ISAPI_LAYOUT_CHECK_(sizeof(DWORD) == 4 && sizeof(LONG) == 4 && sizeof(BOOL) == 4,
                    isapi_check_32bit_dword_long_bool);
ISAPI_LAYOUT_CHECK_(sizeof(WCHAR) == 2, isapi_check_16bit_wchar);
ISAPI_LAYOUT_CHECK_(sizeof(void *) != 8 || sizeof(EXTENSION_CONTROL_BLOCK) == 192,
                    isapi_check_ecb_size);
ISAPI_LAYOUT_CHECK_(sizeof(void *) != 8 || offsetof(EXTENSION_CONTROL_BLOCK, lpszMethod) == 104,
                    isapi_check_ecb_lpszmethod);
ISAPI_LAYOUT_CHECK_(sizeof(void *) != 8
                        || offsetof(EXTENSION_CONTROL_BLOCK, cbTotalBytes) == 136,
                    isapi_check_ecb_cbtotalbytes);

#ifdef __cplusplus
}
#endif

#endif /* !_WIN32 */
#endif /* ISAPI_HTTPEXT_H */
