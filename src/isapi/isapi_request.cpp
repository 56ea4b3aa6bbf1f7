#include "isapi/isapi_request.hpp"

#include <charconv>
#include <cstring>
#include <future>

#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/log_text.hpp"
#include "engine/simple_response.hpp"
#include "isapi/callbacks.hpp"
#include "isapi/conn_registry.hpp"
#include "isapi/http_status.hpp"
#include "isapi/path_mapping.hpp"

namespace isapi_fcgi::isapi {
namespace {

constexpr DWORD unknown_length = 0xFFFFFFFF;

/// CONTENT_LENGTH as ISAPI can carry it: a decimal below 0xFFFFFFFF, else nothing.
std::optional<std::uint64_t> content_length(const fcgi::param_set& params) {
    const auto text = params.get("CONTENT_LENGTH");
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value >= unknown_length)
        return std::nullopt;
    return value;
}

LPSTR mutable_c_str(std::string& s) { return s.data(); }

std::string_view status_name(DWORD status) {
    switch (status) {
    case HSE_STATUS_SUCCESS: return "HSE_STATUS_SUCCESS";
    case HSE_STATUS_SUCCESS_AND_KEEP_CONN: return "HSE_STATUS_SUCCESS_AND_KEEP_CONN";
    case HSE_STATUS_PENDING: return "HSE_STATUS_PENDING";
    case HSE_STATUS_ERROR: return "HSE_STATUS_ERROR";
    default: return "an unknown status";
    }
}

}  // namespace

isapi_request::isapi_request(std::shared_ptr<engine::request> request, std::shared_ptr<pool_host> pool,
                             std::size_t extension, url_match match)
    : request_(std::move(request)),
      pool_(std::move(pool)),
      extension_(extension),
      match_(std::move(match)),
      translator_(pool_->translator_options()),
      conn_id_(0) {}

isapi_request::~isapi_request() = default;

std::string_view isapi_request::ext_name() const { return pool_->extension(extension_).name(); }

void isapi_request::start() {
    conn_id_ = conn_registry::instance().add(shared_from_this());
    const auto& params = request_->params();
    pool_->observer().request_started({request_->serial(), pool_->settings().name, ext_name(), extension_,
                                       params.get("REQUEST_METHOD"), params.get("REQUEST_URI")});
    std::weak_ptr<isapi_request> weak = shared_from_this();
    request_->on_abort([weak] {
        if (auto self = weak.lock()) self->client_gone_ = true;
    });
    const auto length = content_length(request_->params());
    const std::size_t ahead = pool_->settings().isapi.upload_read_ahead;
    read_ahead_target_ = length ? std::min<std::uint64_t>(*length, ahead) : ahead;
    read_ahead_.resize(read_ahead_target_ + 1);
    read_ahead_.resize(0);
    if (length && *length == 0) {
        body_ended_ = true;  // nothing to read ahead; the empty STDIN record is dropped later
        return enqueue();
    }
    read_ahead();
}

void isapi_request::read_ahead() {
    if (read_ahead_.size() >= read_ahead_target_) return enqueue();
    const std::size_t have = read_ahead_.size();
    read_ahead_.resize(read_ahead_target_);
    auto self = shared_from_this();
    request_->async_read_stdin(std::span<std::byte>(reinterpret_cast<std::byte*>(read_ahead_.data()) + have,
                                                    read_ahead_target_ - have),
                               [self, have](std::error_code ec, std::size_t n) {
                                   self->read_ahead_.resize(have + n);
                                   self->on_read_ahead(ec, n);
                               });
}

void isapi_request::on_read_ahead(std::error_code ec, std::size_t n) {
    body_bytes_read_ += n;
    if (ec) {
        // The web server went away before the extension ran: nobody is left to answer.
        spdlog::info("{} aborted while reading the request body ahead: {}", request_->log_context(), ec.message());
        std::lock_guard lock(mutex_);
        finished_ = true;
        request_->end(0);
        notify_finished();
        conn_registry::instance().remove(conn_id_);
        return;
    }
    if (n == 0) {
        body_ended_ = true;
        return enqueue();
    }
    if (body_bytes_read_ > pool_->settings().isapi.max_request_body) {
        std::lock_guard lock(mutex_);
        body_too_large_ = true;
        return answer_error(413, "the request body exceeds max_request_body");
    }
    read_ahead();
}

