// What the ServerSupportFunction codes that touch a request's state do to it: the header and
// redirect calls, TRANSMIT_FILE/VECTOR_SEND and ASYNC_READ_CLIENT as operations, DONE_WITH_SESSION,
// the completion callback, CLOSE_CONNECTION and CANCEL_IO. support_functions.cpp decodes their
// C arguments and answers the codes that need nothing of the request's state.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "isapi/conn_table.hpp"
#include "isapi/isapi_request.hpp"

namespace isapi_fcgi::isapi {
namespace {

call_result result_of(const op_result& result) { return result.ok ? call_result::ok : call_failed(result.error); }

}  // namespace

call_result isapi_request::send_response_header(std::string_view what, std::optional<std::string_view> status,
                                                std::optional<std::string_view> headers) {
    io_op op;
    op.what = io_op::kind::header;
    op.label = what;
    op.status = status;
    op.headers = headers;
    op.ecb_status = ecb_.dwHttpStatusCode;
    return result_of(run_sync(std::move(op)));
}

call_result isapi_request::send_redirect(std::string_view location) {
    io_op op;
    op.what = io_op::kind::redirect;
    op.label = "SEND_URL_REDIRECT_RESP";
    op.text = std::string(location);
    const auto result = run_sync(std::move(op));
    if (!result.ok) return call_failed(result.error);
    ecb_.dwHttpStatusCode = 302;
    return call_result::ok;
}

call_result isapi_request::done_with_session(std::optional<std::uint32_t> status) {
    // Any thread, the extension's own included: only session_state changes, under the mutex,
    // and settle() queues what follows; nothing here waits or runs extension code.
    lock_type lock(mutex_);
    auto result = state_.done_with_session();
    // Racing the tear-down: the tombstone, not this object, now holds the one tolerated call.
    if (result == session_state::done_result::not_pending && state_.is_torn_down() &&
        !conn_table::instance().take_late_done(conn_id_))
        result = session_state::done_result::duplicate;
    switch (result) {
    case session_state::done_result::not_pending:
        lock.unlock();
        if (pool_->first_time(std::string(extension_name()), "late done"))
            spdlog::info("{} extension '{}' called DONE_WITH_SESSION for a request whose HttpExtensionProc did not "
                         "return HSE_STATUS_PENDING; ignored (logged once per extension)",
                         log_context(), extension_name());
        return call_result::ok;
    case session_state::done_result::duplicate:
        lock.unlock();
        spdlog::warn("{} extension '{}' called DONE_WITH_SESSION twice; the second answers FALSE", log_context(),
                     extension_name());
        return call_failed(ERROR_INVALID_PARAMETER);
    case session_state::done_result::accepted: break;
    }
    end_status_ = status.value_or(HSE_STATUS_SUCCESS);
    settle(lock);
    return call_result::ok;
}

call_result isapi_request::set_completion(completion_target target) {
    std::lock_guard lock(mutex_);
    completions_.register_callback(target);
    return call_result::ok;
}

call_result isapi_request::async_read_client(std::span<std::byte> into) {
    if (into.empty()) return call_failed(ERROR_INVALID_PARAMETER);
    io_op op;
    op.what = io_op::kind::read;
    op.label = "HSE_REQ_ASYNC_READ_CLIENT";
    op.into = into;
    return submit_async(std::move(op), {});
}

call_result isapi_request::send(std::unique_ptr<send_job> job, std::string_view what, bool async,
                                completion_target target) {
    io_op op;
    op.what = io_op::kind::send;
    op.label = what;
    op.job = std::shared_ptr<send_job>(std::move(job));
    op.ecb_status = ecb_.dwHttpStatusCode;
    if (async) return submit_async(std::move(op), target);
    return result_of(run_sync(std::move(op)));
}

bool isapi_request::is_connected() {
    std::lock_guard lock(mutex_);
    return !response_closed();
}

call_result isapi_request::append_log_parameter(std::string_view text) {
    std::lock_guard lock(mutex_);
    if (log_parameters_.size() < 4096) log_parameters_.append(text.substr(0, 4096 - log_parameters_.size()));
    return call_result::ok;
}

call_result isapi_request::send_url(std::string_view url) {
    if (!pool_->options().send_url_internal) return send_redirect(url);
    // IIS 4: the local URL is served in place of this response. nginx does that for an
    // X-Accel-Redirect header on an otherwise empty response; only a local path can be.
    if (!url.starts_with('/') || url.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
        return call_failed(ERROR_INVALID_PARAMETER);
    io_op op;
    op.what = io_op::kind::host_header;
    op.label = "SEND_URL";
    op.text = "200 OK";
    op.header_text = fmt::format("X-Accel-Redirect: {}\r\nContent-Length: 0\r\n\r\n", url);
    op.ecb_status = ecb_.dwHttpStatusCode;
    return result_of(run_sync(std::move(op)));
}

call_result isapi_request::send_custom_error(std::string_view status, bool async) {
    io_op op;
    op.what = io_op::kind::host_header;
    op.label = "SEND_CUSTOM_ERROR";
    op.text = std::string(status);
    // An empty body is what lets the front end put its own page there (nginx:
    // fastcgi_intercept_errors on with error_page; Apache: ProxyErrorOverride On).
    op.header_text = "Content-Length: 0\r\n\r\n";
    op.ecb_status = ecb_.dwHttpStatusCode;
    if (async) return submit_async(std::move(op), {});
    return result_of(run_sync(std::move(op)));
}

call_result isapi_request::close_connection() {
    lock_type lock(mutex_);
    if (closed_by_extension_) return call_result::ok;
    closed_by_extension_ = true;
    cancel_operations(lock, ERROR_NETNAME_DELETED, true);
    // FastCGI gives no hold on the client's connection (docs/extensions.md): the response ends
    // here as it stands, and everything after fails as on a closed socket.
    if (!state_.response_has_ended()) {
        response_bytes out;
        if (auto ec = translator_.finish(ecb_.dwHttpStatusCode ? ecb_.dwHttpStatusCode : 200, out))
            spdlog::warn("{} cannot finish the response: {}", log_context(), ec.message());
        queue_response(lock, out, nullptr);
        end_response(lock, false);
    }
    return call_result::ok;
}

call_result isapi_request::cancel_io() {
    lock_type lock(mutex_);
    cancel_operations(lock, ERROR_OPERATION_ABORTED, false);
    return call_result::ok;
}

}  // namespace isapi_fcgi::isapi
