#include "windows_request.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "wine/link_protocol.hpp"

namespace isapi_fcgi::wine_worker {
namespace {

srw_mutex registry_mutex;
std::map<HCONN, std::weak_ptr<windows_request>> registry;
std::uintptr_t next_conn = 0x1000;

isapi::url_match match_of(const fcgi::param_set& params) {
    isapi::url_match match;
    match.script_name = std::string(params.get(wine::match_script_name));
    match.raw_script_name = std::string(params.get(wine::match_raw_script_name));
    match.path_info = std::string(params.get(wine::match_path_info));
    match.path = std::string(params.get(wine::match_path));
    const auto flags = params.get(wine::match_flags);
    match.from_request_uri = flags.find('r') != std::string_view::npos;
    match.script_mapped = flags.find('s') != std::string_view::npos;
    return match;
}

std::optional<std::string_view> optional_text(const char* text) {
    if (!text) return std::nullopt;
    return std::string_view(text);
}

}  // namespace

windows_request::windows_request(worker_context& context, std::uint16_t id, fcgi::param_set params)
    : context_(context),
      id_(id),
      params_(std::move(params)),
      match_(match_of(params_)),
      variables_(params_, match_, context.variables,
                 !isapi::declared_body_length(params_.get("CONTENT_LENGTH")).has_value()),
      translator_(context.translator) {
    context_.unfinished.fetch_add(1);
}

std::shared_ptr<windows_request> windows_request::find(HCONN conn) {
    std::lock_guard lock(registry_mutex);
    const auto found = registry.find(conn);
    return found == registry.end() ? nullptr : found->second.lock();
}

void windows_request::body_arrived(std::string_view bytes) {
    std::unique_lock lock(body_mutex_);
    // Bounded: the reader waits for the extension to read (or the request to end) before it
    // buffers more than max_buffered_body of this request.
    body_changed_.wait(lock, [&] { return aborted_ || finished_ || body_.size() < context_.max_buffered_body; });
    if (aborted_ || finished_) return;
    body_.append(bytes);
    body_changed_.notify_all();
}

void windows_request::body_ended() {
    std::lock_guard lock(body_mutex_);
    body_ended_ = true;
    body_changed_.notify_all();
}

void windows_request::abort() {
    std::lock_guard lock(body_mutex_);
    aborted_ = true;
    body_changed_.notify_all();
}

DWORD windows_request::read_body(char* buffer, DWORD size) {
    std::unique_lock lock(body_mutex_);
    body_changed_.wait(lock, [&] { return aborted_ || body_ended_ || !body_.empty(); });
    const DWORD n = static_cast<DWORD>(std::min<std::size_t>(size, body_.size()));
    std::copy_n(body_.data(), n, buffer);
    body_.erase(0, n);
    body_changed_.notify_all();
    return n;
}

void windows_request::run() {
    const auto declared = isapi::declared_body_length(params_.get("CONTENT_LENGTH"));
    const std::size_t target = isapi::read_ahead_target(declared, context_.upload_read_ahead);
    bool ended = false;
    {
        std::unique_lock lock(body_mutex_);
        body_changed_.wait(lock, [&] { return aborted_ || body_ended_ || body_.size() >= target; });
        const std::size_t n = std::min(target, body_.size());
        read_ahead_.assign(body_, 0, n);
        body_.erase(0, n);
        ended = body_ended_ && body_.empty();
        body_changed_.notify_all();
    }
    {
        std::lock_guard lock(registry_mutex);
        conn_ = reinterpret_cast<HCONN>(next_conn++);
        registry.emplace(conn_, weak_from_this());
    }
    strings_ = isapi::ecb_strings_of(variables_);
    isapi::build_ecb(ecb_, strings_, reinterpret_cast<BYTE*>(read_ahead_.data()), read_ahead_.size(), conn_,
                     isapi::total_bytes(declared, read_ahead_.size(), ended));
    ecb_.GetServerVariable = &get_server_variable;
    ecb_.WriteClient = &write_client;
    ecb_.ReadClient = &read_client;
    ecb_.ServerSupportFunction = &server_support_function;
    keep_alive_ = shared_from_this();  // until finish(), PENDING included
    const DWORD status = context_.proc(&ecb_);
    if (status == HSE_STATUS_PENDING) return;  // DONE_WITH_SESSION ends it, from any thread
    finish(status == HSE_STATUS_ERROR);
}

bool windows_request::send(const isapi::response_bytes& out) {
    if (out.empty()) return true;
    std::string bytes = out.header_bytes;
    bytes += out.body_copy;
    bytes.append(out.body_view.data(), out.body_view.size());
    return context_.pipe->write_stream(fcgi::record_type::stdout_stream, id_, bytes);
}

void windows_request::finish(bool failed) {
    {
        std::lock_guard lock(output_mutex_);
        if (finished_) return;
        finished_ = true;
        isapi::response_bytes out;
        if (failed) {
            out = translator_.error_response(500);
        } else if (translator_.finish(ecb_.dwHttpStatusCode, out)) {
            out = translator_.error_response(500);
            failed = true;
        }
        send(out);
        context_.pipe->end_stream(fcgi::record_type::stdout_stream, id_);
        context_.pipe->end_request(id_, failed ? wine::app_status_failed : 0);
    }
    {
        std::lock_guard lock(body_mutex_);
        body_changed_.notify_all();  // a reader waiting for room
    }
    {
        std::lock_guard lock(registry_mutex);
        registry.erase(conn_);
    }
    context_.unfinished.fetch_sub(1);
    const auto last = std::move(keep_alive_);  // may be the last reference: released on return
}

BOOL windows_request::write(const char* data, DWORD size) {
    std::lock_guard lock(output_mutex_);
    if (finished_ || aborted_) {
        SetLastError(ERROR_CONNECTION_ABORTED);
        return FALSE;
    }
    isapi::response_bytes out;
    if (translator_.write({data, size}, ecb_.dwHttpStatusCode, out) || !send(out)) {
        SetLastError(ERROR_CONNECTION_ABORTED);
        return FALSE;
    }
    return TRUE;
}

BOOL windows_request::send_header(const char* status, const char* headers) {
    std::lock_guard lock(output_mutex_);
    isapi::response_bytes out;
    if (finished_ || translator_.send_response_header(optional_text(status), optional_text(headers),
                                                      ecb_.dwHttpStatusCode, out) ||
        !send(out)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    return TRUE;
}

void windows_request::complete_async(DWORD bytes, DWORD error) {
    auto self = shared_from_this();
    context_.threads->post([self, bytes, error] {
        if (self->completion_) self->completion_(&self->ecb_, self->completion_context_, bytes, error);
    });
}

BOOL windows_request::transmit_file(const HSE_TF_INFO& info) {
    if (info.dwFlags & HSE_IO_SEND_HEADERS) {
        if (!send_header(info.pszStatusCode, static_cast<const char*>(info.pHead))) return FALSE;
    } else if (info.pHead && info.HeadLength && !write(static_cast<const char*>(info.pHead), info.HeadLength)) {
        return FALSE;
    }
    LARGE_INTEGER offset{};
    offset.QuadPart = info.Offset;
    if (!SetFilePointerEx(info.hFile, offset, nullptr, FILE_BEGIN)) return FALSE;
    std::uint64_t left = info.BytesToWrite ? info.BytesToWrite : ~std::uint64_t{0};
    std::string chunk(64 * 1024, '\0');
    while (left > 0) {
        DWORD got = 0;
        const DWORD want = static_cast<DWORD>(std::min<std::uint64_t>(left, chunk.size()));
        if (!ReadFile(info.hFile, chunk.data(), want, &got, nullptr)) return FALSE;
        if (got == 0) break;
        if (!write(chunk.data(), got)) return FALSE;
        left -= got;
    }
    if (info.pTail && info.TailLength && !write(static_cast<const char*>(info.pTail), info.TailLength)) return FALSE;
    return TRUE;
}

BOOL windows_request::support(DWORD request, LPVOID buffer, LPDWORD size, LPDWORD type) {
    switch (request) {
        case HSE_REQ_SEND_RESPONSE_HEADER:
            return send_header(static_cast<const char*>(buffer), reinterpret_cast<const char*>(type));
        case HSE_REQ_SEND_RESPONSE_HEADER_EX: {
            const auto* info = static_cast<const HSE_SEND_HEADER_EX_INFO*>(buffer);
            if (!info) break;
            return send_header(info->pszStatus, info->pszHeader);
        }
        case HSE_REQ_SEND_URL_REDIRECT_RESP: {
            if (!buffer) break;
            std::lock_guard lock(output_mutex_);
            isapi::response_bytes out;
            if (finished_ || translator_.send_redirect(static_cast<const char*>(buffer), out) || !send(out)) break;
            return TRUE;
        }
        case HSE_REQ_DONE_WITH_SESSION: {
            const bool failed = size && *size == HSE_STATUS_ERROR;
            auto self = shared_from_this();
            finish(failed);
            return TRUE;
        }
        case HSE_REQ_IO_COMPLETION:
            completion_ = reinterpret_cast<PFN_HSE_IO_COMPLETION>(buffer);
            completion_context_ = size;
            return TRUE;
        case HSE_REQ_ASYNC_READ_CLIENT: {
            if (!buffer || !size || !completion_) break;
            auto self = shared_from_this();
            char* target = static_cast<char*>(buffer);
            const DWORD want = *size;
            context_.threads->post([self, target, want] {
                const DWORD got = self->read_body(target, want);
                if (self->completion_) self->completion_(&self->ecb_, self->completion_context_, got, NO_ERROR);
            });
            return TRUE;
        }
        case HSE_REQ_TRANSMIT_FILE: {
            const auto* info = static_cast<const HSE_TF_INFO*>(buffer);
            if (!info) break;
            if (info->pfnHseIO) {
                completion_ = info->pfnHseIO;
                completion_context_ = info->pContext;
            }
            auto self = shared_from_this();
            const HSE_TF_INFO copy = *info;
            context_.threads->post([self, copy] {
                const BOOL ok = self->transmit_file(copy);
                if (self->completion_)
                    self->completion_(&self->ecb_, self->completion_context_, 0, ok ? NO_ERROR : GetLastError());
            });
            return TRUE;
        }
        case HSE_REQ_IS_KEEP_CONN:
        case HSE_REQ_IS_CONNECTED:
            if (!buffer) break;
            *static_cast<BOOL*>(buffer) = !aborted_;
            return TRUE;
        case HSE_APPEND_LOG_PARAMETER:
        case HSE_REQ_CLOSE_CONNECTION:
        case HSE_REQ_ABORTIVE_CLOSE:
        case HSE_REQ_SET_FLUSH_FLAG:
            return TRUE;
        case HSE_REQ_MAP_URL_TO_PATH: {
            // Wine's drive Z: is the Linux root, so the Linux path works as Z:\...
            if (!buffer || !size) break;
            std::string path = "Z:" + variables_.document_root() + static_cast<const char*>(buffer);
            std::replace(path.begin(), path.end(), '/', '\\');
            if (path.size() + 1 > *size) {
                *size = static_cast<DWORD>(path.size() + 1);
                SetLastError(ERROR_INSUFFICIENT_BUFFER);
                return FALSE;
            }
            std::copy_n(path.c_str(), path.size() + 1, static_cast<char*>(buffer));
            *size = static_cast<DWORD>(path.size() + 1);
            return TRUE;
        }
        default:
            break;
    }
    SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
}

BOOL WINAPI windows_request::get_server_variable(HCONN conn, LPSTR name, LPVOID buffer, LPDWORD size) {
    const auto self = find(conn);
    if (!self || !size) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    std::uint32_t bytes = *size;
    const auto status = self->variables_.copy(name, static_cast<char*>(buffer), &bytes);
    *size = bytes;
    switch (status) {
        case isapi::copy_status::ok: return TRUE;
        case isapi::copy_status::insufficient_buffer: SetLastError(ERROR_INSUFFICIENT_BUFFER); break;
        case isapi::copy_status::invalid_index: SetLastError(ERROR_INVALID_INDEX); break;
        case isapi::copy_status::invalid_parameter: SetLastError(ERROR_INVALID_PARAMETER); break;
    }
    return FALSE;
}

BOOL WINAPI windows_request::write_client(HCONN conn, LPVOID buffer, LPDWORD bytes, DWORD flags) {
    const auto self = find(conn);
    if (!self || !bytes || (*bytes && !buffer)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    const BOOL ok = self->write(static_cast<const char*>(buffer), *bytes);
    if (ok && (flags & HSE_IO_ASYNC)) self->complete_async(*bytes, NO_ERROR);
    return ok;
}

BOOL WINAPI windows_request::read_client(HCONN conn, LPVOID buffer, LPDWORD size) {
    const auto self = find(conn);
    if (!self || !buffer || !size) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    *size = self->read_body(static_cast<char*>(buffer), *size);
    return TRUE;
}

BOOL WINAPI windows_request::server_support_function(HCONN conn, DWORD request, LPVOID buffer, LPDWORD size,
                                                     LPDWORD type) {
    const auto self = find(conn);
    if (!self) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    return self->support(request, buffer, size, type);
}

}  // namespace isapi_fcgi::wine_worker
