#include "filters/filter_callbacks.hpp"

#include <cstring>
#include <string_view>

#include <spdlog/spdlog.h>

#include "filters/filter_session.hpp"
#include "isapi/normalize_url.hpp"

namespace isapi_fcgi::filters {
namespace {

constexpr std::uint32_t reported_outside_notification = 1u << 8;
constexpr std::uint32_t reported_bad_headers = 1u << 9;
constexpr std::uint32_t reported_unsupported_request = 1u << 10;
constexpr std::uint32_t reported_over_limit = 1u << 11;

BOOL fail(DWORD error) noexcept {
    SetLastError(error);
    return FALSE;
}

// The live slot behind `pfc`, or null with ERROR_INVALID_PARAMETER set and the misuse logged.
filter_session::context_slot* slot_of(HTTP_FILTER_CONTEXT* pfc, const char* function) {
    if (auto* slot = filter_session::find_slot(pfc)) return slot;
    SetLastError(ERROR_INVALID_PARAMETER);
    spdlog::warn("a filter called {} with an HTTP_FILTER_CONTEXT that is unknown or whose connection ended: "
                 "ERROR_INVALID_PARAMETER",
                 function);
    return nullptr;
}

// The request being notified, or null (ERROR_INVALID_PARAMETER, logged once per filter) when the
// filter calls outside one of its notifications.
filter_request* request_of(const filter_session::context_slot& slot, const char* function) {
    if (auto* request = slot.session->current_request()) return request;
    const auto& filter = slot.session->filter(slot.filter_index);
    if (filter.first_report(reported_outside_notification))
        spdlog::warn("filter '{}': {} called outside a notification: ERROR_INVALID_PARAMETER", filter.name(), function);
    SetLastError(ERROR_INVALID_PARAMETER);
    return nullptr;
}

// "Name: value\r\n" lines, each with a colon and no bare CR or LF: anything else could split the
// response head the front end builds.
bool valid_header_lines(std::string_view lines) noexcept {
    while (!lines.empty()) {
        const auto end = lines.find("\r\n");
        if (end == std::string_view::npos) return false;
        const auto line = lines.substr(0, end);
        const auto colon = line.find(':');
        if (colon == 0 || colon == std::string_view::npos) return false;
        if (line.find_first_of("\r\n") != std::string_view::npos) return false;
        lines.remove_prefix(end + 2);
    }
    return true;
}

BOOL append_header_lines(const filter_session::context_slot& slot, filter_request& request, std::string& target,
                         const char* lines, const char* function) {
    const std::string_view text = lines ? lines : "";
    const auto& filter = slot.session->filter(slot.filter_index);
    if (!valid_header_lines(text)) {
        if (filter.first_report(reported_bad_headers))
            spdlog::warn("filter '{}': {} with header lines that are not \"Name: value\\r\\n\": ERROR_INVALID_PARAMETER",
                         filter.name(), function);
        return fail(ERROR_INVALID_PARAMETER);
    }
    if (target.size() + text.size() > request.max_response_bytes) {
        if (filter.first_report(reported_over_limit))
            spdlog::warn("filter '{}': {} beyond the {} bytes a filter may buffer per request: ERROR_NOT_ENOUGH_MEMORY",
                         filter.name(), function, request.max_response_bytes);
        return fail(ERROR_NOT_ENOUGH_MEMORY);
    }
    target += text;
    return TRUE;
}

BOOL copy_out(std::string_view value, LPVOID buffer, LPDWORD size) {
    std::uint32_t capacity = *size;
    switch (isapi::copy_variable(value, static_cast<char*>(buffer), &capacity)) {
        case isapi::copy_status::ok: *size = capacity; return TRUE;
        case isapi::copy_status::insufficient_buffer: *size = capacity; return fail(ERROR_INSUFFICIENT_BUFFER);
        case isapi::copy_status::invalid_index: return fail(ERROR_INVALID_INDEX);
        case isapi::copy_status::invalid_parameter: break;
    }
    return fail(ERROR_INVALID_PARAMETER);
}

BOOL send_response_header(filter_session::context_slot& slot, filter_request& request, PVOID status, ULONG_PTR headers) {
    if (request.response.header_sent) return fail(ERROR_INVALID_PARAMETER);
    std::string lines;
    if (!append_header_lines(slot, request, lines, reinterpret_cast<const char*>(headers),
                             "SF_REQ_SEND_RESPONSE_HEADER"))
        return FALSE;
    const std::string_view text = status ? static_cast<const char*>(status) : "200 OK";
    if (text.size() < 3 || text.find_first_of("\r\n") != std::string_view::npos) return fail(ERROR_INVALID_PARAMETER);
    request.response.header_sent = true;
    request.response.status = text;
    request.response.headers = std::move(lines);
    return TRUE;
}

BOOL normalize_in_place(PVOID data) {
    if (!data) return fail(ERROR_INVALID_PARAMETER);
    char* url = static_cast<char*>(data);
    const auto normalized = isapi::normalize_url(url);
    if (!normalized) return fail(ERROR_INVALID_PARAMETER);
    std::memcpy(url, normalized->c_str(), normalized->size() + 1);  // never longer than the input
    return TRUE;
}

}  // namespace

BOOL WINAPI filter_callbacks::get_server_variable(HTTP_FILTER_CONTEXT* pfc, LPSTR name, LPVOID buffer, LPDWORD size) {
    auto* slot = slot_of(pfc, "GetServerVariable");
    if (!slot) return FALSE;
    auto* request = request_of(*slot, "GetServerVariable");
    if (!request) return FALSE;
    if (!size) return fail(ERROR_INVALID_PARAMETER);
    std::uint32_t capacity = *size;
    switch (request->variables.copy(name, static_cast<char*>(buffer), &capacity)) {
        case isapi::copy_status::ok: *size = capacity; return TRUE;
        case isapi::copy_status::insufficient_buffer: *size = capacity; return fail(ERROR_INSUFFICIENT_BUFFER);
        case isapi::copy_status::invalid_index: return fail(ERROR_INVALID_INDEX);
        case isapi::copy_status::invalid_parameter: break;
    }
    return fail(ERROR_INVALID_PARAMETER);
}

BOOL WINAPI filter_callbacks::add_response_headers(HTTP_FILTER_CONTEXT* pfc, LPSTR headers, DWORD) {
    auto* slot = slot_of(pfc, "AddResponseHeaders");
    if (!slot) return FALSE;
    auto* request = request_of(*slot, "AddResponseHeaders");
    if (!request) return FALSE;
    return append_header_lines(*slot, *request, request->added_response_headers, headers, "AddResponseHeaders");
}

BOOL WINAPI filter_callbacks::write_client(HTTP_FILTER_CONTEXT* pfc, LPVOID buffer, LPDWORD bytes, DWORD) {
    auto* slot = slot_of(pfc, "WriteClient");
    if (!slot) return FALSE;
    auto* request = request_of(*slot, "WriteClient");
    if (!request) return FALSE;
    if (!bytes || (!buffer && *bytes != 0)) return fail(ERROR_INVALID_PARAMETER);
    auto& body = request->response.body;
    if (body.size() + *bytes > request->max_response_bytes) {
        const auto& filter = slot->session->filter(slot->filter_index);
        if (filter.first_report(reported_over_limit))
            spdlog::warn("filter '{}': WriteClient beyond the {} bytes a filter may buffer per request: "
                         "ERROR_NOT_ENOUGH_MEMORY",
                         filter.name(), request->max_response_bytes);
        return fail(ERROR_NOT_ENOUGH_MEMORY);
    }
    body.append(static_cast<const char*>(buffer), *bytes);
    return TRUE;
}

VOID* WINAPI filter_callbacks::alloc_mem(HTTP_FILTER_CONTEXT* pfc, DWORD size, DWORD) {
    auto* slot = slot_of(pfc, "AllocMem");
    if (!slot) return nullptr;
    return slot->session->allocate(size);
}

BOOL WINAPI filter_callbacks::server_support_function(HTTP_FILTER_CONTEXT* pfc, enum SF_REQ_TYPE code, PVOID data,
                                                       ULONG_PTR ul1, ULONG_PTR ul2) {
    (void)ul2;
    auto* slot = slot_of(pfc, "ServerSupportFunction");
    if (!slot) return FALSE;
    if (code == SF_REQ_NORMALIZE_URL) return normalize_in_place(data);
    if (code == SF_REQ_GET_CONNID) {
        if (!data) return fail(ERROR_INVALID_PARAMETER);
        const auto id = static_cast<DWORD>(slot->session->connection_id());
        std::memcpy(data, &id, sizeof(id));
        return TRUE;
    }
    auto* request = request_of(*slot, "ServerSupportFunction");
    if (!request) return FALSE;
    switch (code) {
        case SF_REQ_SEND_RESPONSE_HEADER: return send_response_header(*slot, *request, data, ul1);
        case SF_REQ_ADD_HEADERS_ON_DENIAL:
            return append_header_lines(*slot, *request, request->denial_headers, static_cast<const char*>(data),
                                       "SF_REQ_ADD_HEADERS_ON_DENIAL");
        case SF_REQ_DISABLE_NOTIFICATIONS:
            request->disabled_notifications.resize(slot->filter_index + 1, 0);
            request->disabled_notifications[slot->filter_index] |= static_cast<DWORD>(ul1);
            return TRUE;
        case SF_REQ_SET_NEXT_READ_SIZE:
        case SF_REQ_SET_PROXY_INFO:
            // Behind a front end the sidecar neither sizes raw reads nor proxies: accepted, as IIS
            // accepts them, with nothing to change.
            return TRUE;
        default: break;
    }
    const auto& filter = slot->session->filter(slot->filter_index);
    if (filter.first_report(reported_unsupported_request))
        spdlog::warn("filter '{}': ServerSupportFunction request {} is not supported: ERROR_NOT_SUPPORTED", filter.name(),
                     static_cast<int>(code));
    return fail(ERROR_NOT_SUPPORTED);
}

BOOL WINAPI filter_callbacks::get_header(HTTP_FILTER_CONTEXT* pfc, LPSTR name, LPVOID buffer, LPDWORD size) {
    auto* slot = slot_of(pfc, "GetHeader");
    if (!slot) return FALSE;
    auto* request = request_of(*slot, "GetHeader");
    if (!request) return FALSE;
    if (!name || !size) return fail(ERROR_INVALID_PARAMETER);
    const auto value = request->sending ? request->sending->get(name) : request->head.get(name);
    if (!value) return fail(ERROR_INVALID_INDEX);
    return copy_out(*value, buffer, size);
}

BOOL WINAPI filter_callbacks::set_header(HTTP_FILTER_CONTEXT* pfc, LPSTR name, LPSTR value) {
    auto* slot = slot_of(pfc, "SetHeader");
    if (!slot) return FALSE;
    auto* request = request_of(*slot, "SetHeader");
    if (!request) return FALSE;
    if (!name || !value) return fail(ERROR_INVALID_PARAMETER);
    const DWORD error = request->sending ? request->sending->set(name, value) : request->head.set(name, value);
    return error == ERROR_SUCCESS ? TRUE : fail(error);
}

BOOL WINAPI filter_callbacks::add_header(HTTP_FILTER_CONTEXT* pfc, LPSTR name, LPSTR value) {
    auto* slot = slot_of(pfc, "AddHeader");
    if (!slot) return FALSE;
    auto* request = request_of(*slot, "AddHeader");
    if (!request) return FALSE;
    if (!name || !value) return fail(ERROR_INVALID_PARAMETER);
    const DWORD error = request->sending ? request->sending->add(name, value) : request->head.add(name, value);
    return error == ERROR_SUCCESS ? TRUE : fail(error);
}

BOOL WINAPI filter_callbacks::get_user_token(HTTP_FILTER_CONTEXT* pfc, HANDLE* token) {
    if (!slot_of(pfc, "GetUserToken")) return FALSE;
    // No Windows logon session stands behind a user here: no token to give.
    if (token) *token = nullptr;
    return fail(ERROR_NOT_SUPPORTED);
}

HTTP_FILTER_AUTH_COMPLETE_INFO auth_complete_notification() noexcept {
    HTTP_FILTER_AUTH_COMPLETE_INFO notification{};
    notification.GetHeader = filter_callbacks::get_header;
    notification.SetHeader = filter_callbacks::set_header;
    notification.AddHeader = filter_callbacks::add_header;
    notification.GetUserToken = filter_callbacks::get_user_token;
    return notification;
}

HTTP_FILTER_PREPROC_HEADERS preproc_headers_notification() noexcept {
    HTTP_FILTER_PREPROC_HEADERS notification{};
    notification.GetHeader = filter_callbacks::get_header;
    notification.SetHeader = filter_callbacks::set_header;
    notification.AddHeader = filter_callbacks::add_header;
    return notification;
}

}  // namespace isapi_fcgi::filters
