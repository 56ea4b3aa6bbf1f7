#include "isapi/support_functions.hpp"

#include <cstring>
#include <memory>
#include <type_traits>
#include <string>

#include <isapi/isapi_runtime.h>

#include "isapi/http_status.hpp"
#include "isapi/isapi_request.hpp"
#include "isapi/normalize_url.hpp"
#include "isapi/send_job.hpp"
#include "win32/unicode.hpp"

namespace isapi_fcgi::isapi {
namespace {

BOOL fail(DWORD error) {
    SetLastError(error);
    return FALSE;
}

std::optional<std::string> copy_of(std::optional<std::string_view> text) {
    if (!text) return std::nullopt;
    return std::string(*text);
}

/// HSE_REQ_SEND_RESPONSE_HEADER: status in lpvBuffer (bounded by *lpdwSize when given), the
/// header text in the lpdwDataType slot.
BOOL send_response_header(isapi_request& r, LPVOID buffer, LPDWORD size, LPDWORD data_type) {
    return r.send_response_header("SEND_RESPONSE_HEADER",
                                  bounded_c_string(static_cast<const char*>(buffer), size ? *size : 0),
                                  bounded_c_string(reinterpret_cast<const char*>(data_type), 0));
}

BOOL send_response_header_ex(isapi_request& r, LPVOID buffer) {
    if (!buffer) return fail(ERROR_INVALID_PARAMETER);
    const auto* info = static_cast<const HSE_SEND_HEADER_EX_INFO*>(buffer);
    return r.send_response_header("SEND_RESPONSE_HEADER_EX", bounded_c_string(info->pszStatus, info->cchStatus),
                                  bounded_c_string(info->pszHeader, info->cchHeader));
}

/// SEND_URL_REDIRECT_RESP, and SEND_URL, which IIS 6 documents as the same 302 (and IIS 4 as
/// serving the local URL in place: the extension's send_url option).
BOOL send_redirect(isapi_request& r, LPVOID buffer, LPDWORD size, bool send_url) {
    const auto location = bounded_c_string(static_cast<const char*>(buffer), size ? *size : 0);
    if (!location || location->empty()) return fail(ERROR_INVALID_PARAMETER);
    return send_url ? r.send_url(*location) : r.send_redirect(*location);
}

BOOL send_custom_error(isapi_request& r, LPVOID buffer) {
    if (!buffer) return fail(ERROR_INVALID_PARAMETER);
    const auto& info = *static_cast<const HSE_CUSTOM_ERROR_INFO*>(buffer);
    const auto status = bounded_c_string(info.pszStatus, 0);
    if (!status || status->empty()) return fail(ERROR_INVALID_PARAMETER);
    // uHttpSubError selects among IIS's custom pages for one status; the front end has one.
    return r.send_custom_error(*status, info.fAsync != FALSE);
}

BOOL normalize_url(LPVOID buffer) {
    if (!buffer) return fail(ERROR_INVALID_PARAMETER);
    auto* text = static_cast<char*>(buffer);
    const auto normalized = isapi::normalize_url(text);
    if (!normalized) return fail(ERROR_INVALID_PARAMETER);
    // Never longer than the input, so it fits where the input was.
    std::memcpy(text, normalized->c_str(), normalized->size() + 1);
    return TRUE;
}

/// An optional C string as an owned copy.
std::optional<std::string> owned(const char* text) {
    if (!text) return std::nullopt;
    return std::string(text);
}

std::optional<std::string> owned_utf16(const WCHAR* text) {
    if (!text) return std::nullopt;
    return win32::utf16_to_utf8(std::u16string_view(reinterpret_cast<const char16_t*>(text)), false)
        .value_or(std::string());
}

/// EXEC_URL and EXEC_UNICODE_URL share everything but the URL's (and the user name's) encoding.
template <typename Info>
BOOL exec_url(isapi_request& r, LPVOID buffer) {
    if (!buffer) return fail(ERROR_INVALID_PARAMETER);
    const auto& info = *static_cast<const Info*>(buffer);
    exec_url_request child;
    if constexpr (std::is_same_v<Info, HSE_EXEC_UNICODE_URL_INFO>) child.url = owned_utf16(info.pszUrl);
    else child.url = owned(info.pszUrl);
    if (child.url && (child.url->empty() || child.url->front() != '/')) return fail(ERROR_INVALID_PARAMETER);
    child.method = owned(info.pszMethod);
    child.headers = owned(info.pszChildHeaders);
    if (info.pEntity) {
        if (info.pEntity->cbAvailable && !info.pEntity->lpbData) return fail(ERROR_INVALID_PARAMETER);
        child.entity = std::string(static_cast<const char*>(info.pEntity->lpbData), info.pEntity->cbAvailable);
    }
    if (info.pUserInfo) {
        // A custom user and auth type are IIS's way to run the child as someone else; there is no
        // impersonation token here to honour.
        if constexpr (std::is_same_v<Info, HSE_EXEC_UNICODE_URL_INFO>) child.user = owned_utf16(info.pUserInfo->pszCustomUserName);
        else child.user = owned(info.pUserInfo->pszCustomUserName);
        child.auth_type = owned(info.pUserInfo->pszCustomAuthType);
    }
    child.flags = info.dwExecUrlFlags;
    return r.exec_url(std::move(child));
}

HRESULT WINAPI invalidate_nothing(WCHAR*) { return 0; }  // S_OK: there is no kernel cache

BOOL transmit_file(isapi_request& r, LPVOID buffer) {
    if (!buffer) return fail(ERROR_INVALID_PARAMETER);
    const auto& tf = *static_cast<const HSE_TF_INFO*>(buffer);
    auto job = std::make_unique<send_job>();
    if (tf.dwFlags & HSE_IO_SEND_HEADERS) {
        job->headers = send_job::header_part{copy_of(bounded_c_string(tf.pszStatusCode, 0)),
                                             copy_of(bounded_c_string(static_cast<const char*>(tf.pHead),
                                                                      tf.HeadLength))};
    } else if (tf.pHead && tf.HeadLength) {
        job->add_memory({static_cast<const char*>(tf.pHead), tf.HeadLength});
    }
    const int fd = isapi_fd_from_handle(tf.hFile);
    if (fd < 0) return fail(ERROR_INVALID_HANDLE);
    if (const DWORD error = job->add_file(fd, tf.Offset, tf.BytesToWrite); error != ERROR_SUCCESS) return fail(error);
    if (tf.pTail && tf.TailLength) job->add_memory({static_cast<const char*>(tf.pTail), tf.TailLength});
    // HSE_IO_DISCONNECT_AFTER_SEND needs nothing: FastCGI gives the application no hold on the
    // client's connection, and the request ends as usual (docs/extensions.md).
    // pfnHseIO, when set, receives this operation's completion instead of the registered one.
    return r.send(std::move(job), "TRANSMIT_FILE", (tf.dwFlags & HSE_IO_ASYNC) != 0, {tf.pfnHseIO, tf.pContext});
}

BOOL vector_send(isapi_request& r, LPVOID buffer) {
    if (!buffer) return fail(ERROR_INVALID_PARAMETER);
    const auto& vector = *static_cast<const HSE_RESPONSE_VECTOR*>(buffer);
    auto job = std::make_unique<send_job>();
    // "SEND_HEADERS means pszStatus and pszHeaders are set; otherwise both must be NULL."
    const bool send_headers = (vector.dwFlags & HSE_IO_SEND_HEADERS) != 0;
    if (send_headers != (vector.pszStatus != nullptr) || send_headers != (vector.pszHeaders != nullptr))
        return fail(ERROR_INVALID_PARAMETER);
    if (send_headers)
        job->headers = send_job::header_part{copy_of(bounded_c_string(vector.pszStatus, 0)),
                                             copy_of(bounded_c_string(vector.pszHeaders, 0))};
    if (vector.nElementCount && !vector.lpElementArray) return fail(ERROR_INVALID_PARAMETER);
    for (DWORD i = 0; i < vector.nElementCount; ++i) {
        const auto& element = vector.lpElementArray[i];
        if (element.ElementType == HSE_VECTOR_ELEMENT_TYPE_MEMORY_BUFFER) {
            if (!element.pvContext || element.cbSize == 0) return fail(ERROR_INVALID_PARAMETER);
            job->add_memory({static_cast<const char*>(element.pvContext) + element.cbOffset,
                             static_cast<std::size_t>(element.cbSize)});
        } else if (element.ElementType == HSE_VECTOR_ELEMENT_TYPE_FILE_HANDLE) {
            const int fd = isapi_fd_from_handle(element.pvContext);
            if (fd < 0) return fail(ERROR_INVALID_HANDLE);
            if (const DWORD error = job->add_file(fd, element.cbOffset, element.cbSize); error != ERROR_SUCCESS)
                return fail(error);
        } else {
            return fail(ERROR_INVALID_PARAMETER);
        }
    }
    // HSE_IO_FINAL_SEND and HSE_IO_DISCONNECT_AFTER_SEND need nothing: the response ends when the
    // request does, and the client's connection is the web server's. HSE_IO_CACHE_RESPONSE has no
    // kernel cache to fill.
    return r.send(std::move(job), "VECTOR_SEND", (vector.dwFlags & HSE_IO_ASYNC) != 0, {});
}

}  // namespace

namespace {

BOOL dispatch(isapi_request& r, DWORD code, LPVOID buffer, LPDWORD size, LPDWORD data_type) {
    switch (code) {
    case HSE_REQ_SEND_RESPONSE_HEADER: return send_response_header(r, buffer, size, data_type);
    case HSE_REQ_SEND_RESPONSE_HEADER_EX: return send_response_header_ex(r, buffer);
    case HSE_REQ_SEND_URL_REDIRECT_RESP: return send_redirect(r, buffer, size, false);
    case HSE_REQ_SEND_URL: return send_redirect(r, buffer, size, true);
    case HSE_REQ_SEND_CUSTOM_ERROR: return send_custom_error(r, buffer);
    case HSE_REQ_DONE_WITH_SESSION: return r.done_with_session(static_cast<const DWORD*>(buffer));
    case HSE_REQ_IO_COMPLETION:
        // The context pointer travels in the lpdwDataType slot.
        return r.set_completion(reinterpret_cast<PFN_HSE_IO_COMPLETION>(buffer), data_type);
    case HSE_REQ_ASYNC_READ_CLIENT:
        if (!data_type || !(*data_type & HSE_IO_ASYNC)) return fail(ERROR_INVALID_PARAMETER);
        return r.async_read_client(buffer, size);
    case HSE_REQ_TRANSMIT_FILE: return transmit_file(r, buffer);
    case HSE_REQ_VECTOR_SEND: return vector_send(r, buffer);
    case HSE_REQ_IS_KEEP_CONN:
        if (!buffer) return fail(ERROR_INVALID_PARAMETER);
        return r.is_keep_conn(static_cast<BOOL*>(buffer));
    case HSE_REQ_IS_CONNECTED:
        if (!buffer) return fail(ERROR_INVALID_PARAMETER);
        return r.is_connected(static_cast<BOOL*>(buffer));
    case HSE_APPEND_LOG_PARAMETER: {
        const auto text = bounded_c_string(static_cast<const char*>(buffer), 0);
        if (!text) return fail(ERROR_INVALID_PARAMETER);
        return r.append_log_parameter(*text);
    }
    case HSE_REQ_MAP_URL_TO_PATH:
        if (!buffer || !size) return fail(ERROR_INVALID_PARAMETER);
        return r.map_url_to_path(buffer, size);
    case HSE_REQ_MAP_URL_TO_PATH_EX:
        // The HSE_URL_MAPEX_INFO travels in the lpdwDataType slot.
        if (!buffer || !data_type) return fail(ERROR_INVALID_PARAMETER);
        return r.map_url_to_path_ex(buffer, size, reinterpret_cast<HSE_URL_MAPEX_INFO*>(data_type));
    case HSE_REQ_MAP_UNICODE_URL_TO_PATH:
        if (!buffer || !size) return fail(ERROR_INVALID_PARAMETER);
        return r.map_unicode_url_to_path(buffer, size);
    case HSE_REQ_MAP_UNICODE_URL_TO_PATH_EX:
        if (!buffer || !data_type) return fail(ERROR_INVALID_PARAMETER);
        return r.map_unicode_url_to_path_ex(buffer, size, reinterpret_cast<HSE_UNICODE_URL_MAPEX_INFO*>(data_type));
    case HSE_REQ_GET_CERT_INFO_EX:
        if (!buffer) return fail(ERROR_INVALID_PARAMETER);
        return r.get_cert_info_ex(static_cast<CERT_CONTEXT_EX*>(buffer));
    case HSE_REQ_EXEC_URL: return exec_url<HSE_EXEC_URL_INFO>(r, buffer);
    case HSE_REQ_EXEC_UNICODE_URL: return exec_url<HSE_EXEC_UNICODE_URL_INFO>(r, buffer);
    case HSE_REQ_GET_EXEC_URL_STATUS: {
        // The sample passes the struct in lpvBuffer, the prose in lpdwDataType: accept both.
        auto* status = static_cast<HSE_EXEC_URL_STATUS*>(buffer ? buffer : static_cast<void*>(data_type));
        if (!status) return fail(ERROR_INVALID_PARAMETER);
        return r.get_exec_url_status(status);
    }
    case HSE_REQ_CLOSE_CONNECTION: return r.close_connection();
    case HSE_REQ_CANCEL_IO: return r.cancel_io();
    case HSE_REQ_NORMALIZE_URL: return normalize_url(buffer);
    case HSE_REQ_GET_TRACE_INFO: {
        if (!buffer) return fail(ERROR_INVALID_PARAMETER);
        // No ETW here: the request is never traced.
        auto& info = *static_cast<HSE_TRACE_INFO*>(buffer);
        info.fTraceRequest = FALSE;
        std::memset(info.TraceContextId, 0, sizeof info.TraceContextId);
        return TRUE;
    }
    case HSE_REQ_GET_CACHE_INVALIDATION_CALLBACK:
        if (!buffer) return fail(ERROR_INVALID_PARAMETER);
        *static_cast<PFN_HSE_CACHE_INVALIDATION_CALLBACK*>(buffer) = &invalidate_nothing;
        return TRUE;
    case HSE_REQ_REFRESH_ISAPI_ACL:  // no ACLs on the DLL to re-read
    case HSE_REQ_ABORTIVE_CLOSE:     // ignored since IIS 5.1
        return TRUE;
    case HSE_REQ_REPORT_UNHEALTHY: {
        const auto reason = bounded_c_string(static_cast<const char*>(buffer), 0);
        return r.report_unhealthy(reason ? *reason : std::string_view("(no reason given)"));
    }
    case HSE_REQ_SET_FLUSH_FLAG:
        // Every write already goes out at once; nginx's own buffering is the extension's
        // `streaming` setting (X-Accel-Buffering: no).
        return TRUE;
    case HSE_REQ_IS_IN_PROCESS:
        if (!buffer) return fail(ERROR_INVALID_PARAMETER);
        *static_cast<DWORD*>(buffer) = HSE_APP_FLAG_IN_PROCESS;
        return TRUE;
    default: return r.unsupported(code);
    }
}

}  // namespace

BOOL server_support_function(isapi_request& r, DWORD code, LPVOID buffer, LPDWORD size, LPDWORD data_type) {
    if (!r.extension_called()) return fail(ERROR_INVALID_PARAMETER);
    const BOOL ok = dispatch(r, code, buffer, size, data_type);
    // A known code refusing its arguments (a NULL buffer, a bad flag, a call out of order) is a
    // bug in the extension worth one line; unsupported codes log their own.
    if (!ok && GetLastError() == ERROR_INVALID_PARAMETER) r.refused(code);
    return ok;
}

}  // namespace isapi_fcgi::isapi