void isapi_request::enqueue() {
    read_ahead_.push_back(0);  // real extensions treat lpbData as a C string
    queued_at_ = std::chrono::steady_clock::now();
    boost::asio::post(pool_->threads(), [self = shared_from_this()] { self->run(); });
}

void isapi_request::run() {
    const auto waited = std::chrono::steady_clock::now() - queued_at_;
    if (waited > pool_->settings().isapi.queue_timeout) {
        std::lock_guard lock(mutex_);
        return answer_error(503, fmt::format("waited {}ms for an extension thread (queue_timeout)",
                                             std::chrono::duration_cast<std::chrono::milliseconds>(waited).count()));
    }
    auto& ext = pool_->extension(extension_);
    if (!ext.usable()) {
        std::lock_guard lock(mutex_);
        return answer_error(500, fmt::format("extension '{}' failed GetExtensionVersion", ext.name()));
    }

    const auto length = content_length(request_->params());
    const std::size_t available = read_ahead_.size() - 1;
    const DWORD total = length ? static_cast<DWORD>(*length) : (body_ended_ && available == 0 ? 0 : unknown_length);
    variables_.emplace(request_->params(), match_, pool_->variables_config(), total == unknown_length);
    auto& variables = *variables_;
    method_ = std::string(variables.method());
    query_ = std::string(variables.query_string());
    path_info_ = variables.path_info();
    path_translated_ = variables.path_translated();
    content_type_ = std::string(variables.content_type());

    ecb_.cbSize = sizeof(ecb_);
    ecb_.dwVersion = MAKELONG(HSE_VERSION_MINOR, HSE_VERSION_MAJOR);
    ecb_.ConnID = reinterpret_cast<HCONN>(static_cast<std::uintptr_t>(conn_id_));
    ecb_.dwHttpStatusCode = 200;
    ecb_.lpszMethod = mutable_c_str(method_);
    ecb_.lpszQueryString = mutable_c_str(query_);
    ecb_.lpszPathInfo = mutable_c_str(path_info_);
    ecb_.lpszPathTranslated = mutable_c_str(path_translated_);
    ecb_.lpszContentType = mutable_c_str(content_type_);
    ecb_.cbTotalBytes = total;
    ecb_.cbAvailable = static_cast<DWORD>(available);
    ecb_.lpbData = read_ahead_.data();
    ecb_.GetServerVariable = &callbacks::get_server_variable;
    ecb_.WriteClient = &callbacks::write_client;
    ecb_.ReadClient = &callbacks::read_client;
    ecb_.ServerSupportFunction = &callbacks::server_support_function;

    DWORD status = HSE_STATUS_ERROR;
    pool_->observer().extension_code_entered(request_->serial());
    try {
        status = ext.call(&ecb_);
    } catch (const std::exception& e) {
        spdlog::error("{} extension '{}' threw from HttpExtensionProc: {}", request_->log_context(), ext.name(),
                      engine::log_text(e.what()));
    } catch (...) {
        spdlog::error("{} extension '{}' threw a non-standard exception from HttpExtensionProc",
                      request_->log_context(), ext.name());
    }
    pool_->observer().extension_code_left(request_->serial());
    after_proc(status);
}

void isapi_request::after_proc(DWORD status) {
    std::lock_guard lock(mutex_);
    if (status == HSE_STATUS_PENDING) {
        proc_returned_pending_ = true;
        pool_->observer().request_pending(request_->serial());
        if (done_with_session_) finish();
        return;
    }
    if (body_too_large_ && !translator_.headers_sent())
        return answer_error(413, "the request body exceeds max_request_body");
    if (status == HSE_STATUS_ERROR) {
        if (!translator_.headers_sent())
            return answer_error(500, fmt::format("extension '{}' returned HSE_STATUS_ERROR", ext_name()));
        spdlog::warn("{} extension '{}' returned HSE_STATUS_ERROR after sending its response; logged as 500",
                     request_->log_context(), ext_name());
        ecb_.dwHttpStatusCode = 500;
    } else if (status != HSE_STATUS_SUCCESS && status != HSE_STATUS_SUCCESS_AND_KEEP_CONN) {
        spdlog::warn("{} extension '{}' returned {} ({}); treated as HSE_STATUS_SUCCESS", request_->log_context(),
                     ext_name(), status_name(status), status);
    }
    finish();
}

