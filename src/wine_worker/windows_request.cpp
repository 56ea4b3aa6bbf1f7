#include "windows_request.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>

#include "fcgi/name_value.hpp"
#include "isapi/client_certificate.hpp"
#include "isapi/normalize_url.hpp"
#include "isapi/path_mapping.hpp"
#include "win32/unicode.hpp"
#include "wine/link_protocol.hpp"

namespace isapi_fcgi::wine_worker {
namespace {

srw_mutex registry_mutex;
std::map<HCONN, std::weak_ptr<windows_request>> registry;
std::uintptr_t next_conn = 0x1000;  // never reused
/// Ended requests' ConnIDs (the latest few thousand): true once no DONE_WITH_SESSION may come
/// any more. One after a final status is tolerated, as the Linux host's session_state says.
std::map<HCONN, bool> ended;
constexpr std::size_t max_ended = 4096;

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

/// A request from the link is at nesting 0, unless the Linux worker relays it as the
/// HSE_REQ_EXEC_URL child of another Wine extension's request (wine::exec_depth in its params).
unsigned link_exec_depth(const fcgi::param_set& params) {
    return static_cast<unsigned>(std::strtoul(std::string(params.get(wine::exec_depth)).c_str(), nullptr, 10));
}

BOOL fail(DWORD error) {
    SetLastError(error);
    return FALSE;
}

HRESULT WINAPI invalidate_nothing(WCHAR*) { return S_OK; }  // there is no kernel cache

// CERT_CONTEXT_EX's encoding, as IIS reports it.
constexpr DWORD x509_asn_encoding = 0x00000001;
constexpr DWORD pkcs_7_asn_encoding = 0x00010000;

}  // namespace

void log_line(const std::string& text) {
    const std::string line = "isapi-wine-worker: " + text + "\n";
    DWORD written = 0;
    WriteFile(GetStdHandle(STD_ERROR_HANDLE), line.data(), static_cast<DWORD>(line.size()), &written, nullptr);
}

windows_request::windows_request(worker_context& context, std::uint16_t id, fcgi::param_set params)
    : context_(context),
      id_(id),
      params_(std::move(params)),
      match_(match_of(params_)),
      variables_(params_, match_, context.variables,
                 !isapi::declared_body_length(params_.get("CONTENT_LENGTH")).has_value()),
      translator_(context.translator),
      depth_(link_exec_depth(params_)) {
    context_.unfinished.fetch_add(1);
}

windows_request::windows_request(std::shared_ptr<windows_request> parent, fcgi::param_set params,
                                 std::optional<std::string> entity, bool pass_headers)
    : context_(parent->context_),
      id_(parent->id_),
      params_(std::move(params)),
      match_(match_of(params_)),
      variables_(params_, match_, context_.variables,
                 !isapi::declared_body_length(params_.get("CONTENT_LENGTH")).has_value()),
      translator_(context_.translator),
      parent_(std::move(parent)),
      depth_(parent_->depth_ + 1),
      body_from_parent_(!entity.has_value()),
      pass_headers_(pass_headers) {
    if (entity) {
        body_ = std::move(*entity);
        body_ended_ = true;
    }
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
    // buffers more than max_buffered_body of this request. Not while an EXEC_URL answer, or
    // the output of a child the Linux worker runs, comes behind this body: the Linux worker
    // sends no more body meanwhile, so what it sent before is all that is over the bound.
    body_changed_.wait(lock, [&] {
        return aborted_ || finished_ || exec_question_out_ || linux_child_running_ ||
               body_.size() < context_.max_buffered_body;
    });
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

std::pair<DWORD, DWORD> windows_request::read_body_async(char* buffer, DWORD size, std::uint64_t generation) {
    if (body_from_parent_) return {read_body(buffer, size), NO_ERROR};
    {
        std::unique_lock lock(body_mutex_);
        body_changed_.wait(lock, [&] {
            return aborted_ || body_ended_ || !body_.empty() || read_generation_ != generation;
        });
        if (read_generation_ != generation) return {0, read_cancel_error_};
    }
    return {read_body(buffer, size), NO_ERROR};
}

void windows_request::cancel_reads(DWORD error) {
    std::lock_guard lock(body_mutex_);
    ++read_generation_;
    read_cancel_error_ = error;
    body_changed_.notify_all();
}

DWORD windows_request::read_body(char* buffer, DWORD size) {
    if (body_from_parent_) {  // the parent's unread body
        const DWORD n = parent_->read_body(buffer, size);
        std::lock_guard lock(body_mutex_);
        body_consumed_ += n;
        return n;
    }
    std::unique_lock lock(body_mutex_);
    body_changed_.wait(lock, [&] { return aborted_ || body_ended_ || !body_.empty(); });
    const DWORD n = static_cast<DWORD>(std::min<std::size_t>(size, body_.size()));
    std::copy_n(body_.data(), n, buffer);
    body_.erase(0, n);
    body_consumed_ += n;
    body_changed_.notify_all();
    return n;
}

void windows_request::run() {
    const auto declared = isapi::declared_body_length(params_.get("CONTENT_LENGTH"));
    const std::size_t target = isapi::read_ahead_target(declared, context_.upload_read_ahead);
    bool ended = false;
    if (body_from_parent_) {
        // A child's read-ahead comes out of its parent's unread body, as the Linux host's does.
        std::string piece(std::max<std::size_t>(target, 1), '\0');
        while (read_ahead_.size() < target) {
            const DWORD n = read_body(piece.data(), static_cast<DWORD>(target - read_ahead_.size()));
            if (n == 0) {
                ended = true;
                break;
            }
            read_ahead_.append(piece.data(), n);
        }
    } else {
        std::unique_lock lock(body_mutex_);
        body_changed_.wait(lock, [&] { return aborted_ || body_ended_ || body_.size() >= target; });
        const std::size_t n = std::min(target, body_.size());
        read_ahead_.assign(body_, 0, n);
        body_.erase(0, n);
        body_consumed_ += n;
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
    keep_alive_ = shared_from_this();  // until settle() ends it, PENDING included
    {
        std::lock_guard lock(state_mutex_);
        state_.proc_started();
    }
    const DWORD status = context_.proc(&ecb_);
    {
        std::lock_guard lock(state_mutex_);
        const bool pending = status == HSE_STATUS_PENDING;
        state_.proc_returned(pending);
        if (!pending) end_failed_ = status == HSE_STATUS_ERROR;
    }
    settle();  // PENDING: DONE_WITH_SESSION, from any thread, before or after this
}

bool windows_request::late_done_with_session(HCONN conn) {
    std::lock_guard lock(registry_mutex);
    const auto found = ended.find(conn);
    return found != ended.end() && !std::exchange(found->second, true);
}

bool windows_request::send(const isapi::response_bytes& out) {
    if (out.empty()) return true;
    std::string bytes = out.header_bytes;
    bytes += out.body_copy;
    bytes.append(out.body_view.data(), out.body_view.size());
    if (parent_) return send_to_parent(std::move(bytes));
    return context_.pipe->write_stream(fcgi::record_type::stdout_stream, id_, bytes);
}

void windows_request::end_response(bool failed) {
    if (parent_) {
        // A child's end completes its parent's EXEC_URL; of it only its access-log line crosses
        // the link, before the parent can end.
        std::uint64_t bytes_out = 0;
        unsigned status = 0;
        {
            std::lock_guard lock(output_mutex_);
            if (finished_) return;
            finished_ = true;
            isapi::response_bytes out;
            if (failed || translator_.finish(ecb_.dwHttpStatusCode, out)) out = translator_.error_response(500);
            send(out);
            status = translator_.status_code();
            bytes_out = translator_.body_bytes();
        }
        report_child_end(status, bytes_out);
        // Its CLOSE_CONNECTION too ends it normally, as the Linux host's child_channel sees it.
        parent_->exec_finished(child_status_, NO_ERROR, NO_ERROR);
        std::lock_guard lock(body_mutex_);
        body_changed_.notify_all();
        return;
    }
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
        // What the access log shows of the request (lpszLogData, HSE_APPEND_LOG_PARAMETER).
        const std::string log_data(ecb_.lpszLogData, strnlen(ecb_.lpszLogData, HSE_LOG_BUFFER_LEN));
        if (!log_data.empty())
            context_.pipe->write_stream(fcgi::record_type::stderr_stream, id_, std::string(wine::message_log_data) + log_data);
        std::string parameters;
        {
            std::lock_guard log_lock(log_mutex_);
            parameters = log_parameters_;
        }
        if (!parameters.empty())
            context_.pipe->write_stream(fcgi::record_type::stderr_stream, id_,
                                        std::string(wine::message_log_parameters) + parameters);
        if (params_.get(wine::exec_parent_body) == "1") {
            // A child whose body is its parent's, lent: what this worker took and did not read
            // goes back to the parent (the Linux worker keeps what it passed on).
            std::string message(wine::message_body_read);
            std::lock_guard body_lock(body_mutex_);
            fcgi::append_pair(message, wine::exec_body_read, std::to_string(body_consumed_));
            context_.pipe->write_stream(fcgi::record_type::stderr_stream, id_, message);
        }
        context_.pipe->end_request(id_, failed ? wine::app_status_failed : 0);
    }
    std::lock_guard lock(body_mutex_);
    body_changed_.notify_all();  // a reader waiting for room
}

void windows_request::report_child_end(unsigned status, std::uint64_t bytes_out) {
    windows_request& link = link_request();
    std::string pairs;
    for (const std::string_view name : wine::child_log_fields)
        if (const auto value = params_.find(name))
            fcgi::append_pair(pairs, name, value->substr(0, wine::child_log_value_bytes));
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started_);
    {
        std::lock_guard lock(body_mutex_);
        fcgi::append_pair(pairs, wine::child_bytes_in, std::to_string(body_consumed_));
    }
    fcgi::append_pair(pairs, wine::child_status, std::to_string(status));
    fcgi::append_pair(pairs, wine::child_iis_status, std::to_string(ecb_.dwHttpStatusCode));
    fcgi::append_pair(pairs, wine::child_bytes_out, std::to_string(bytes_out));
    fcgi::append_pair(pairs, wine::child_duration_us, std::to_string(elapsed.count()));
    fcgi::append_pair(pairs, wine::child_client_gone, link.aborted_ ? "1" : "0");
    fcgi::append_pair(pairs, wine::child_log_data, std::string_view(ecb_.lpszLogData, strnlen(ecb_.lpszLogData, HSE_LOG_BUFFER_LEN)));
    {
        std::lock_guard lock(log_mutex_);
        fcgi::append_pair(pairs, wine::child_log_parameters, log_parameters_);
    }
    // Only while the link's response is open: after its END_REQUEST the id may carry another
    // request (a CLOSE_CONNECTION ended it early), whose line this is not.
    std::lock_guard lock(link.output_mutex_);
    if (!link.finished_)
        context_.pipe->write_stream(fcgi::record_type::stderr_stream, id_, std::string(wine::message_child_log) + pairs);
}

void windows_request::settle() {
    bool failed = false;
    {
        std::lock_guard lock(state_mutex_);
        if (!state_.should_tear_down()) return;
        state_.torn_down();
        failed = end_failed_;
        // Under the state lock: a DONE_WITH_SESSION racing this finds the tombstone in place.
        std::lock_guard registry_lock(registry_mutex);
        registry.erase(conn_);
        // One late DONE_WITH_SESSION is tolerated only if none got TRUE yet.
        ended.emplace(conn_, state_.returned_pending() || state_.done_taken());
        if (ended.size() > max_ended) ended.erase(ended.begin());  // the oldest: ConnIDs only grow
    }
    end_response(failed);
    context_.unfinished.fetch_sub(1);
    const auto last = std::move(keep_alive_);  // may be the last reference: released on return
}

BOOL windows_request::write(const char* data, DWORD size) {
    std::lock_guard lock(output_mutex_);
    if (finished_ || aborted_) {
        SetLastError(ERROR_NETNAME_DELETED);  // as on a closed socket
        return FALSE;
    }
    isapi::response_bytes out;
    if (translator_.write({data, size}, ecb_.dwHttpStatusCode, out) || !send(out)) {
        SetLastError(ERROR_NETNAME_DELETED);
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

BOOL windows_request::admit_async(const char* what, PFN_HSE_IO_COMPLETION own_callback) {
    if (!own_callback && !completion_) {
        if (context_.first_time("async without completion"))
            log_line("extension '" + context_.extension_name + "' started an asynchronous operation (" + what +
                     ") without an HSE_REQ_IO_COMPLETION callback; answering FALSE/ERROR_INVALID_PARAMETER "
                     "(logged once per extension)");
        return fail(ERROR_INVALID_PARAMETER);
    }
    std::unique_lock lock(state_mutex_);
    switch (state_.submit_async(context_.strict_async)) {
        case isapi::session_state::submit_result::refused:
            lock.unlock();
            log_line("extension '" + context_.extension_name + "' started a second asynchronous operation (" + what +
                     ") while one is outstanding; refused (strict_async)");
            return fail(ERROR_INVALID_PARAMETER);
        case isapi::session_state::submit_result::queued:
            if (!std::exchange(warned_second_async_, true)) {
                lock.unlock();
                log_line("extension '" + context_.extension_name + "' started an asynchronous operation (" + what +
                         ") while another is outstanding (ISAPI allows one); queued behind it (logged once per "
                         "request)");
            }
            break;
        case isapi::session_state::submit_result::started: break;
    }
    return TRUE;
}

void windows_request::queue_async(async_op op) {
    std::lock_guard lock(state_mutex_);
    async_ops_.push_back(std::move(op));
    if (std::exchange(draining_, true)) return;
    context_.threads->post([self = shared_from_this()] { self->drain_async(); });
}

void windows_request::drain_async() {
    // Never inline in the call that started the operation, one completion of the request at a
    // time (a completion may chain the next operation: it is then the only outstanding one).
    while (true) {
        async_op op;
        bool exec_starting = false;
        {
            std::lock_guard lock(state_mutex_);
            if (async_ops_.empty()) {
                draining_ = false;
                return;
            }
            op = std::move(async_ops_.front());
            async_ops_.pop_front();
            if (op.exec) {
                // At the front until its child ends: what is queued behind it waits, as in the
                // Linux host's operation queue; exec_finished drains on.
                exec_waiting_ = std::move(op);
                exec_starting = true;
            }
        }
        if (exec_starting) return start_exec();
        if (op.work) std::tie(op.bytes, op.error) = op.work();
        PFN_HSE_IO_COMPLETION callback = op.callback;
        void* context = op.context;
        {
            std::lock_guard lock(state_mutex_);
            state_.completion_started();
            if (!callback) {
                callback = completion_;
                context = completion_context_;
            }
        }
        if (callback) callback(&ecb_, context, op.bytes, op.error);
        {
            std::lock_guard lock(state_mutex_);
            state_.completion_finished();
        }
        settle();  // the last completion may be what the end waited for
    }
}

DWORD windows_request::send_file_range(HANDLE file, std::uint64_t offset, std::uint64_t length, std::uint64_t* sent) {
    std::string chunk(64 * 1024, '\0');
    std::uint64_t left = length ? length : ~std::uint64_t{0};
    while (left > 0) {
        // Positioned reads: extensions share one handle between requests (a file cache).
        OVERLAPPED at{};
        at.Offset = static_cast<DWORD>(offset);
        at.OffsetHigh = static_cast<DWORD>(offset >> 32);
        DWORD got = 0;
        const DWORD want = static_cast<DWORD>(std::min<std::uint64_t>(left, chunk.size()));
        if (!ReadFile(file, chunk.data(), want, &got, &at)) {
            const DWORD error = GetLastError();
            if (error == ERROR_HANDLE_EOF) break;
            return error;
        }
        if (got == 0) break;
        if (!write(chunk.data(), got)) return GetLastError();
        left -= got;
        offset += got;
        if (sent) *sent += got;
    }
    return NO_ERROR;
}

namespace {

/// ERROR_INVALID_HANDLE for what is not a file, WSAEINVAL for an offset past its end: the
/// Linux host's answers (send_job::add_file).
DWORD check_file_range(HANDLE file, std::uint64_t offset) {
    LARGE_INTEGER size{};
    if (!file || file == INVALID_HANDLE_VALUE || GetFileType(file) != FILE_TYPE_DISK || !GetFileSizeEx(file, &size))
        return ERROR_INVALID_HANDLE;
    if (offset > static_cast<std::uint64_t>(size.QuadPart)) return WSAEINVAL;
    return NO_ERROR;
}

}  // namespace

BOOL windows_request::transmit_file(const HSE_TF_INFO& info) {
    if (const DWORD error = check_file_range(info.hFile, info.Offset)) return fail(error);
    const bool async = (info.dwFlags & HSE_IO_ASYNC) != 0;
    if (async && !admit_async("TRANSMIT_FILE", info.pfnHseIO)) return FALSE;
    std::uint64_t sent = 0;
    DWORD error = NO_ERROR;
    if (info.dwFlags & HSE_IO_SEND_HEADERS) {
        if (!send_header(info.pszStatusCode, static_cast<const char*>(info.pHead))) error = GetLastError();
    } else if (info.pHead && info.HeadLength && !write(static_cast<const char*>(info.pHead), info.HeadLength)) {
        error = GetLastError();
    }
    if (!error) error = send_file_range(info.hFile, info.Offset, info.BytesToWrite, &sent);
    if (!error && info.pTail && info.TailLength && !write(static_cast<const char*>(info.pTail), info.TailLength))
        error = GetLastError();
    if (!async) return error ? fail(error) : TRUE;
    // The completion counts what reached the client: head and tail as well as the file.
    const DWORD head = (info.dwFlags & HSE_IO_SEND_HEADERS) ? 0 : info.HeadLength;
    queue_async({nullptr, static_cast<DWORD>(sent + (error ? 0 : head + info.TailLength)), error, info.pfnHseIO,
                 info.pfnHseIO ? info.pContext : nullptr});
    return TRUE;
}

BOOL windows_request::vector_send(const HSE_RESPONSE_VECTOR& vector) {
    // The Linux host's checks (support_functions.cpp), all before anything is sent.
    const bool send_headers = (vector.dwFlags & HSE_IO_SEND_HEADERS) != 0;
    if (send_headers != (vector.pszStatus != nullptr) || send_headers != (vector.pszHeaders != nullptr))
        return fail(ERROR_INVALID_PARAMETER);
    if (vector.nElementCount && !vector.lpElementArray) return fail(ERROR_INVALID_PARAMETER);
    for (DWORD i = 0; i < vector.nElementCount; ++i) {
        const auto& element = vector.lpElementArray[i];
        if (element.ElementType == HSE_VECTOR_ELEMENT_TYPE_MEMORY_BUFFER) {
            if (!element.pvContext || element.cbSize == 0) return fail(ERROR_INVALID_PARAMETER);
        } else if (element.ElementType == HSE_VECTOR_ELEMENT_TYPE_FILE_HANDLE) {
            if (const DWORD error = check_file_range(element.pvContext, element.cbOffset)) return fail(error);
        } else {
            return fail(ERROR_INVALID_PARAMETER);
        }
    }
    const bool async = (vector.dwFlags & HSE_IO_ASYNC) != 0;
    if (async && !admit_async("VECTOR_SEND", nullptr)) return FALSE;
    std::uint64_t sent = 0;
    DWORD error = NO_ERROR;
    if (send_headers && !send_header(vector.pszStatus, vector.pszHeaders)) error = GetLastError();
    for (DWORD i = 0; i < vector.nElementCount && !error; ++i) {
        const auto& element = vector.lpElementArray[i];
        if (element.ElementType == HSE_VECTOR_ELEMENT_TYPE_MEMORY_BUFFER) {
            if (!write(static_cast<const char*>(element.pvContext) + element.cbOffset, static_cast<DWORD>(element.cbSize)))
                error = GetLastError();
            else
                sent += element.cbSize;
        } else {
            error = send_file_range(element.pvContext, element.cbOffset, element.cbSize, &sent);
        }
    }
    // HSE_IO_FINAL_SEND, DISCONNECT_AFTER_SEND: the response ends when the request does.
    if (!async) return error ? fail(error) : TRUE;
    queue_async({nullptr, static_cast<DWORD>(sent), error, nullptr, nullptr});
    return TRUE;
}

BOOL windows_request::send_host_header(const char* status, const char* headers) {
    std::lock_guard lock(output_mutex_);
    isapi::response_bytes out;
    if (finished_ || aborted_) return fail(ERROR_NETNAME_DELETED);
    if (translator_.send_response_header(std::string_view(status), std::string_view(headers), ecb_.dwHttpStatusCode,
                                         out) ||
        !send(out))
        return fail(ERROR_INVALID_PARAMETER);
    return TRUE;
}

BOOL windows_request::send_redirect(const char* location, LPDWORD size, bool send_url) {
    // SEND_URL_REDIRECT_RESP, and SEND_URL: the same 302 unless the pool serves the local URL in
    // place (send_url: internal), as the Linux host does (support_functions.cpp).
    const std::string url(location, strnlen(location, size && *size ? *size : ~std::size_t{0} >> 1));
    if (url.empty()) return fail(ERROR_INVALID_PARAMETER);
    if (send_url && context_.send_url_internal) {
        if (!url.starts_with('/') || url.find_first_of("\r\n") != std::string::npos) return fail(ERROR_INVALID_PARAMETER);
        return send_host_header("200 OK", ("X-Accel-Redirect: " + url + "\r\nContent-Length: 0\r\n\r\n").c_str());
    }
    std::lock_guard lock(output_mutex_);
    isapi::response_bytes out;
    if (finished_ || translator_.send_redirect(url, out) || !send(out)) return fail(ERROR_INVALID_PARAMETER);
    ecb_.dwHttpStatusCode = 302;
    return TRUE;
}

BOOL windows_request::send_custom_error(const HSE_CUSTOM_ERROR_INFO& info) {
    if (!info.pszStatus || !*info.pszStatus) return fail(ERROR_INVALID_PARAMETER);
    // An empty body lets the front end put its own page there (nginx: fastcgi_intercept_errors).
    // uHttpSubError picks among IIS's pages for one status; the front end has one.
    constexpr const char* empty_body = "Content-Length: 0\r\n\r\n";
    if (!info.fAsync) return send_host_header(info.pszStatus, empty_body);
    if (!admit_async("SEND_CUSTOM_ERROR", nullptr)) return FALSE;
    const DWORD error = send_host_header(info.pszStatus, empty_body) ? DWORD{NO_ERROR} : GetLastError();
    queue_async({nullptr, 0, error, nullptr, nullptr});
    return TRUE;
}

BOOL windows_request::done_with_session(const DWORD* status) {
    isapi::session_state::done_result result;
    {
        std::lock_guard lock(state_mutex_);
        result = state_.done_with_session();
        // Racing the end: the tombstone, not this object, now holds the one tolerated call.
        if (result == isapi::session_state::done_result::not_pending && state_.is_torn_down() &&
            !late_done_with_session(conn_))
            result = isapi::session_state::done_result::duplicate;
        if (result == isapi::session_state::done_result::accepted) end_failed_ = status && *status == HSE_STATUS_ERROR;
    }
    switch (result) {
        case isapi::session_state::done_result::not_pending:
            if (context_.first_time("late done"))
                log_line("extension '" + context_.extension_name + "' called DONE_WITH_SESSION for a request whose "
                         "HttpExtensionProc did not return HSE_STATUS_PENDING; ignored (logged once per extension)");
            return TRUE;
        case isapi::session_state::done_result::duplicate:
            log_line("extension '" + context_.extension_name + "' called DONE_WITH_SESSION twice; the second answers FALSE");
            return fail(ERROR_INVALID_PARAMETER);
        case isapi::session_state::done_result::accepted: break;
    }
    settle();
    return TRUE;
}

BOOL windows_request::close_connection() {
    if (closed_by_extension_.exchange(true)) return TRUE;
    // The link gives no hold on the client's connection: the response ends here as it stands,
    // and every write after it fails as on a closed socket; the cancelled read's completion
    // (on another thread, at once) must find it ended, so the end goes first.
    end_response(false);
    cancel_reads(ERROR_NETNAME_DELETED);
    return TRUE;
}

namespace {

/// A Linux path as Wine's drive Z: (the Linux root) shows it.
std::string z_drive(std::string_view linux_path) {
    std::string path = "Z:" + std::string(linux_path);
    std::replace(path.begin(), path.end(), '/', '\\');
    return path;
}

}  // namespace

std::optional<std::string> windows_request::map_path(std::string_view url) const {
    // The Linux host's mapping (path_mapping: no climbing out of the root, directories with a
    // trailing separator; support_functions.cpp's map_path), the path on drive Z:.
    isapi::path_mapping_options options;
    options.is_directory = [](const std::string& path) {
        // The Linux path is UTF-8 (the A functions would read it in the ANSI code page).
        const auto wide = win32::utf8_to_utf16(z_drive(path), false).value_or(std::u16string());
        const DWORD attributes = GetFileAttributesW(reinterpret_cast<const wchar_t*>(wide.c_str()));
        return attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY);
    };
    const auto mapped = isapi::map_url_to_path(variables_.document_root(), url, options);
    if (mapped.error != isapi::path_mapping_error::none) return std::nullopt;
    return z_drive(mapped.value.path);
}

BOOL windows_request::map_url_to_path(char* buffer, LPDWORD size) {
    // The URL is a C string in the buffer; *lpdwSize is what the path may take.
    const auto path = map_path(buffer);
    if (!path) return fail(ERROR_INVALID_PARAMETER);
    const DWORD needed = static_cast<DWORD>(path->size() + 1);
    if (*size < needed) {
        *size = needed;
        return fail(ERROR_INSUFFICIENT_BUFFER);
    }
    std::memcpy(buffer, path->c_str(), needed);
    *size = needed;
    return TRUE;
}

BOOL windows_request::map_url_to_path_ex(const char* url, LPDWORD size, HSE_URL_MAPEX_INFO* info) {
    // The Linux host's answers (support_functions.cpp).
    const auto path = map_path(std::string_view(url, strnlen(url, size && *size ? *size : ~std::size_t{0} >> 1)));
    if (!path) return fail(ERROR_INVALID_PARAMETER);
    const DWORD needed = static_cast<DWORD>(path->size() + 1);
    if (size) *size = needed;  // PHP's ISAPI SAPI reads the path length from here
    if (needed > MAX_PATH) return fail(ERROR_INSUFFICIENT_BUFFER);
    std::memcpy(info->lpszPath, path->c_str(), needed);
    info->dwFlags = context_.url_flags;
    info->cchMatchingPath =
        static_cast<DWORD>(z_drive(isapi::normalize_document_root(variables_.document_root())).size());
    info->cchMatchingURL = 0;  // the document root is the one virtual directory, mapped at "/"
    info->dwReserved1 = 0;
    info->dwReserved2 = 0;
    return TRUE;
}

namespace {

/// A UTF-16 string an extension passed, bounded by `max_bytes` (0: to its NUL) and its NUL.
std::u16string_view bounded_utf16(const void* text, std::size_t max_bytes) {
    const auto* units = static_cast<const char16_t*>(text);
    const std::size_t limit = max_bytes ? max_bytes / 2 : ~std::size_t{0};
    std::size_t n = 0;
    while (n < limit && units[n] != 0) ++n;
    return {units, n};
}

}  // namespace

std::optional<std::u16string> windows_request::map_unicode_path(std::u16string_view url) const {
    const auto utf8 = win32::utf16_to_utf8(url, false);
    const auto path = utf8 ? map_path(*utf8) : std::nullopt;
    if (!path) return std::nullopt;
    return win32::utf8_to_utf16(*path, false).value_or(std::u16string());
}

BOOL windows_request::map_unicode_url_to_path(void* buffer, LPDWORD size) {
    // The Linux host's answers (support_functions.cpp): sizes in bytes, the NUL's two included.
    const auto wide = map_unicode_path(bounded_utf16(buffer, 0));
    if (!wide) return fail(ERROR_INVALID_PARAMETER);
    const DWORD needed = static_cast<DWORD>((wide->size() + 1) * sizeof(char16_t));
    if (*size < needed) {
        *size = needed;
        return fail(ERROR_INSUFFICIENT_BUFFER);
    }
    std::memcpy(buffer, wide->c_str(), needed);
    *size = needed;
    return TRUE;
}

BOOL windows_request::map_unicode_url_to_path_ex(const void* url, LPDWORD size, HSE_UNICODE_URL_MAPEX_INFO* info) {
    const auto wide = map_unicode_path(bounded_utf16(url, size ? *size : 0));
    if (!wide) return fail(ERROR_INVALID_PARAMETER);
    const DWORD needed = static_cast<DWORD>((wide->size() + 1) * sizeof(char16_t));
    if (size) *size = needed;
    // The struct is 532 bytes (the SDK's three DWORDs after the path): only its own fields are
    // written, the path within its MAX_PATH units.
    if (wide->size() + 1 > MAX_PATH) return fail(ERROR_INSUFFICIENT_BUFFER);
    std::memcpy(info->lpszPath, wide->c_str(), needed);
    info->dwFlags = context_.url_flags;
    const std::string root = z_drive(isapi::normalize_document_root(variables_.document_root()));
    info->cchMatchingPath = static_cast<DWORD>(win32::utf8_to_utf16(root, false).value_or(u"").size());
    info->cchMatchingURL = 0;
    return TRUE;
}

BOOL windows_request::get_cert_info_ex(CERT_CONTEXT_EX* out) {
    // The Linux host's answer (isapi_request::get_cert_info_ex), from the same params.
    const auto der = isapi::client_certificate_der(params_.get("SSL_CLIENT_CERT"));
    auto& context = out->CertContext;
    context.dwCertEncodingType = x509_asn_encoding | pkcs_7_asn_encoding;
    context.pCertInfo = nullptr;
    context.hCertStore = nullptr;
    out->dwCertificateFlags = isapi::client_certificate_flags(params_.get("SSL_CLIENT_VERIFY"), der.has_value());
    const DWORD needed = der ? static_cast<DWORD>(der->size()) : 0;
    context.cbCertEncoded = needed;
    if (needed > out->cbAllocated) return fail(ERROR_INSUFFICIENT_BUFFER);
    if (needed && !context.pbCertEncoded) return fail(ERROR_INVALID_PARAMETER);
    if (needed) std::memcpy(context.pbCertEncoded, der->data(), needed);
    return TRUE;
}

BOOL windows_request::report_unhealthy(const char* reason) {
    // The Linux worker logs it and tells its master, which recycles it (and with it this worker).
    std::string text = reason ? std::string(reason, strnlen(reason, 512)) : "(no reason given)";
    // On the request's id while its response is open (the Linux worker's line names the
    // request); once it ended (CLOSE_CONNECTION) the id may already carry another request, so
    // the report goes on id 0, the worker's own. The lock keeps END_REQUEST from slipping in.
    std::lock_guard lock(output_mutex_);
    context_.pipe->write_stream(fcgi::record_type::stderr_stream, finished_ ? 0 : id_,
                                std::string(wine::message_unhealthy) + text);
    return TRUE;
}

BOOL windows_request::unsupported(DWORD code) { return invalid_parameter(code, ", which is not supported"); }

BOOL windows_request::refused(DWORD code) {
    return invalid_parameter(code, " with arguments or at a time it refuses");
}

BOOL windows_request::invalid_parameter(DWORD code, const char* why) {
    if (context_.first_time("ssf " + std::to_string(code)))
        log_line("extension '" + context_.extension_name + "' called ServerSupportFunction(" + std::to_string(code) +
                 ")" + why + "; answering FALSE/ERROR_INVALID_PARAMETER (logged once per code and extension)");
    return fail(ERROR_INVALID_PARAMETER);
}

BOOL windows_request::support(DWORD request, LPVOID buffer, LPDWORD size, LPDWORD type) {
    const BOOL ok = dispatch(request, buffer, size, type);
    // A known code refusing its arguments is a bug in the extension worth one line (the
    // unsupported ones log their own), as in the Linux host.
    if (!ok && GetLastError() == ERROR_INVALID_PARAMETER) return refused(request);
    return ok;
}

BOOL windows_request::dispatch(DWORD request, LPVOID buffer, LPDWORD size, LPDWORD type) {
    switch (request) {
        case HSE_REQ_SEND_RESPONSE_HEADER:
            return send_header(static_cast<const char*>(buffer), reinterpret_cast<const char*>(type));
        case HSE_REQ_SEND_RESPONSE_HEADER_EX: {
            const auto* info = static_cast<const HSE_SEND_HEADER_EX_INFO*>(buffer);
            if (!info) break;
            return send_header(info->pszStatus, info->pszHeader);
        }
        case HSE_REQ_SEND_URL_REDIRECT_RESP:
        case HSE_REQ_SEND_URL:
            if (!buffer) break;
            return send_redirect(static_cast<const char*>(buffer), size, request == HSE_REQ_SEND_URL);
        case HSE_REQ_SEND_CUSTOM_ERROR:
            if (!buffer) break;
            return send_custom_error(*static_cast<const HSE_CUSTOM_ERROR_INFO*>(buffer));
        case HSE_REQ_DONE_WITH_SESSION:
            return done_with_session(static_cast<const DWORD*>(buffer));
        case HSE_REQ_IO_COMPLETION: {
            // The context pointer travels in the lpdwDataType slot.
            std::lock_guard lock(state_mutex_);
            completion_ = reinterpret_cast<PFN_HSE_IO_COMPLETION>(buffer);
            completion_context_ = type;
            return TRUE;
        }
        case HSE_REQ_ASYNC_READ_CLIENT: {
            if (!buffer || !size || !type || !(*type & HSE_IO_ASYNC)) break;
            if (!admit_async("HSE_REQ_ASYNC_READ_CLIENT", nullptr)) return FALSE;
            char* target = static_cast<char*>(buffer);
            const DWORD want = *size;
            std::uint64_t generation = 0;
            {
                std::lock_guard lock(body_mutex_);
                generation = read_generation_;
            }
            queue_async({[this, target, want, generation] { return read_body_async(target, want, generation); }});
            return TRUE;
        }
        case HSE_REQ_TRANSMIT_FILE: {
            if (!buffer) break;
            return transmit_file(*static_cast<const HSE_TF_INFO*>(buffer));
        }
        case HSE_REQ_VECTOR_SEND:
            if (!buffer) break;
            return vector_send(*static_cast<const HSE_RESPONSE_VECTOR*>(buffer));
        case HSE_REQ_IS_KEEP_CONN:
        case HSE_REQ_IS_CONNECTED:
            if (!buffer) break;
            *static_cast<BOOL*>(buffer) = !aborted_ && !finished_;
            return TRUE;
        case HSE_APPEND_LOG_PARAMETER: {
            if (!buffer) break;
            std::lock_guard lock(log_mutex_);
            const std::string_view text(static_cast<const char*>(buffer));
            if (log_parameters_.size() < 4096) log_parameters_.append(text.substr(0, 4096 - log_parameters_.size()));
            return TRUE;
        }
        case HSE_REQ_GET_CERT_INFO_EX:
            if (!buffer) break;
            return get_cert_info_ex(static_cast<CERT_CONTEXT_EX*>(buffer));
        case HSE_REQ_REPORT_UNHEALTHY:
            return report_unhealthy(static_cast<const char*>(buffer));
        case HSE_REQ_NORMALIZE_URL: {
            if (!buffer) break;
            auto* text = static_cast<char*>(buffer);
            const auto normalized = isapi::normalize_url(text);
            if (!normalized) break;
            std::memcpy(text, normalized->c_str(), normalized->size() + 1);  // never longer
            return TRUE;
        }
        case HSE_REQ_IS_IN_PROCESS:
            if (!buffer) break;
            *static_cast<DWORD*>(buffer) = HSE_APP_FLAG_IN_PROCESS;
            return TRUE;
        case HSE_REQ_GET_TRACE_INFO: {
            if (!buffer) break;
            auto& info = *static_cast<HSE_TRACE_INFO*>(buffer);
            info.fTraceRequest = FALSE;
            std::memset(info.TraceContextId, 0, sizeof info.TraceContextId);
            return TRUE;
        }
        case HSE_REQ_GET_CACHE_INVALIDATION_CALLBACK:
            if (!buffer) break;
            *static_cast<PFN_HSE_CACHE_INVALIDATION_CALLBACK*>(buffer) = &invalidate_nothing;
            return TRUE;
        case HSE_REQ_CLOSE_CONNECTION: return close_connection();
        case HSE_REQ_CANCEL_IO:
            cancel_reads(ERROR_OPERATION_ABORTED);  // writes went out in their call already
            return TRUE;
        case HSE_REQ_ABORTIVE_CLOSE:
        case HSE_REQ_SET_FLUSH_FLAG:
        case HSE_REQ_REFRESH_ISAPI_ACL:
            return TRUE;
        case HSE_REQ_MAP_URL_TO_PATH:
            if (!buffer || !size) break;
            return map_url_to_path(static_cast<char*>(buffer), size);
        case HSE_REQ_MAP_URL_TO_PATH_EX:
            // The HSE_URL_MAPEX_INFO travels in the lpdwDataType slot.
            if (!buffer || !type) break;
            return map_url_to_path_ex(static_cast<const char*>(buffer), size, reinterpret_cast<HSE_URL_MAPEX_INFO*>(type));
        case HSE_REQ_MAP_UNICODE_URL_TO_PATH:
            if (!buffer || !size) break;
            return map_unicode_url_to_path(buffer, size);
        case HSE_REQ_MAP_UNICODE_URL_TO_PATH_EX:
            if (!buffer || !type) break;
            return map_unicode_url_to_path_ex(buffer, size, reinterpret_cast<HSE_UNICODE_URL_MAPEX_INFO*>(type));
        case HSE_REQ_EXEC_URL:
        case HSE_REQ_EXEC_UNICODE_URL:
            if (!buffer) break;
            return exec_url_call(request, buffer);
        case HSE_REQ_GET_EXEC_URL_STATUS:
            // The sample passes the struct in lpvBuffer, the prose in lpdwDataType: accept both.
            return get_exec_url_status(static_cast<HSE_EXEC_URL_STATUS*>(buffer ? buffer : static_cast<void*>(type)));
        default:
            return unsupported(request);
    }
    return fail(ERROR_INVALID_PARAMETER);
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
    if (!(flags & HSE_IO_ASYNC)) return self->write(static_cast<const char*>(buffer), *bytes);
    // Gone already: refused at once; going while the bytes go out: the completion says so.
    if (self->aborted_ || self->finished_) {
        SetLastError(ERROR_NETNAME_DELETED);
        return FALSE;
    }
    if (!self->admit_async("WriteClient", nullptr)) return FALSE;
    // The bytes go out now, in call order; the completion follows on a pool thread.
    const DWORD size = *bytes;
    const BOOL ok = self->write(static_cast<const char*>(buffer), size);
    self->queue_async({nullptr, ok ? size : 0, ok ? DWORD{NO_ERROR} : DWORD{ERROR_OPERATION_ABORTED}, nullptr, nullptr});
    return TRUE;
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
        if (request == HSE_REQ_DONE_WITH_SESSION && late_done_with_session(conn)) return TRUE;
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    return self->support(request, buffer, size, type);
}

}  // namespace isapi_fcgi::wine_worker
