#pragma once
// The functions HTTP_FILTER_CONTEXT and the header notifications point to. Each resolves its pfc
// through filter_session's registry: a stale or forged one, or a call outside a notification,
// gets FALSE with ERROR_INVALID_PARAMETER and a log line, never a crash.
#include <isapi/httpfilt.h>

namespace isapi_fcgi::filters {

struct filter_callbacks {
    static BOOL WINAPI get_server_variable(HTTP_FILTER_CONTEXT* pfc, LPSTR name, LPVOID buffer, LPDWORD size);
    static BOOL WINAPI add_response_headers(HTTP_FILTER_CONTEXT* pfc, LPSTR headers, DWORD reserved);
    static BOOL WINAPI write_client(HTTP_FILTER_CONTEXT* pfc, LPVOID buffer, LPDWORD bytes, DWORD reserved);
    static VOID* WINAPI alloc_mem(HTTP_FILTER_CONTEXT* pfc, DWORD size, DWORD reserved);
    static BOOL WINAPI server_support_function(HTTP_FILTER_CONTEXT* pfc, enum SF_REQ_TYPE request, PVOID data,
                                               ULONG_PTR ul1, ULONG_PTR ul2);
    // The request head of PREPROC_HEADERS and AUTH_COMPLETE.
    static BOOL WINAPI get_header(HTTP_FILTER_CONTEXT* pfc, LPSTR name, LPVOID buffer, LPDWORD size);
    static BOOL WINAPI set_header(HTTP_FILTER_CONTEXT* pfc, LPSTR name, LPSTR value);
    static BOOL WINAPI add_header(HTTP_FILTER_CONTEXT* pfc, LPSTR name, LPSTR value);
    /// AUTH_COMPLETE's GetUserToken: no Windows token exists here (ERROR_NOT_SUPPORTED).
    static BOOL WINAPI get_user_token(HTTP_FILTER_CONTEXT* pfc, HANDLE* token);
};

/// An HTTP_FILTER_AUTH_COMPLETE_INFO wired to the callbacks above (HttpStatus 0).
HTTP_FILTER_AUTH_COMPLETE_INFO auth_complete_notification() noexcept;
/// An HTTP_FILTER_PREPROC_HEADERS (or SEND_RESPONSE) wired to the callbacks above (HttpStatus 0).
HTTP_FILTER_PREPROC_HEADERS preproc_headers_notification() noexcept;

}  // namespace isapi_fcgi::filters