void isapi_request::finish() {
    if (finished_) return;
    finished_ = true;
    response_bytes out;
    if (auto ec = translator_.finish(ecb_.dwHttpStatusCode ? ecb_.dwHttpStatusCode : 200, out)) {
        spdlog::warn("{} cannot finish the response: {}", request_->log_context(), ec.message());
    }
    if (!out.empty()) send(out);
    request_->end(0);
    write_access_log();
    notify_finished();
    conn_registry::instance().remove(conn_id_);
}

void isapi_request::answer_error(unsigned status, std::string_view why) {
    if (finished_) return;
    finished_ = true;
    spdlog::error("{} answering {}: {}", request_->log_context(), status, why);
    ecb_.dwHttpStatusCode = status;
    auto out = translator_.error_response(status);
    if (!out.empty()) send(out);
    request_->end(0);
    write_access_log();
    notify_finished();
    conn_registry::instance().remove(conn_id_);
}

void isapi_request::notify_finished() {
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                               started_);
    pool_->observer().request_finished({request_->serial(), pool_->settings().name, ext_name(), extension_,
                                        translator_.status_code(), ecb_.dwHttpStatusCode, proc_returned_pending_,
                                        false, body_bytes_read_, translator_.body_bytes(), elapsed});
}

bool isapi_request::send(const response_bytes& bytes) {
    std::promise<std::error_code> written;
    auto done = written.get_future();
    auto complete = [&written](std::error_code ec) { written.set_value(ec); };
    const bool has_view = !bytes.body_view.empty();
    const bool has_copy = !bytes.body_copy.empty();
    if (!bytes.header_bytes.empty())
        request_->write_copy(bytes.header_bytes, has_view || has_copy ? engine::request::write_handler{} : complete);
    if (has_copy) request_->write_copy(bytes.body_copy, has_view ? engine::request::write_handler{} : complete);
    if (has_view) request_->async_write(std::as_bytes(bytes.body_view), complete);
    // Sync WriteClient semantics: return once the connection has taken the bytes (which also
    // keeps the borrowed body alive long enough and gives backpressure to the extension).
    const auto ec = done.get();
    if (ec) client_gone_ = true;
    return !ec;
}

BOOL isapi_request::send_header(std::string_view what, std::optional<std::string_view> status,
                                std::optional<std::string_view> headers) {
    response_bytes out;
    if (auto ec = translator_.send_response_header(status, headers, ecb_.dwHttpStatusCode, out)) {
        spdlog::warn("{} {} refused: {}", request_->log_context(), what, ec.message());
        return fail(ERROR_INVALID_PARAMETER);
    }
    if (!send(out)) return fail(ERROR_NETNAME_DELETED);
    return TRUE;
}

BOOL isapi_request::fail(DWORD error) {
    SetLastError(error);
    return FALSE;
}

BOOL isapi_request::unsupported(DWORD code) {
    if (pool_->first_time(std::string(ext_name()), fmt::format("ssf {}", code)))
        spdlog::warn("{} extension '{}' called ServerSupportFunction({}), which is not supported; answering "
                     "FALSE/ERROR_INVALID_PARAMETER (logged once per code and extension)",
                     request_->log_context(), ext_name(), code);
    return fail(ERROR_INVALID_PARAMETER);
}

// ---- callbacks ------------------------------------------------------------------------------

