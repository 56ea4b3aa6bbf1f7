// isapi_request's side of HSE_REQ_EXEC_URL: the operation that starts a child request when it
// reaches the front of the queue, and what the child's channel hands back through
// exec_url_parent (its output, its end). docs/architecture.md, "Child requests".
#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/errc.hpp"
#include "engine/log_text.hpp"
#include "isapi/child_channel.hpp"
#include "isapi/ecb_builder.hpp"
#include "isapi/isapi_request.hpp"

namespace isapi_fcgi::isapi {

namespace {

// IIS nests child requests without a documented limit; a child re-running its own URL without
// HSE_EXEC_URL_IGNORE_CURRENT_INTERCEPTOR would otherwise recurse until memory runs out.
constexpr unsigned max_exec_depth = 8;

}  // namespace

call_result isapi_request::exec_url(exec_url_request child) {
    if (depth_ + 1 > max_exec_depth) {
        if (pool_->first_time(std::string(extension_name()), "exec depth"))
            spdlog::warn("{} extension '{}' nests HSE_REQ_EXEC_URL deeper than {} levels; refused with "
                         "ERROR_INVALID_PARAMETER (logged once per extension)",
                         log_context(), extension_name(), max_exec_depth);
        return call_failed(ERROR_INVALID_PARAMETER);
    }
    io_op op;
    op.what = io_op::kind::exec;
    op.label = "HSE_REQ_EXEC_URL";
    op.exec = std::make_shared<exec_url_request>(std::move(child));
    op.ecb_status = ecb_.dwHttpStatusCode;
    return submit_async(std::move(op), {});
}

std::optional<exec_url_status> isapi_request::last_exec_url_status() const {
    std::lock_guard lock(mutex_);
    return exec_status_;
}

void isapi_request::start_exec(lock_type& lock, io_op& op) {
    if (response_closed()) return complete_front(lock, {false, gone_error(true), 0});
    const auto& spec = *op.exec;
    std::optional<std::uint64_t> unread;
    if (const auto length = declared_body_length(request_->params().get("CONTENT_LENGTH")))
        unread = *length > body_bytes_read_ ? *length - body_bytes_read_ : 0;
    if (body_ended_) unread = 0;
    auto params = child_params(request_->params(), spec, unread);
    // IGNORE_CURRENT_INTERCEPTOR: the URL goes to whatever would serve it were this extension
    // (a wildcard map, typically) not there.
    const auto skip = (spec.flags & HSE_EXEC_URL_IGNORE_CURRENT_INTERCEPTOR) ? extension_ : url_map::no_extension;
    auto mapped = pool_->urls().map(params, skip);
    const bool pass_headers = !(spec.flags & HSE_EXEC_URL_NO_HEADERS) && !translator_.headers_sent();
    if (mapped.status != url_map_status::matched) {
        // Nothing here serves the URL (IIS would have served a static file): the child answers
        // as the host answers unmapped URLs, and the completion reports it.
        const bool bad = mapped.status == url_map_status::bad_request;
        const unsigned status = bad ? 400 : 404;
        exec_status_ = exec_url_status{status, bad ? std::uint32_t{ERROR_INVALID_PARAMETER} : std::uint32_t{ERROR_FILE_NOT_FOUND}};
        spdlog::info("{} HSE_REQ_EXEC_URL child for '{}': {}", log_context(),
                     engine::log_text(params.get("REQUEST_URI"), 512), bad ? mapped.reason : "no extension serves it");
        std::string text = fmt::format("{} {}: the child request's URL is not served here\n", status,
                                       bad ? "Bad Request" : "Not Found");
        if (pass_headers)
            text = fmt::format("Status: {} {}\r\nContent-Type: text/plain\r\n\r\n", status,
                               bad ? "Bad Request" : "Not Found") + text;
        response_bytes out;
        if (!translator_.write(text, op.ecb_status, out)) {
            out.body_copy.append(out.body_view.data(), out.body_view.size());
            out.body_view = {};
            queue_response(lock, out, nullptr);
        }
        return complete_front(lock, {true, ERROR_SUCCESS, 0});
    }
    // The child knows its parent only as an exec_url_parent (shared: it keeps the parent alive).
    auto channel = std::make_shared<child_channel>(std::shared_ptr<exec_url_parent>(shared_from_this()), op.id, std::move(params), spec.entity,
                                                   pass_headers);
    const std::size_t extension = mapped.match.extension;
    auto child = std::make_shared<isapi_request>(std::move(channel), pool_, extension, std::move(mapped.match),
                                                 functions_, depth_ + 1);
    // A request starts on the connection strand (its read-ahead reads there).
    boost::asio::post(request_->executor(), [child] { child->start(); });
}

void isapi_request::child_output(std::uint64_t exec_id, std::span<const std::byte> borrowed, std::string owned,
                                 engine::request::write_handler handler) {
    lock_type lock(mutex_);
    const auto* op = ops_.current(exec_id);
    const bool current = op && op->what == io_op::kind::exec;
    response_bytes out;
    std::error_code refused;
    if (!current || response_closed()) {
        refused = engine::errc::request_ended;
    } else {
        const auto* data = owned.empty() ? reinterpret_cast<const char*>(borrowed.data()) : owned.data();
        const std::size_t size = owned.empty() ? borrowed.size() : owned.size();
        // The child's bytes enter this response as the parent's own WriteClient would.
        if (auto ec = translator_.write({data, size}, ecb_.dwHttpStatusCode, out)) {
            spdlog::warn("{} HSE_REQ_EXEC_URL child output refused: {}", log_context(), ec.message());
            refused = ec;
        } else if (!owned.empty()) {
            out.body_copy.append(out.body_view.data(), out.body_view.size());  // `owned` ends here
            out.body_view = {};
        }
    }
    if (refused) {
        lock.unlock();
        if (handler) handler(refused);
        return;
    }
    if (out.empty()) {
        lock.unlock();
        if (handler) handler({});
        return;
    }
    queue_response(lock, out, std::move(handler));
}

void isapi_request::child_ended(std::uint64_t exec_id, unsigned status, std::uint32_t win32_error) {
    lock_type lock(mutex_);
    const auto* op = ops_.current(exec_id);
    if (!op || op->what != io_op::kind::exec) return;
    exec_status_ = exec_url_status{status, win32_error};
    complete_front(lock, {win32_error == ERROR_SUCCESS, win32_error, 0});
    pump(lock);
}

}  // namespace isapi_fcgi::isapi
