#include "isapi/support_functions.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <isapi/isapi_runtime.h>

#include "engine/log_text.hpp"
#include "isapi/call_result.hpp"
#include "isapi/client_certificate.hpp"
#include "isapi/http_status.hpp"
#include "isapi/isapi_request.hpp"
#include "isapi/normalize_url.hpp"
#include "isapi/path_mapping.hpp"
#include "isapi/send_job.hpp"
#include "win32/unicode.hpp"

namespace isapi_fcgi::isapi {
namespace {

call_result fail(std::uint32_t error) { return call_failed(error); }

std::optional<std::string> copy_of(std::optional<std::string_view> text) {
    if (!text) return std::nullopt;
    return std::string(*text);
}

/// HSE_REQ_SEND_RESPONSE_HEADER: status in lpvBuffer (bounded by *lpdwSize when given), the
/// header text in the lpdwDataType slot.
call_result send_response_header(isapi_request& r, LPVOID buffer, LPDWORD size, LPDWORD data_type) {
    return r.send_response_header("SEND_RESPONSE_HEADER",
                                  bounded_c_string(static_cast<const char*>(buffer), size ? *size : 0),
                                  bounded_c_string(reinterpret_cast<const char*>(data_type), 0));
}

call_result send_response_header_ex(isapi_request& r, LPVOID buffer) {
    if (!buffer) return fail(ERROR_INVALID_PARAMETER);
    const auto* info = static_cast<const HSE_SEND_HEADER_EX_INFO*>(buffer);
    return r.send_response_header("SEND_RESPONSE_HEADER_EX", bounded_c_string(info->pszStatus, info->cchStatus),
                                  bounded_c_string(info->pszHeader, info->cchHeader));
}

/// SEND_URL_REDIRECT_RESP, and SEND_URL, which IIS 6 documents as the same 302 (and IIS 4 as
/// serving the local URL in place: the extension's send_url option).
call_result send_redirect(isapi_request& r, LPVOID buffer, LPDWORD size, bool send_url) {
    const auto location = bounded_c_string(static_cast<const char*>(buffer), size ? *size : 0);
    if (!location || location->empty()) return fail(ERROR_INVALID_PARAMETER);
    return send_url ? r.send_url(*location) : r.send_redirect(*location);
}

call_result send_custom_error(isapi_request& r, LPVOID buffer) {
    if (!buffer) return fail(ERROR_INVALID_PARAMETER);
    const auto& info = *static_cast<const HSE_CUSTOM_ERROR_INFO*>(buffer);
    const auto status = bounded_c_string(info.pszStatus, 0);
    if (!status || status->empty()) return fail(ERROR_INVALID_PARAMETER);
    // uHttpSubError selects among IIS's custom pages for one status; the front end has one.
    return r.send_custom_error(*status, info.fAsync != FALSE);
}

call_result normalize_url(LPVOID buffer) {
    if (!buffer) return fail(ERROR_INVALID_PARAMETER);
    auto* text = static_cast<char*>(buffer);
    const auto normalized = isapi::normalize_url(text);
    if (!normalized) return fail(ERROR_INVALID_PARAMETER);
    // Never longer than the input, so it fits where the input was.
    std::memcpy(text, normalized->c_str(), normalized->size() + 1);
    return call_result::ok;
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
call_result exec_url(isapi_request& r, LPVOID buffer) {
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

call_result transmit_file(isapi_request& r, LPVOID buffer) {
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

call_result vector_send(isapi_request& r, LPVOID buffer) {
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

// ---- the codes answered from the request's params and settings ------------------------------

/// HSE_REQ_IS_KEEP_CONN: what the client asked for (HTTP/1.0 keep-alive, or HTTP/1.1 without close).
bool is_keep_conn(const fcgi::param_set& params) {
    const auto protocol = params.get("SERVER_PROTOCOL");
    const auto connection = params.get("HTTP_CONNECTION");
    const auto has = [&connection](std::string_view token) {
        return std::search(connection.begin(), connection.end(), token.begin(), token.end(), [](char a, char b) {
                   return std::tolower(static_cast<unsigned char>(a)) == b;
               }) != connection.end();
    };
    return protocol == "HTTP/1.0" ? has("keep-alive") : !has("close");
}

/// The document-root mapping MAP_URL_TO_PATH and its variants share.
std::optional<std::string> map_path(const isapi_request& r, std::string_view url) {
    path_mapping_options options;
    options.is_directory = is_existing_directory;
    auto mapped = isapi::map_url_to_path(r.document_root(), url, options);
    if (mapped.error != path_mapping_error::none) return std::nullopt;
    return std::move(mapped.value.path);
}

call_result map_url_to_path(const isapi_request& r, LPVOID buffer, LPDWORD size) {
    // The URL is a C string in the buffer; *lpdwSize is what the path may take.
    const auto url = bounded_c_string(static_cast<const char*>(buffer), 0);
    if (!url) return fail(ERROR_INVALID_PARAMETER);
    const auto path = map_path(r, *url);
    if (!path) return fail(ERROR_INVALID_PARAMETER);
    const DWORD needed = static_cast<DWORD>(path->size() + 1);
    if (*size < needed) {
        *size = needed;
        return fail(ERROR_INSUFFICIENT_BUFFER);
    }
    std::memcpy(buffer, path->c_str(), needed);
    *size = needed;
    return call_result::ok;
}

/// A UTF-16 string an extension passed, bounded by `max_bytes` (0: to its NUL) and its NUL.
std::u16string_view bounded_utf16(const void* text, std::size_t max_bytes) {
    const auto* units = static_cast<const char16_t*>(text);
    const std::size_t limit = max_bytes ? max_bytes / 2 : std::numeric_limits<std::size_t>::max();
    std::size_t n = 0;
    while (n < limit && units[n] != 0) ++n;
    return {units, n};
}

call_result map_url_to_path_ex(const isapi_request& r, LPVOID url_buffer, LPDWORD size, HSE_URL_MAPEX_INFO* info) {
    const auto url = bounded_c_string(static_cast<const char*>(url_buffer), size ? *size : 0);
    if (!url) return fail(ERROR_INVALID_PARAMETER);
    const auto path = map_path(r, *url);
    if (!path) return fail(ERROR_INVALID_PARAMETER);
    const DWORD needed = static_cast<DWORD>(path->size() + 1);
    if (size) *size = needed;  // PHP's ISAPI SAPI reads the path length from here
    if (needed > MAX_PATH) return fail(ERROR_INSUFFICIENT_BUFFER);
    std::memcpy(info->lpszPath, path->c_str(), needed);
    info->dwFlags = r.pool().options().url_flags;
    info->cchMatchingPath = static_cast<DWORD>(normalize_document_root(r.document_root()).size());
    info->cchMatchingURL = 0;  // the document root is the one virtual directory, mapped at "/"
    info->dwReserved1 = 0;
    info->dwReserved2 = 0;
    return call_result::ok;
}

call_result map_unicode_url_to_path(const isapi_request& r, LPVOID buffer, LPDWORD size) {
    const auto url = win32::utf16_to_utf8(bounded_utf16(buffer, 0), false);
    const auto path = url ? map_path(r, *url) : std::nullopt;
    if (!path) return fail(ERROR_INVALID_PARAMETER);
    const auto wide = win32::utf8_to_utf16(*path, false).value_or(std::u16string());
    const DWORD needed = static_cast<DWORD>((wide.size() + 1) * sizeof(char16_t));
    if (*size < needed) {
        *size = needed;
        return fail(ERROR_INSUFFICIENT_BUFFER);
    }
    std::memcpy(buffer, wide.c_str(), needed);
    *size = needed;
    return call_result::ok;
}

call_result map_unicode_url_to_path_ex(const isapi_request& r, LPVOID url_buffer, LPDWORD size,
                                       HSE_UNICODE_URL_MAPEX_INFO* info) {
    const auto url = win32::utf16_to_utf8(bounded_utf16(url_buffer, size ? *size : 0), false);
    const auto path = url ? map_path(r, *url) : std::nullopt;
    if (!path) return fail(ERROR_INVALID_PARAMETER);
    const auto wide = win32::utf8_to_utf16(*path, false).value_or(std::u16string());
    const DWORD needed = static_cast<DWORD>((wide.size() + 1) * sizeof(char16_t));
    if (size) *size = needed;
    // The struct is 532 bytes (the SDK's three DWORDs after the path): only its own fields are
    // written, the path within its MAX_PATH units.
    if (wide.size() + 1 > MAX_PATH) return fail(ERROR_INSUFFICIENT_BUFFER);
    std::memcpy(info->lpszPath, wide.c_str(), needed);
    info->dwFlags = r.pool().options().url_flags;
    info->cchMatchingPath = static_cast<DWORD>(
        win32::utf8_to_utf16(normalize_document_root(r.document_root()), false).value_or(u"").size());
    info->cchMatchingURL = 0;
    return call_result::ok;
}

// wincrypt.h's encoding types, which CERT_CONTEXT.dwCertEncodingType carries.
constexpr DWORD x509_asn_encoding = 0x00000001;
constexpr DWORD pkcs_7_asn_encoding = 0x00010000;

call_result get_cert_info_ex(const fcgi::param_set& params, CERT_CONTEXT_EX* out) {
    const auto der = client_certificate_der(params.get("SSL_CLIENT_CERT"));
    auto& context = out->CertContext;
    context.dwCertEncodingType = x509_asn_encoding | pkcs_7_asn_encoding;
    context.pCertInfo = nullptr;
    context.hCertStore = nullptr;
    out->dwCertificateFlags = client_certificate_flags(params.get("SSL_CLIENT_VERIFY"), der.has_value());
    // No certificate (plain HTTP, or none asked for): TRUE with nothing in it, as IIS answers.
    const DWORD needed = der ? static_cast<DWORD>(der->size()) : 0;
    context.cbCertEncoded = needed;
    if (needed > out->cbAllocated) return fail(ERROR_INSUFFICIENT_BUFFER);
    if (needed && !context.pbCertEncoded) return fail(ERROR_INVALID_PARAMETER);
    if (needed) std::memcpy(context.pbCertEncoded, der->data(), needed);
    return call_result::ok;
}

call_result report_unhealthy(const isapi_request& r, std::string_view reason) {
    spdlog::warn("{} extension '{}' reports this worker unhealthy: {}", r.log_context(), r.extension_name(),
                 engine::log_text(reason, 512));
    r.pool().observer().extension_unhealthy(r.pool().options().name, r.extension_name(), reason);
    return call_result::ok;
}

/// A code this host does not implement: FALSE/ERROR_INVALID_PARAMETER, logged once per code and
/// extension.
call_result unsupported(const isapi_request& r, DWORD code) {
    if (r.pool().first_time(std::string(r.extension_name()), fmt::format("ssf {}", code)))
        spdlog::warn("{} extension '{}' called ServerSupportFunction({}), which is not supported; answering "
                     "FALSE/ERROR_INVALID_PARAMETER (logged once per code and extension)",
                     r.log_context(), r.extension_name(), code);
    return fail(ERROR_INVALID_PARAMETER);
}

/// A supported code answered FALSE/ERROR_INVALID_PARAMETER: logged once per code and extension.
void refused(const isapi_request& r, DWORD code) {
    // The key unsupported() uses: a code it already reported is not reported again.
    if (r.pool().first_time(std::string(r.extension_name()), fmt::format("ssf {}", code)))
        spdlog::warn("{} extension '{}' called ServerSupportFunction({}) with arguments or at a time it refuses; "
                     "answering FALSE/ERROR_INVALID_PARAMETER (logged once per code and extension)",
                     r.log_context(), r.extension_name(), code);
}

}  // namespace

namespace {

call_result dispatch(isapi_request& r, DWORD code, LPVOID buffer, LPDWORD size, LPDWORD data_type) {
    switch (code) {
    case HSE_REQ_SEND_RESPONSE_HEADER: return send_response_header(r, buffer, size, data_type);
    case HSE_REQ_SEND_RESPONSE_HEADER_EX: return send_response_header_ex(r, buffer);
    case HSE_REQ_SEND_URL_REDIRECT_RESP: return send_redirect(r, buffer, size, false);
    case HSE_REQ_SEND_URL: return send_redirect(r, buffer, size, true);
    case HSE_REQ_SEND_CUSTOM_ERROR: return send_custom_error(r, buffer);
    case HSE_REQ_DONE_WITH_SESSION:
        return r.done_with_session(buffer ? std::optional<std::uint32_t>(*static_cast<const DWORD*>(buffer))
                                          : std::nullopt);
    case HSE_REQ_IO_COMPLETION:
        // The context pointer travels in the lpdwDataType slot.
        return r.set_completion({reinterpret_cast<PFN_HSE_IO_COMPLETION>(buffer), data_type});
    case HSE_REQ_ASYNC_READ_CLIENT:
        if (!data_type || !(*data_type & HSE_IO_ASYNC)) return fail(ERROR_INVALID_PARAMETER);
        if (!buffer || !size || *size == 0) return fail(ERROR_INVALID_PARAMETER);
        return r.async_read_client({static_cast<std::byte*>(buffer), *size});
    case HSE_REQ_TRANSMIT_FILE: return transmit_file(r, buffer);
    case HSE_REQ_VECTOR_SEND: return vector_send(r, buffer);
    case HSE_REQ_IS_KEEP_CONN:
        if (!buffer) return fail(ERROR_INVALID_PARAMETER);
        *static_cast<BOOL*>(buffer) = is_keep_conn(r.params()) ? TRUE : FALSE;
        return call_result::ok;
    case HSE_REQ_IS_CONNECTED:
        if (!buffer) return fail(ERROR_INVALID_PARAMETER);
        *static_cast<BOOL*>(buffer) = r.is_connected() ? TRUE : FALSE;
        return call_result::ok;
    case HSE_APPEND_LOG_PARAMETER: {
        const auto text = bounded_c_string(static_cast<const char*>(buffer), 0);
        if (!text) return fail(ERROR_INVALID_PARAMETER);
        return r.append_log_parameter(*text);
    }
    case HSE_REQ_MAP_URL_TO_PATH:
        if (!buffer || !size) return fail(ERROR_INVALID_PARAMETER);
        return map_url_to_path(r, buffer, size);
    case HSE_REQ_MAP_URL_TO_PATH_EX:
        // The HSE_URL_MAPEX_INFO travels in the lpdwDataType slot.
        if (!buffer || !data_type) return fail(ERROR_INVALID_PARAMETER);
        return map_url_to_path_ex(r, buffer, size, reinterpret_cast<HSE_URL_MAPEX_INFO*>(data_type));
    case HSE_REQ_MAP_UNICODE_URL_TO_PATH:
        if (!buffer || !size) return fail(ERROR_INVALID_PARAMETER);
        return map_unicode_url_to_path(r, buffer, size);
    case HSE_REQ_MAP_UNICODE_URL_TO_PATH_EX:
        if (!buffer || !data_type) return fail(ERROR_INVALID_PARAMETER);
        return map_unicode_url_to_path_ex(r, buffer, size, reinterpret_cast<HSE_UNICODE_URL_MAPEX_INFO*>(data_type));
    case HSE_REQ_GET_CERT_INFO_EX:
        if (!buffer) return fail(ERROR_INVALID_PARAMETER);
        return get_cert_info_ex(r.params(), static_cast<CERT_CONTEXT_EX*>(buffer));
    case HSE_REQ_EXEC_URL: return exec_url<HSE_EXEC_URL_INFO>(r, buffer);
    case HSE_REQ_EXEC_UNICODE_URL: return exec_url<HSE_EXEC_UNICODE_URL_INFO>(r, buffer);
    case HSE_REQ_GET_EXEC_URL_STATUS: {
        // The sample passes the struct in lpvBuffer, the prose in lpdwDataType: accept both.
        auto* status = static_cast<HSE_EXEC_URL_STATUS*>(buffer ? buffer : static_cast<void*>(data_type));
        if (!status) return fail(ERROR_INVALID_PARAMETER);
        const auto last = r.last_exec_url_status();
        if (!last) return fail(ERROR_INVALID_PARAMETER);  // no child request has ended
        *status = HSE_EXEC_URL_STATUS{static_cast<USHORT>(last->status), 0, last->win32_error};
        return call_result::ok;
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
        return call_result::ok;
    }
    case HSE_REQ_GET_CACHE_INVALIDATION_CALLBACK:
        if (!buffer) return fail(ERROR_INVALID_PARAMETER);
        *static_cast<PFN_HSE_CACHE_INVALIDATION_CALLBACK*>(buffer) = &invalidate_nothing;
        return call_result::ok;
    case HSE_REQ_REFRESH_ISAPI_ACL:  // no ACLs on the DLL to re-read
    case HSE_REQ_ABORTIVE_CLOSE:     // ignored since IIS 5.1
        return call_result::ok;
    case HSE_REQ_REPORT_UNHEALTHY: {
        const auto reason = bounded_c_string(static_cast<const char*>(buffer), 0);
        return report_unhealthy(r, reason ? *reason : std::string_view("(no reason given)"));
    }
    case HSE_REQ_SET_FLUSH_FLAG:
        // Every write already goes out at once; nginx's own buffering is the extension's
        // `streaming` setting (X-Accel-Buffering: no).
        return call_result::ok;
    case HSE_REQ_IS_IN_PROCESS:
        if (!buffer) return fail(ERROR_INVALID_PARAMETER);
        *static_cast<DWORD*>(buffer) = HSE_APP_FLAG_IN_PROCESS;
        return call_result::ok;
    default: return unsupported(r, code);
    }
}

}  // namespace

BOOL server_support_function(isapi_request& r, DWORD code, LPVOID buffer, LPDWORD size, LPDWORD data_type) {
    if (!r.extension_called()) return to_bool(fail(ERROR_INVALID_PARAMETER));
    const auto result = dispatch(r, code, buffer, size, data_type);
    // A known code refusing its arguments (a NULL buffer, a bad flag, a call out of order) is a
    // bug in the extension worth one line; unsupported codes log their own.
    if (result == call_failed(ERROR_INVALID_PARAMETER)) refused(r, code);
    return to_bool(result);
}

}  // namespace isapi_fcgi::isapi