BOOL isapi_request::get_server_variable(LPSTR name, LPVOID buffer, LPDWORD size) {
    if (!size) return fail(ERROR_INVALID_PARAMETER);
    std::uint32_t n = *size;
    if (!variables_) return fail(ERROR_INVALID_PARAMETER);
    const auto status = variables_->copy(name, static_cast<char*>(buffer), &n);
    *size = n;
    switch (status) {
    case copy_status::ok: return TRUE;
    case copy_status::insufficient_buffer: return fail(ERROR_INSUFFICIENT_BUFFER);
    case copy_status::invalid_index: return fail(ERROR_INVALID_INDEX);
    case copy_status::invalid_parameter: return fail(ERROR_INVALID_PARAMETER);
    }
    return fail(ERROR_INVALID_PARAMETER);
}

BOOL isapi_request::write_client(LPVOID buffer, LPDWORD bytes, DWORD flags) {
    if (flags & HSE_IO_ASYNC) return unsupported(HSE_REQ_IO_COMPLETION);
    if (!bytes) return fail(ERROR_INVALID_PARAMETER);
    if (*bytes == 0) return TRUE;
    if (!buffer) return fail(ERROR_INVALID_PARAMETER);
    std::lock_guard lock(mutex_);
    if (finished_) return fail(ERROR_INVALID_PARAMETER);
    if (client_gone_) return fail(ERROR_NETNAME_DELETED);
    response_bytes out;
    if (auto ec = translator_.write(std::span<const char>(static_cast<const char*>(buffer), *bytes),
                                    ecb_.dwHttpStatusCode, out)) {
        spdlog::warn("{} WriteClient refused: {}", request_->log_context(), ec.message());
        if (!translator_.headers_sent()) {
            auto error = translator_.error_response(500);
            if (!error.empty()) send(error);
        }
        return fail(ERROR_INVALID_PARAMETER);
    }
    if (!out.empty() && !send(out)) return fail(ERROR_NETNAME_DELETED);
    return TRUE;
}

BOOL isapi_request::read_client(LPVOID buffer, LPDWORD size) {
    if (!size || (*size && !buffer)) return fail(ERROR_INVALID_PARAMETER);
    std::lock_guard lock(mutex_);
    if (finished_) return fail(ERROR_INVALID_PARAMETER);
    if (*size == 0 || body_ended_ || client_gone_ || body_too_large_) {
        *size = 0;
        return TRUE;  // IIS: end of body, and a vanished client, both read as 0 bytes
    }
    std::promise<std::pair<std::error_code, std::size_t>> read;
    auto done = read.get_future();
    request_->async_read_stdin(std::span<std::byte>(static_cast<std::byte*>(buffer), *size),
                               [&read](std::error_code ec, std::size_t n) { read.set_value({ec, n}); });
    const auto [ec, n] = done.get();
    if (ec) {
        client_gone_ = true;
        *size = 0;
        return TRUE;
    }
    if (n == 0) body_ended_ = true;
    body_bytes_read_ += n;
    if (body_bytes_read_ > pool_->settings().isapi.max_request_body) {
        body_too_large_ = true;
        spdlog::warn("{} the request body crossed max_request_body ({} bytes)", request_->log_context(),
                     pool_->settings().isapi.max_request_body);
        *size = 0;
        return TRUE;
    }
    *size = static_cast<DWORD>(n);
    return TRUE;
}

BOOL isapi_request::server_support(DWORD code, LPVOID buffer, LPDWORD size, LPDWORD data_type) {
    std::unique_lock lock(mutex_);
    if (finished_ && code != HSE_REQ_DONE_WITH_SESSION) return fail(ERROR_INVALID_PARAMETER);
    switch (code) {
    case HSE_REQ_SEND_RESPONSE_HEADER:
        return send_header("SEND_RESPONSE_HEADER",
                           bounded_c_string(static_cast<const char*>(buffer), size ? *size : 0),
                           bounded_c_string(reinterpret_cast<const char*>(data_type), 0));
    case HSE_REQ_SEND_RESPONSE_HEADER_EX: {
        if (!buffer) return fail(ERROR_INVALID_PARAMETER);
        const auto* info = static_cast<const HSE_SEND_HEADER_EX_INFO*>(buffer);
        return send_header("SEND_RESPONSE_HEADER_EX", bounded_c_string(info->pszStatus, info->cchStatus),
                           bounded_c_string(info->pszHeader, info->cchHeader));
    }
    case HSE_REQ_SEND_URL_REDIRECT_RESP: {
        const auto location = bounded_c_string(static_cast<const char*>(buffer), 0);
        if (!location || location->empty()) return fail(ERROR_INVALID_PARAMETER);
        response_bytes out;
        if (auto ec = translator_.send_redirect(*location, out)) {
            spdlog::warn("{} SEND_URL_REDIRECT_RESP refused: {}", request_->log_context(), ec.message());
            return fail(ERROR_INVALID_PARAMETER);
        }
        ecb_.dwHttpStatusCode = 302;
        if (!send(out)) return fail(ERROR_NETNAME_DELETED);
        return TRUE;
    }
    case HSE_REQ_IS_KEEP_CONN: {
        if (!buffer) return fail(ERROR_INVALID_PARAMETER);
        const auto protocol = request_->params().get("SERVER_PROTOCOL");
        const auto connection = request_->params().get("HTTP_CONNECTION");
        const bool close = connection.find("close") != std::string_view::npos ||
                           connection.find("Close") != std::string_view::npos;
        const bool keep = protocol == "HTTP/1.0" ? connection.find("eep-") != std::string_view::npos : !close;
        *static_cast<BOOL*>(buffer) = keep ? TRUE : FALSE;
        return TRUE;
    }
    case HSE_REQ_IS_CONNECTED:
        if (!buffer) return fail(ERROR_INVALID_PARAMETER);
        *static_cast<BOOL*>(buffer) = client_gone_ || request_->aborted() ? FALSE : TRUE;
        return TRUE;
    case HSE_APPEND_LOG_PARAMETER: {
        const auto text = bounded_c_string(static_cast<const char*>(buffer), 0);
        if (!text) return fail(ERROR_INVALID_PARAMETER);
        if (log_parameters_.size() < 4096) log_parameters_ += *text;
        return TRUE;
    }
    case HSE_REQ_MAP_URL_TO_PATH: {
        if (!buffer || !size) return fail(ERROR_INVALID_PARAMETER);
        const auto url = bounded_c_string(static_cast<const char*>(buffer), *size);
        if (!url) return fail(ERROR_INVALID_PARAMETER);
        path_mapping_options options;
        options.is_directory = is_existing_directory;
        const auto mapped = map_url_to_path(variables_ ? variables_->document_root() : std::string(), *url, options);
        if (mapped.error != path_mapping_error::none) return fail(ERROR_INVALID_PARAMETER);
        const auto& path = mapped.value.path;
        if (*size < path.size() + 1) {
            *size = static_cast<DWORD>(path.size() + 1);
            return fail(ERROR_INSUFFICIENT_BUFFER);
        }
        std::memcpy(buffer, path.c_str(), path.size() + 1);
        *size = static_cast<DWORD>(path.size() + 1);
        return TRUE;
    }
    case HSE_REQ_DONE_WITH_SESSION:
        if (finished_ || (!proc_returned_pending_ && done_with_session_)) {
            if (pool_->first_time(std::string(ext_name()), "late done"))
                spdlog::info("{} extension '{}' called DONE_WITH_SESSION for a request that is not pending; "
                             "ignored (logged once per extension)",
                             request_->log_context(), ext_name());
            return TRUE;
        }
        done_with_session_ = true;
        if (proc_returned_pending_) finish();
        return TRUE;
    default:
        return unsupported(code);
    }
}

void isapi_request::write_access_log() {
    auto* log = pool_->access_log();
    if (!log) return;
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                               started_);
    const auto& params = request_->params();
    ecb_.lpszLogData[HSE_LOG_BUFFER_LEN - 1] = '\0';
    log->info("{} \"{} {}\" {} {} in={} out={} {}us ext={} log=\"{}{}\"", request_->log_context(),
              engine::log_text(params.get("REQUEST_METHOD")), engine::log_text(params.get("REQUEST_URI"), 1024),
              translator_.status_code(), ecb_.dwHttpStatusCode, body_bytes_read_, translator_.body_bytes(),
              elapsed.count(), ext_name(), engine::log_text(ecb_.lpszLogData), engine::log_text(log_parameters_));
}

}  // namespace isapi_fcgi::isapi
