#include "isapi/isapi_request.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <limits>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/errc.hpp"
#include "engine/log_text.hpp"
#include "isapi/call_context_scope.hpp"
#include "isapi/callbacks.hpp"
#include "isapi/child_channel.hpp"
#include "isapi/client_certificate.hpp"
#include "isapi/conn_table.hpp"
#include "isapi/ecb_builder.hpp"
#include "isapi/http_status.hpp"
#include "isapi/path_mapping.hpp"
#include "isapi/request_access_record.hpp"
#include "logging/access_log_line.hpp"
#include "win32/unicode.hpp"

namespace isapi_fcgi::isapi {
namespace {

// The read-ahead buffer starts this small and doubles as bytes arrive, so a pending GET (nginx
// sends an empty CONTENT_LENGTH, so its length is unknown) never holds the whole read-ahead.
constexpr std::size_t initial_read_ahead = 4096;
// A synchronous caller's bytes (and a small asynchronous write, see async_copy_limit) are copied
// and the call completes at once while this request's unsent bytes stay within this bound: IIS
// completes once the connection has accepted the data, not once the client has it. A write past
// the bound waits for its own bytes, which is the backpressure.
constexpr std::size_t max_unsent_bytes = 64 * 1024;

std::string_view status_name(DWORD status) {
    switch (status) {
    case HSE_STATUS_SUCCESS: return "HSE_STATUS_SUCCESS";
    case HSE_STATUS_SUCCESS_AND_KEEP_CONN: return "HSE_STATUS_SUCCESS_AND_KEEP_CONN";
    case HSE_STATUS_PENDING: return "HSE_STATUS_PENDING";
    case HSE_STATUS_ERROR: return "HSE_STATUS_ERROR";
    default: return "an undefined status";
    }
}

/// HttpExtensionProc's (or DONE_WITH_SESSION's) status as an outcome: 0 counts as success, as
/// mod_isapi and IIS accept it; anything undefined counts as HSE_STATUS_ERROR.
bool is_error_status(DWORD status) {
    return status != 0 && status != HSE_STATUS_SUCCESS && status != HSE_STATUS_SUCCESS_AND_KEEP_CONN &&
           status != HSE_STATUS_PENDING;
}

/// What an operation fails with once the client is gone: IIS reports ERROR_OPERATION_ABORTED to
/// completions and ERROR_NETNAME_DELETED to synchronous calls.
DWORD gone_error(bool async) { return async ? ERROR_OPERATION_ABORTED : ERROR_NETNAME_DELETED; }

// wincrypt.h's encoding types, which CERT_CONTEXT.dwCertEncodingType carries.
constexpr DWORD x509_asn_encoding = 0x00000001;
constexpr DWORD pkcs_7_asn_encoding = 0x00010000;

long long millis(std::chrono::steady_clock::duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

}  // namespace

isapi_request::isapi_request(std::shared_ptr<request_channel> request, std::shared_ptr<pool_host> pool,
                             std::size_t extension, url_match match, unsigned depth)
    : request_(std::move(request)),
      pool_(std::move(pool)),
      depth_(depth),
      extension_(extension),
      match_(std::move(match)),
      executor_(request_->executor()),
      translator_(pool_->translator_options(extension_)) {}

isapi_request::~isapi_request() = default;

std::string_view isapi_request::extension_name() const { return pool_->extension(extension_).name(); }

// ---- lifecycle ------------------------------------------------------------------------------

void isapi_request::start() {
    conn_id_ = conn_table::instance().add(shared_from_this());
    pool_->request_began();
    const auto& params = request_->params();
    call_url_ = fmt::format("{} {}", params.get("REQUEST_METHOD"), params.get("REQUEST_URI"));
    // A child is work for its parent's request, which the observer already counts.
    if (depth_ == 0)
        pool_->observer().request_started({request_->serial(), pool_->settings().name, extension_name(), extension_,
                                           params.get("REQUEST_METHOD"), params.get("REQUEST_URI")});
    std::weak_ptr<isapi_request> weak = shared_from_this();
    request_->on_abort_on_strand([weak] {
        if (auto self = weak.lock()) {
            std::lock_guard lock(self->mutex_);
            self->client_gone_ = true;
        }
    });
    timer_ = std::make_shared<request_timer>(executor_);

    const auto length = declared_body_length(params.get("CONTENT_LENGTH"));
    read_ahead_target_ = read_ahead_target(length, pool_->settings().isapi.upload_read_ahead);
    read_ahead_capacity_ = std::min(read_ahead_target_, initial_read_ahead) + 1;
    read_ahead_ = std::make_unique_for_overwrite<BYTE[]>(read_ahead_capacity_);
    if (length && *length == 0) body_ended_ = true;  // the empty STDIN record is dropped later
    if (body_ended_ || read_ahead_target_ == 0) return enqueue();
    read_ahead();
}

void isapi_request::read_ahead() {
    const std::size_t have = read_ahead_size_;
    if (have >= read_ahead_target_) return enqueue();
    if (read_ahead_capacity_ <= have + 1) {
        const std::size_t grown = std::min(read_ahead_target_, 2 * (read_ahead_capacity_ - 1)) + 1;
        auto bigger = std::make_unique_for_overwrite<BYTE[]>(grown);
        std::memcpy(bigger.get(), read_ahead_.get(), have);
        read_ahead_ = std::move(bigger);
        read_ahead_capacity_ = grown;
    }
    const std::size_t room = std::min(read_ahead_capacity_ - 1, read_ahead_target_) - have;
    auto* into = reinterpret_cast<std::byte*>(read_ahead_.get()) + have;
    // On the connection strand: bytes already buffered (or the end of a GET's empty body) come
    // back before this returns, with no post.
    request_->read_stdin_on_strand({into, room}, [self = shared_from_this()](std::error_code ec, std::size_t n) {
        self->read_ahead_size_ += n;
        self->on_read_ahead(ec, n);
    });
}

void isapi_request::on_read_ahead(std::error_code ec, std::size_t n) {
    body_bytes_read_ += n;
    if (ec) {
        // The web server went away before the extension ran: nobody is left to answer.
        spdlog::info("{} aborted while reading the request body ahead: {}", log_context(), ec.message());
        lock_type lock(mutex_);
        client_gone_ = true;
        state_.proc_skipped();
        end_response(lock, false);
        return settle(lock);
    }
    if (n == 0) {
        body_ended_ = true;
        return enqueue();
    }
    if (body_bytes_read_ > pool_->settings().isapi.max_request_body) {
        lock_type lock(mutex_);
        body_too_large_ = true;
        state_.proc_skipped();
        answer_error(lock, 413, "the request body exceeds max_request_body", false);
        return settle(lock);
    }
    read_ahead();
}

void isapi_request::enqueue() {
    read_ahead_[read_ahead_size_] = 0;  // real extensions treat lpbData as a C string
    {
        lock_type lock(mutex_);
        phase_ = phase::queued;
        queued_at_ = clock::now();
        arm_next_deadline(lock);
    }
    boost::asio::post(pool_->threads(), [self = shared_from_this()] { self->run(); });
}

void isapi_request::run() {
    lock_type lock(mutex_);
    if (phase_ != phase::queued) return;  // the queue deadline answered already
    const auto waited = clock::now() - queued_at_;
    if (waited > pool_->settings().isapi.queue_timeout) {
        phase_ = phase::done;
        state_.proc_skipped();
        answer_error(lock, 503, fmt::format("waited {}ms for an extension thread (queue_timeout)", millis(waited)),
                     false);
        return settle(lock);
    }
    auto& ext = pool_->extension(extension_);
    if (!ext.usable()) {
        phase_ = phase::done;
        state_.proc_skipped();
        answer_error(lock, 500, fmt::format("extension '{}' failed to load: {}", ext.name(), ext.load_error()), false);
        return settle(lock);
    }
    if (depth_ == 0) {
        if (const auto admission = pool_->observer().admit(request_->serial()); admission.refused) {
            phase_ = phase::done;
            state_.proc_skipped();
            answer_error(lock, 500, "the same request crashed a worker moments ago (crash_quarantine)", false,
                         admission.log_it);
            return settle(lock);
        }
    }

    const DWORD total = total_bytes(declared_body_length(request_->params().get("CONTENT_LENGTH")),
                                    read_ahead_size_, body_ended_);
    variables_.emplace(request_->params(), match_, pool_->variables_config(), total == unknown_body_length);
    strings_ = ecb_strings_of(*variables_);
    build_ecb(ecb_, strings_, read_ahead_.get(), read_ahead_size_,
              reinterpret_cast<HCONN>(static_cast<std::uintptr_t>(conn_id_)), total);
    ecb_.GetServerVariable = &callbacks::get_server_variable;
    ecb_.WriteClient = &callbacks::write_client;
    ecb_.ReadClient = &callbacks::read_client;
    ecb_.ServerSupportFunction = &callbacks::server_support_function;

    phase_ = phase::running;
    proc_started_at_ = clock::now();
    state_.proc_started();
    holding_ = true;
    ecb_built_.store(true, std::memory_order_release);
    lock.unlock();
    call_extension();
}

void isapi_request::call_extension() {
    auto& ext = pool_->extension(extension_);
    DWORD status = HSE_STATUS_ERROR;
    pool_->observer().extension_code_entered(request_->serial());
    const call_context_scope context(ext.name(), call_url_);
    try {
        status = ext.call(&ecb_);
    } catch (const std::exception& e) {
        spdlog::error("{} extension '{}' threw from HttpExtensionProc: {}", log_context(), ext.name(),
                      engine::log_text(e.what()));
    } catch (...) {
        spdlog::error("{} extension '{}' threw a non-standard exception from HttpExtensionProc", log_context(),
                      ext.name());
    }
    pool_->observer().extension_code_left(request_->serial());
    after_proc(status);
    const bool held = stop_watching_held_completions();
    // Runs here, on the proc's thread, unless the strand is busy elsewhere: no other extension
    // thread is woken for what finished while the proc ran.
    if (held) boost::asio::dispatch(*strand_, [self = shared_from_this()] { self->drain_held_completions(); });
}

void isapi_request::after_proc(DWORD status) {
    lock_type lock(mutex_);
    const bool pending = status == HSE_STATUS_PENDING;
    state_.proc_returned(pending);
    if (pending) {
        if (depth_ == 0) pool_->observer().request_pending(request_->serial());
    } else {
        end_status_ = status;
        if (is_error_status(status) && status != HSE_STATUS_ERROR)
            spdlog::warn("{} extension '{}' returned {} ({}); treated as HSE_STATUS_ERROR", log_context(),
                         extension_name(), status_name(status), status);
    }
    settle(lock);
}

void isapi_request::settle(lock_type& lock) {
    if (state_.should_end_response() && !finish_queued_) {
        finish_queued_ = true;
        // The extension is done with the ECB: what it left there is final.
        logged_status_ = ecb_.dwHttpStatusCode ? ecb_.dwHttpStatusCode : 200;
        log_data_.assign(ecb_.lpszLogData, strnlen(ecb_.lpszLogData, HSE_LOG_BUFFER_LEN));
        io_op op;
        op.what = io_op::kind::finish;
        ops_.push_back(std::move(op));
        pump(lock);
    }
    if (state_.should_tear_down()) tear_down(lock);
}

void isapi_request::tear_down(lock_type& lock) {
    state_.torn_down();
    phase_ = phase::done;
    // The tombstone tolerates one late DONE_WITH_SESSION only if none got TRUE yet (one may come
    // from the extension's thread before HttpExtensionProc has returned its final status).
    conn_table::instance().end(conn_id_, state_.returned_pending() || state_.done_taken());
    queue_out(lock, {.what = outgoing::kind::cancel_timer});
    pool_->request_ended();
}

void isapi_request::answer_error(lock_type& lock, unsigned status, std::string_view why, bool abort_if_sent,
                                 bool log_it) {
    if (state_.response_has_ended()) return;
    logged_status_ = status;
    if (client_gone_ || request_->aborted()) {
        // Nobody is left to read an error page: a fact about the client, not the extension.
        spdlog::info("{} {} after the client went away", log_context(), why);
        return end_response(lock, false);
    }
    auto out = translator_.error_response(status);
    if (out.empty()) {
        spdlog::error("{} {} after the response headers went out{}", log_context(), why,
                      abort_if_sent ? ": closing the connection" : "");
        return end_response(lock, abort_if_sent);
    }
    if (log_it) spdlog::error("{} answering {}: {}", log_context(), status, why);
    queue_response(lock, out, nullptr);
    end_response(lock, false);
}

void isapi_request::end_response(lock_type& lock, bool close_connection) {
    if (state_.response_has_ended()) return;
    state_.response_ended();
    queue_out(lock, {.what = close_connection ? outgoing::kind::close : outgoing::kind::end});
    write_access_log();
    notify_finished();
}

bool isapi_request::response_closed() const noexcept {
    return state_.response_has_ended() || client_gone_ || request_->aborted();
}

// ---- deadlines (on the connection strand) ------------------------------------------------

void isapi_request::arm_next_deadline(lock_type&) {
    if (state_.is_torn_down() || !timer_) return;
    const auto& settings = pool_->settings().isapi;
    auto next = clock::time_point::max();
    const auto earliest = [&next](clock::time_point t) { next = std::min(next, t); };
    if (phase_ == phase::queued) {
        earliest(queued_at_ + settings.queue_timeout);
        earliest(queued_at_ + settings.request_timeout);  // the proc starts no earlier
    } else if (phase_ == phase::running && !timed_out_) {
        earliest(proc_started_at_ + settings.request_timeout);
    }
    if (settings.slowlog_threshold.count() > 0 && !slow_logged_) earliest(started_ + settings.slowlog_threshold);
    if (next == clock::time_point::max()) return;
    std::weak_ptr<isapi_request> weak = shared_from_this();
    timer_->arm(next, [weak] {
        if (auto self = weak.lock()) self->on_deadline();
    });
}

void isapi_request::on_deadline() {
    lock_type lock(mutex_);
    if (state_.is_torn_down()) return;
    const auto& settings = pool_->settings().isapi;
    const auto now = clock::now();
    if (settings.slowlog_threshold.count() > 0 && !slow_logged_ && now >= started_ + settings.slowlog_threshold) {
        slow_logged_ = true;
        const auto waiting = waiting_on();
        spdlog::warn("{} slow request: extension '{}' {} has run {}ms, waiting on {}", log_context(), extension_name(),
                     engine::log_text(request_->params().get("REQUEST_URI"), 512), millis(now - started_), waiting);
        if (depth_ == 0) pool_->observer().request_slow(request_->serial(), waiting);
    }
    if (phase_ == phase::queued && now >= queued_at_ + settings.queue_timeout) {
        phase_ = phase::done;
        state_.proc_skipped();
        answer_error(lock, 503, fmt::format("waited {}ms for an extension thread (queue_timeout)", millis(now - queued_at_)),
                     false);
        return settle(lock);
    }
    if (phase_ == phase::running && !timed_out_ && !state_.response_has_ended() &&
        now >= proc_started_at_ + settings.request_timeout) {
        timed_out_ = true;
        // The ECB stays valid until the proc returns or DONE_WITH_SESSION arrives.
        answer_error(lock, 504,
                     fmt::format("extension '{}' exceeded request_timeout ({}ms) waiting on {}", extension_name(),
                                 millis(settings.request_timeout), waiting_on()),
                     true);
    }
    arm_next_deadline(lock);
}

std::string_view isapi_request::waiting_on() const {
    switch (phase_) {
    case phase::reading_ahead: return "the request body (read-ahead)";
    case phase::queued: return "an extension thread";
    case phase::done: return "nothing";
    case phase::running: break;
    }
    if (!ops_.empty()) {
        switch (ops_.front().what) {
        case io_op::kind::read: return "the request body (ReadClient)";
        case io_op::kind::send: return "TransmitFile/VECTOR_SEND output";
        case io_op::kind::finish: return "the end of the response";
        default: return "the web server to take the response (WriteClient)";
        }
    }
    if (state_.proc_running()) return "HttpExtensionProc to return";
    if (state_.outstanding() > 0) return "an asynchronous completion";
    if (state_.returned_pending()) return "HSE_REQ_DONE_WITH_SESSION";
    return "the end of the response";
}

// ---- operations ---------------------------------------------------------------------------

BOOL isapi_request::fail(DWORD error) {
    SetLastError(error);
    return FALSE;
}

isapi_request::op_result isapi_request::run_sync(io_op op) {
    sync_waiter waiter;
    op.waiter = &waiter;
    lock_type lock(mutex_);
    ops_.push_back(std::move(op));
    pump(lock);
    done_cv_.wait(lock, [&waiter] { return waiter.done; });
    return waiter.result;
}

BOOL isapi_request::submit_async(io_op op, completion_target target) {
    lock_type lock(mutex_);
    if (!target.callback && !registered_.callback) {
        lock.unlock();
        if (pool_->first_time(std::string(extension_name()), "async without completion"))
            spdlog::warn("{} extension '{}' started an asynchronous operation without an HSE_REQ_IO_COMPLETION "
                         "callback; answering FALSE/ERROR_INVALID_PARAMETER (logged once per extension)",
                         log_context(), extension_name());
        return fail(ERROR_INVALID_PARAMETER);
    }
    if (response_closed()) return fail(ERROR_NETNAME_DELETED);
    const bool strict = pool_->settings().isapi.strict_async;
    switch (state_.submit_async(strict)) {
    case session_state::submit_result::refused:
        lock.unlock();
        spdlog::warn("{} extension '{}' started a second asynchronous operation while one is outstanding; "
                     "refused (strict_async)", log_context(), extension_name());
        return fail(ERROR_INVALID_PARAMETER);
    case session_state::submit_result::queued:
        if (!warned_second_async_) {
            warned_second_async_ = true;
            spdlog::warn("{} extension '{}' started an asynchronous operation while another is outstanding "
                         "(ISAPI allows one); queued behind it (logged once per request)",
                         log_context(), extension_name());
        }
        break;
    case session_state::submit_result::started: break;
    }
    op.async = true;
    op.target = target;
    ops_.push_back(std::move(op));
    pump(lock);
    return TRUE;
}

void isapi_request::pump(lock_type& lock) {
    while (!op_running_ && !ops_.empty()) {
        op_running_ = true;
        ops_.front().id = ++op_serial_;
        start_op(lock, ops_.front());
    }
}

void isapi_request::start_op(lock_type& lock, io_op& op) {
    switch (op.what) {
    case io_op::kind::write: return start_write(lock, op);
    case io_op::kind::read: return start_read(lock, op);
    case io_op::kind::send: return continue_send(lock, op);
    case io_op::kind::exec: return start_exec(lock, op);
    case io_op::kind::header:
    case io_op::kind::redirect:
    case io_op::kind::host_header: {
        if (response_closed()) return complete_front(lock, {false, gone_error(op.async), 0});
        response_bytes out;
        std::error_code ec;
        if (op.what == io_op::kind::header)
            ec = translator_.send_response_header(op.status, op.headers, op.ecb_status, out);
        else if (op.what == io_op::kind::redirect)
            ec = translator_.send_redirect(op.text, out);
        else
            ec = translator_.send_response_header(op.text, op.header_text, op.ecb_status, out);
        if (ec) {
            spdlog::warn("{} extension '{}': {} refused: {}", log_context(), extension_name(), op.label, ec.message());
            return complete_front(lock, {false, ERROR_INVALID_PARAMETER, 0});
        }
        return send_bytes(lock, out, 0);
    }
    case io_op::kind::finish: {
        if (!state_.response_has_ended()) {
            if (is_error_status(end_status_) && !translator_.headers_sent()) {
                answer_error(lock, 500, fmt::format("extension '{}' ended the request with {}", extension_name(),
                                                    status_name(end_status_)),
                             false);
            } else {
                if (is_error_status(end_status_)) {
                    spdlog::warn("{} extension '{}' ended with {} after sending its response; logged as 500",
                                 log_context(), extension_name(), status_name(end_status_));
                    logged_status_ = 500;
                }
                response_bytes out;
                if (auto ec = translator_.finish(logged_status_, out))
                    spdlog::warn("{} cannot finish the response: {}", log_context(), ec.message());
                queue_response(lock, out, nullptr);
                end_response(lock, false);
            }
        }
        return complete_front(lock, {});
    }
    }
}

void isapi_request::start_write(lock_type& lock, io_op& op) {
    if (response_closed()) return complete_front(lock, {false, ERROR_NETNAME_DELETED, 0});
    response_bytes out;
    if (auto ec = translator_.write(op.data, op.ecb_status, out)) {
        spdlog::warn("{} extension '{}': WriteClient refused: {}", log_context(), extension_name(), ec.message());
        if (!translator_.headers_sent()) {
            auto error = translator_.error_response(500);
            logged_status_ = 500;
            queue_response(lock, error, nullptr);
        }
        return complete_front(lock, {false, ERROR_INVALID_PARAMETER, 0});
    }
    send_bytes(lock, out, op.data.size());
}

void isapi_request::send_bytes(lock_type& lock, response_bytes& out, std::size_t reported) {
    if (out.empty()) {
        auto& op = ops_.front();
        if (op.what != io_op::kind::send) return complete_front(lock, {true, ERROR_SUCCESS, static_cast<DWORD>(reported)});
        if (reported) op.job->advance(reported);
        return continue_send(lock, op);
    }
    auto& front = ops_.front();
    const std::size_t size = out.header_bytes.size() + out.body_copy.size() + out.body_view.size();
    // Copying a small asynchronous write costs less than the round trip to the I/O thread and
    // back that waiting for its bytes would; larger ones go out from the caller's buffer.
    const bool copy_async = front.async && size <= pool_->settings().isapi.async_copy_limit;
    if ((front.waiter || copy_async) && front.what != io_op::kind::send && unsent_bytes_ + size <= max_unsent_bytes) {
        out.body_copy.append(out.body_view.data(), out.body_view.size());
        out.body_view = {};
        unsent_bytes_ += size;
        queue_response(lock, out, [self = shared_from_this(), size](std::error_code ec) {
            self->on_accepted_sent(ec, size);
        });
        return complete_front(lock, {true, ERROR_SUCCESS, static_cast<DWORD>(reported)});
    }
    queue_response(lock, out, [self = shared_from_this(), id = front.id, reported](std::error_code ec) {
        self->on_sent(id, ec, reported);
    });
}

void isapi_request::queue_response(lock_type& lock, response_bytes& out, engine::request::write_handler last) {
    const bool has_view = !out.body_view.empty();
    const bool has_copy = !out.body_copy.empty();
    // `last` goes to exactly one of these (the last one queued), so it is moved, never copied:
    // a copied std::function would allocate its captures again.
    if (!out.header_bytes.empty()) {
        outgoing item{.owned = std::move(out.header_bytes)};
        if (!has_view && !has_copy) item.handler = std::move(last);
        queue_out(lock, std::move(item));
    }
    if (has_copy) {
        outgoing item{.owned = std::move(out.body_copy)};
        if (!has_view) item.handler = std::move(last);
        queue_out(lock, std::move(item));
    }
    if (has_view) queue_out(lock, {.borrowed = std::as_bytes(out.body_view), .handler = std::move(last)});
}

void isapi_request::queue_out(lock_type&, outgoing item) {
    outbox_.push_back(std::move(item));
    if (flush_posted_) return;
    flush_posted_ = true;
    boost::asio::post(executor_, [self = shared_from_this()] { self->flush_outbox(); });
}

void isapi_request::flush_outbox() {
    std::vector<outgoing> batch;
    {
        lock_type lock(mutex_);
        batch.swap(outbox_);
        flush_posted_ = false;
    }
    // Outside the lock: the engine may run a handler (which takes the lock) before returning.
    for (auto& item : batch) {
        switch (item.what) {
        case outgoing::kind::write:
            request_->write_on_strand(item.borrowed, std::move(item.owned), std::move(item.handler));
            break;
        case outgoing::kind::end: request_->end_on_strand(); break;
        case outgoing::kind::close: request_->close_connection(); break;
        case outgoing::kind::cancel_timer:
            if (timer_) timer_->cancel();
            break;
        }
    }
    // The swapped-out vector's capacity comes back for the next batch.
    batch.clear();
    lock_type lock(mutex_);
    if (outbox_.empty() && outbox_.capacity() < batch.capacity()) outbox_.swap(batch);
}

void isapi_request::on_accepted_sent(std::error_code ec, std::size_t size) {
    std::lock_guard lock(mutex_);
    unsent_bytes_ -= size;
    if (ec) client_gone_ = true;  // the caller already returned: its next call fails
}

void isapi_request::on_sent(std::uint64_t id, std::error_code ec, std::size_t reported) {
    lock_type lock(mutex_);
    if (ops_.empty() || ops_.front().id != id) return;  // abandoned at shutdown
    auto& op = ops_.front();
    if (ec) {
        client_gone_ = true;
        complete_front(lock, {false, gone_error(op.async),
                              static_cast<DWORD>(op.job ? op.job->bytes_sent() : 0)});
    } else if (op.what == io_op::kind::send) {
        if (reported) op.job->advance(reported);
        continue_send(lock, op);
    } else {
        complete_front(lock, {true, ERROR_SUCCESS, static_cast<DWORD>(reported)});
    }
    pump(lock);
}

void isapi_request::start_read(lock_type& lock, io_op& op) {
    if (op.into.empty() || body_ended_ || body_too_large_) return complete_front(lock, {});
    if (response_closed())
        return complete_front(lock, {true, op.async ? gone_error(true) : DWORD{ERROR_SUCCESS}, 0});
    request_->async_read_stdin(op.into, [self = shared_from_this(), id = op.id](std::error_code ec, std::size_t n) {
        self->on_read(id, ec, n);
    });
}

void isapi_request::on_read(std::uint64_t id, std::error_code ec, std::size_t n) {
    lock_type lock(mutex_);
    if (ops_.empty() || ops_.front().id != id) return;
    const bool async = ops_.front().async;
    if (ec == engine::errc::read_cancelled) {
        // A cancellation that arrived after the read it was meant for had completed finds this
        // later read pending: it was not asked for, so the read goes on.
        if (cancelled_read_ != id) return start_read(lock, ops_.front());
        cancelled_read_ = 0;
        complete_front(lock, {true, cancelled_read_error_, 0});
        return pump(lock);
    }
    // IIS: a vanished client reads as the end of the body (TRUE, 0 bytes); IS_CONNECTED says so.
    op_result result{true, ERROR_SUCCESS, 0};
    if (ec) {
        client_gone_ = true;
        if (async) result.error = ERROR_OPERATION_ABORTED;
    } else if (n == 0) {
        body_ended_ = true;
    } else if (body_bytes_read_ + n > pool_->settings().isapi.max_request_body) {
        body_bytes_read_ += n;
        body_too_large_ = true;
        answer_error(lock, 413, "the request body exceeds max_request_body", true);
        if (async) result.error = ERROR_OPERATION_ABORTED;
    } else {
        body_bytes_read_ += n;
        result.bytes = static_cast<DWORD>(n);
    }
    complete_front(lock, result);
    pump(lock);
}

void isapi_request::continue_send(lock_type& lock, io_op& op) {
    auto& job = *op.job;
    const auto sent = [&job] { return static_cast<DWORD>(job.bytes_sent()); };
    if (response_closed())
        return complete_front(lock, {false, gone_error(op.async), sent()});
    if (job.headers) {
        auto headers = std::move(*job.headers);
        job.headers.reset();
        response_bytes out;
        if (auto ec = translator_.send_response_header(headers.status, headers.headers, op.ecb_status, out)) {
            spdlog::warn("{} extension '{}': {} refused: {}", log_context(), extension_name(), op.label, ec.message());
            return complete_front(lock, {false, ERROR_INVALID_PARAMETER, 0});
        }
        return send_bytes(lock, out, 0);
    }
    // Memory segments the translator only buffers (a header block split over many elements)
    // produce nothing to send: step over them here rather than recursing per element.
    while (!job.done() && !job.next_is_file()) {
        const auto memory = job.next_memory();
        response_bytes out;
        if (auto ec = translator_.write(memory, op.ecb_status, out)) {
            spdlog::warn("{} extension '{}': {} refused: {}", log_context(), extension_name(), op.label, ec.message());
            return complete_front(lock, {false, ERROR_INVALID_PARAMETER, sent()});
        }
        if (!out.empty()) return send_bytes(lock, out, memory.size());
        job.advance(memory.size());
    }
    if (job.done()) return complete_front(lock, {true, ERROR_SUCCESS, sent()});
    boost::asio::post(pool_->file_threads(), [self = shared_from_this(), job = op.job, id = op.id] {
        self->send_file_chunk(id, *job);
    });
}

void isapi_request::send_file_chunk(std::uint64_t id, send_job& job) {
    // Only this continuation touches the job until its bytes are sent, so the read needs no lock.
    const auto chunk = job.read_file_chunk();
    lock_type lock(mutex_);
    if (ops_.empty() || ops_.front().id != id) return;
    auto& op = ops_.front();
    if (chunk.error != ERROR_SUCCESS) {
        spdlog::warn("{} {} cannot read the file: error {}", log_context(), op.label, chunk.error);
        complete_front(lock, {false, chunk.error, static_cast<DWORD>(job.bytes_sent())});
        return pump(lock);
    }
    response_bytes out;
    if (auto ec = translator_.write(chunk.bytes, op.ecb_status, out)) {
        spdlog::warn("{} extension '{}': {} refused: {}", log_context(), extension_name(), op.label, ec.message());
        complete_front(lock, {false, ERROR_INVALID_PARAMETER, static_cast<DWORD>(job.bytes_sent())});
        return pump(lock);
    }
    send_bytes(lock, out, chunk.bytes.size());
    pump(lock);
}

void isapi_request::complete_front(lock_type& lock, op_result result) {
    io_op op = std::move(ops_.front());
    ops_.pop_front();
    op_running_ = false;
    complete(lock, op, result);
}

void isapi_request::complete(lock_type& lock, io_op& op, op_result result) {
    if (op.waiter) {
        op.waiter->result = result;
        op.waiter->done = true;
        done_cv_.notify_all();
    } else if (op.async) {
        post_completion(lock, op.target, result);
    }
}

void isapi_request::post_completion(lock_type& lock, completion_target target, op_result result) {
    if (holding_) {
        held_.push_back({target, result});
        if (!std::exchange(hold_watched_, true)) pool_->held_completions().watch(*this);
        return;
    }
    boost::asio::post(completion_strand(lock),
                      [self = shared_from_this(), target, result] { self->run_completion(target, result); });
}

isapi_request::completion_strand_type& isapi_request::completion_strand(lock_type&) {
    if (!strand_) strand_.emplace(boost::asio::make_strand(pool_->threads()));
    return *strand_;
}

bool isapi_request::stop_watching_held_completions() {
    bool watched = false;
    bool held = false;
    {
        lock_type lock(mutex_);
        watched = hold_watched_;
        held = holding_ && !held_.empty();
        if (!held) holding_ = false;
        if (held) completion_strand(lock);  // created under the lock, dispatched to outside it
    }
    if (watched) pool_->held_completions().forget(*this);
    return held;
}

void isapi_request::drain_held_completions() {
    // Completions that finish meanwhile while holding is still on (a chained write copied at
    // once) are held too, and run in this loop: in order, with a flat stack.
    for (;;) {
        std::vector<held_completion> batch;
        {
            lock_type lock(mutex_);
            if (held_.empty()) {
                holding_ = false;
                return;
            }
            batch.swap(held_);
        }
        for (const auto& h : batch) run_completion(h.target, h.result);
    }
}

void isapi_request::release_held_completions() {
    lock_type lock(mutex_);
    holding_ = false;  // a proc that waits or runs this long gets its later completions at once
    if (held_.empty()) return;
    boost::asio::post(completion_strand(lock), [self = shared_from_this()] { self->drain_held_completions(); });
}

void isapi_request::run_completion(completion_target target, op_result result) {
    completion_target use;
    {
        lock_type lock(mutex_);
        state_.completion_started();
        use = target.callback ? target : registered_;
    }
    if (use.callback) {
        pool_->observer().extension_code_entered(request_->serial());
        const call_context_scope context(pool_->extension(extension_).name(), call_url_);
        try {
            use.callback(&ecb_, use.context, result.bytes, result.error);
        } catch (const std::exception& e) {
            spdlog::error("{} extension '{}' threw from its I/O completion callback: {}", log_context(),
                          extension_name(), engine::log_text(e.what()));
        } catch (...) {
            spdlog::error("{} extension '{}' threw a non-standard exception from its I/O completion callback",
                          log_context(), extension_name());
        }
        pool_->observer().extension_code_left(request_->serial());
    }
    lock_type lock(mutex_);
    state_.completion_finished();
    settle(lock);
}

void isapi_request::abandon() {
    lock_type lock(mutex_);
    client_gone_ = true;
    while (!ops_.empty()) complete_front(lock, {false, ERROR_OPERATION_ABORTED, 0});
}

// ---- callbacks ------------------------------------------------------------------------------

bool isapi_request::extension_called() const { return ecb_built_.load(std::memory_order_acquire); }

BOOL isapi_request::get_server_variable(LPSTR name, LPVOID buffer, LPDWORD size) {
    if (!size) return fail(ERROR_INVALID_PARAMETER);
    if (!extension_called()) return fail(ERROR_INVALID_PARAMETER);
    std::uint32_t n = *size;
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
    if (!bytes || (*bytes && !buffer)) return fail(ERROR_INVALID_PARAMETER);
    io_op op;
    op.what = io_op::kind::write;
    op.label = "WriteClient";
    op.data = {static_cast<const char*>(buffer), *bytes};
    op.ecb_status = ecb_.dwHttpStatusCode;
    if (flags & HSE_IO_ASYNC) return submit_async(std::move(op), {});
    if (*bytes == 0) return TRUE;
    const auto result = run_sync(std::move(op));
    return result.ok ? TRUE : fail(result.error);
}

BOOL isapi_request::read_client(LPVOID buffer, LPDWORD size) {
    if (!size || (*size && !buffer)) return fail(ERROR_INVALID_PARAMETER);
    if (*size == 0) return TRUE;
    io_op op;
    op.what = io_op::kind::read;
    op.label = "ReadClient";
    op.into = {static_cast<std::byte*>(buffer), *size};
    const auto result = run_sync(std::move(op));
    *size = result.bytes;
    return TRUE;  // IIS: the end of the body, and a vanished client, both read as 0 bytes
}

// ---- what the support functions do -------------------------------------------------------

BOOL isapi_request::send_response_header(std::string_view what, std::optional<std::string_view> status,
                                         std::optional<std::string_view> headers) {
    io_op op;
    op.what = io_op::kind::header;
    op.label = what;
    op.status = status;
    op.headers = headers;
    op.ecb_status = ecb_.dwHttpStatusCode;
    const auto result = run_sync(std::move(op));
    return result.ok ? TRUE : fail(result.error);
}

BOOL isapi_request::send_redirect(std::string_view location) {
    io_op op;
    op.what = io_op::kind::redirect;
    op.label = "SEND_URL_REDIRECT_RESP";
    op.text = std::string(location);
    const auto result = run_sync(std::move(op));
    if (!result.ok) return fail(result.error);
    ecb_.dwHttpStatusCode = 302;
    return TRUE;
}

BOOL isapi_request::done_with_session(const DWORD* status) {
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
        return TRUE;
    case session_state::done_result::duplicate:
        lock.unlock();
        spdlog::warn("{} extension '{}' called DONE_WITH_SESSION twice; the second answers FALSE", log_context(),
                     extension_name());
        return fail(ERROR_INVALID_PARAMETER);
    case session_state::done_result::accepted: break;
    }
    end_status_ = status ? *status : HSE_STATUS_SUCCESS;
    settle(lock);
    return TRUE;
}

BOOL isapi_request::set_completion(PFN_HSE_IO_COMPLETION callback, PVOID context) {
    std::lock_guard lock(mutex_);
    registered_ = {callback, context};
    return TRUE;
}

BOOL isapi_request::async_read_client(LPVOID buffer, LPDWORD size) {
    if (!buffer || !size || *size == 0) return fail(ERROR_INVALID_PARAMETER);
    io_op op;
    op.what = io_op::kind::read;
    op.label = "HSE_REQ_ASYNC_READ_CLIENT";
    op.into = {static_cast<std::byte*>(buffer), *size};
    return submit_async(std::move(op), {});
}

BOOL isapi_request::send(std::unique_ptr<send_job> job, std::string_view what, bool async,
                         completion_target target) {
    io_op op;
    op.what = io_op::kind::send;
    op.label = what;
    op.job = std::shared_ptr<send_job>(std::move(job));
    op.ecb_status = ecb_.dwHttpStatusCode;
    if (async) return submit_async(std::move(op), target);
    const auto result = run_sync(std::move(op));
    return result.ok ? TRUE : fail(result.error);
}

BOOL isapi_request::is_keep_conn(BOOL* out) const {
    const auto protocol = request_->params().get("SERVER_PROTOCOL");
    const auto connection = request_->params().get("HTTP_CONNECTION");
    const auto has = [&connection](std::string_view token) {
        return std::search(connection.begin(), connection.end(), token.begin(), token.end(), [](char a, char b) {
                   return std::tolower(static_cast<unsigned char>(a)) == b;
               }) != connection.end();
    };
    *out = (protocol == "HTTP/1.0" ? has("keep-alive") : !has("close")) ? TRUE : FALSE;
    return TRUE;
}

BOOL isapi_request::is_connected(BOOL* out) {
    std::lock_guard lock(mutex_);
    *out = response_closed() ? FALSE : TRUE;
    return TRUE;
}

BOOL isapi_request::append_log_parameter(std::string_view text) {
    std::lock_guard lock(mutex_);
    if (log_parameters_.size() < 4096) log_parameters_.append(text.substr(0, 4096 - log_parameters_.size()));
    return TRUE;
}

std::optional<std::string> isapi_request::map_path(std::string_view url) {
    path_mapping_options options;
    options.is_directory = is_existing_directory;
    auto mapped = isapi::map_url_to_path(variables_->document_root(), url, options);
    if (mapped.error != path_mapping_error::none) return std::nullopt;
    return std::move(mapped.value.path);
}

BOOL isapi_request::map_url_to_path(LPVOID buffer, LPDWORD size) {
    // The URL is a C string in the buffer; *lpdwSize is what the path may take.
    const auto url = bounded_c_string(static_cast<const char*>(buffer), 0);
    if (!url) return fail(ERROR_INVALID_PARAMETER);
    const auto path = map_path(*url);
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

namespace {

/// A UTF-16 string an extension passed, bounded by `max_bytes` (0: to its NUL) and its NUL.
std::u16string_view bounded_utf16(const void* text, std::size_t max_bytes) {
    const auto* units = static_cast<const char16_t*>(text);
    const std::size_t limit = max_bytes ? max_bytes / 2 : std::numeric_limits<std::size_t>::max();
    std::size_t n = 0;
    while (n < limit && units[n] != 0) ++n;
    return {units, n};
}

}  // namespace

BOOL isapi_request::map_url_to_path_ex(LPVOID url_buffer, LPDWORD size, HSE_URL_MAPEX_INFO* info) {
    const auto url = bounded_c_string(static_cast<const char*>(url_buffer), size ? *size : 0);
    if (!url) return fail(ERROR_INVALID_PARAMETER);
    const auto path = map_path(*url);
    if (!path) return fail(ERROR_INVALID_PARAMETER);
    const DWORD needed = static_cast<DWORD>(path->size() + 1);
    if (size) *size = needed;  // PHP's ISAPI SAPI reads the path length from here
    if (needed > MAX_PATH) return fail(ERROR_INSUFFICIENT_BUFFER);
    std::memcpy(info->lpszPath, path->c_str(), needed);
    info->dwFlags = pool_->settings().isapi.url_flags;
    info->cchMatchingPath = static_cast<DWORD>(normalize_document_root(variables_->document_root()).size());
    info->cchMatchingURL = 0;  // the document root is the one virtual directory, mapped at "/"
    info->dwReserved1 = 0;
    info->dwReserved2 = 0;
    return TRUE;
}

BOOL isapi_request::map_unicode_url_to_path(LPVOID buffer, LPDWORD size) {
    const auto url = win32::utf16_to_utf8(bounded_utf16(buffer, 0), false);
    const auto path = url ? map_path(*url) : std::nullopt;
    if (!path) return fail(ERROR_INVALID_PARAMETER);
    const auto wide = win32::utf8_to_utf16(*path, false).value_or(std::u16string());
    const DWORD needed = static_cast<DWORD>((wide.size() + 1) * sizeof(char16_t));
    if (*size < needed) {
        *size = needed;
        return fail(ERROR_INSUFFICIENT_BUFFER);
    }
    std::memcpy(buffer, wide.c_str(), needed);
    *size = needed;
    return TRUE;
}

BOOL isapi_request::map_unicode_url_to_path_ex(LPVOID url_buffer, LPDWORD size, HSE_UNICODE_URL_MAPEX_INFO* info) {
    const auto url = win32::utf16_to_utf8(bounded_utf16(url_buffer, size ? *size : 0), false);
    const auto path = url ? map_path(*url) : std::nullopt;
    if (!path) return fail(ERROR_INVALID_PARAMETER);
    const auto wide = win32::utf8_to_utf16(*path, false).value_or(std::u16string());
    const DWORD needed = static_cast<DWORD>((wide.size() + 1) * sizeof(char16_t));
    if (size) *size = needed;
    // The struct is 532 bytes (the SDK's three DWORDs after the path): only its own fields are
    // written, the path within its MAX_PATH units.
    if (wide.size() + 1 > MAX_PATH) return fail(ERROR_INSUFFICIENT_BUFFER);
    std::memcpy(info->lpszPath, wide.c_str(), needed);
    info->dwFlags = pool_->settings().isapi.url_flags;
    info->cchMatchingPath = static_cast<DWORD>(
        win32::utf8_to_utf16(normalize_document_root(variables_->document_root()), false).value_or(u"").size());
    info->cchMatchingURL = 0;
    return TRUE;
}

BOOL isapi_request::get_cert_info_ex(CERT_CONTEXT_EX* out) {
    const auto& params = request_->params();
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
    return TRUE;
}

BOOL isapi_request::send_url(std::string_view url) {
    if (pool_->settings().isapi.send_url_internal) {
        // IIS 4: the local URL is served in place of this response. nginx does that for an
        // X-Accel-Redirect header on an otherwise empty response; only a local path can be.
        if (!url.starts_with('/') || url.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
            return fail(ERROR_INVALID_PARAMETER);
        io_op op;
        op.what = io_op::kind::host_header;
        op.label = "SEND_URL";
        op.text = "200 OK";
        op.header_text = fmt::format("X-Accel-Redirect: {}\r\nContent-Length: 0\r\n\r\n", url);
        op.ecb_status = ecb_.dwHttpStatusCode;
        const auto result = run_sync(std::move(op));
        return result.ok ? TRUE : fail(result.error);
    }
    return send_redirect(url);
}

BOOL isapi_request::send_custom_error(std::string_view status, bool async) {
    io_op op;
    op.what = io_op::kind::host_header;
    op.label = "SEND_CUSTOM_ERROR";
    op.text = std::string(status);
    // An empty body is what lets the front end put its own page there (nginx:
    // fastcgi_intercept_errors on with error_page; Apache: ProxyErrorOverride On).
    op.header_text = "Content-Length: 0\r\n\r\n";
    op.ecb_status = ecb_.dwHttpStatusCode;
    if (async) return submit_async(std::move(op), {});
    const auto result = run_sync(std::move(op));
    return result.ok ? TRUE : fail(result.error);
}

void isapi_request::cancel_operations(lock_type& lock, DWORD error, bool all) {
    // Behind the front: not started yet, so they can end here. The end of the response stays.
    op_queue keep;
    std::vector<io_op> ended;
    for (std::size_t i = 0; i < ops_.size(); ++i) {
        auto& op = ops_[i];
        const bool front_running = i == 0 && op_running_;
        if (!front_running && op.what != io_op::kind::finish && (all || op.async)) ended.push_back(std::move(op));
        else keep.push_back(std::move(op));
    }
    ops_.swap(keep);
    for (auto& op : ended) complete(lock, op, {false, error, 0});
    // A read waiting at the engine for body bytes: the engine gives its buffer back, then
    // on_read completes it with `error`.
    if (!ops_.empty() && op_running_ && ops_.front().what == io_op::kind::read && (all || ops_.front().async)) {
        cancelled_read_ = ops_.front().id;
        cancelled_read_error_ = error;
        request_->cancel_read();
    }
}

BOOL isapi_request::close_connection() {
    lock_type lock(mutex_);
    if (closed_by_extension_) return TRUE;
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
    return TRUE;
}

BOOL isapi_request::cancel_io() {
    lock_type lock(mutex_);
    cancel_operations(lock, ERROR_OPERATION_ABORTED, false);
    return TRUE;
}

BOOL isapi_request::report_unhealthy(std::string_view reason) {
    spdlog::warn("{} extension '{}' reports this worker unhealthy: {}", log_context(), extension_name(),
                 engine::log_text(reason, 512));
    pool_->observer().extension_unhealthy(pool_->settings().name, extension_name(), reason);
    return TRUE;
}

void isapi_request::refused(DWORD code) {
    const DWORD error = GetLastError();
    // The key unsupported() uses: a code it already reported is not reported again.
    if (pool_->first_time(std::string(extension_name()), fmt::format("ssf {}", code)))
        spdlog::warn("{} extension '{}' called ServerSupportFunction({}) with arguments or at a time it refuses; "
                     "answering FALSE/ERROR_INVALID_PARAMETER (logged once per code and extension)",
                     log_context(), extension_name(), code);
    SetLastError(error);  // the extension reads it next
}

BOOL isapi_request::unsupported(DWORD code) {
    if (pool_->first_time(std::string(extension_name()), fmt::format("ssf {}", code)))
        spdlog::warn("{} extension '{}' called ServerSupportFunction({}), which is not supported; answering "
                     "FALSE/ERROR_INVALID_PARAMETER (logged once per code and extension)",
                     log_context(), extension_name(), code);
    return fail(ERROR_INVALID_PARAMETER);
}

// ---- EXEC_URL ------------------------------------------------------------------------------

namespace {

// IIS nests child requests without a documented limit; a child re-running its own URL without
// HSE_EXEC_URL_IGNORE_CURRENT_INTERCEPTOR would otherwise recurse until memory runs out.
constexpr unsigned max_exec_depth = 8;

}  // namespace

BOOL isapi_request::exec_url(exec_url_request child) {
    if (depth_ + 1 > max_exec_depth) {
        if (pool_->first_time(std::string(extension_name()), "exec depth"))
            spdlog::warn("{} extension '{}' nests HSE_REQ_EXEC_URL deeper than {} levels; refused with "
                         "ERROR_INVALID_PARAMETER (logged once per extension)",
                         log_context(), extension_name(), max_exec_depth);
        return fail(ERROR_INVALID_PARAMETER);
    }
    io_op op;
    op.what = io_op::kind::exec;
    op.label = "HSE_REQ_EXEC_URL";
    op.exec = std::make_shared<exec_url_request>(std::move(child));
    op.ecb_status = ecb_.dwHttpStatusCode;
    return submit_async(std::move(op), {});
}

BOOL isapi_request::get_exec_url_status(HSE_EXEC_URL_STATUS* out) {
    std::lock_guard lock(mutex_);
    if (!exec_status_) return fail(ERROR_INVALID_PARAMETER);  // no child request has ended
    *out = *exec_status_;
    return TRUE;
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
        exec_status_ = HSE_EXEC_URL_STATUS{static_cast<USHORT>(status), 0,
                                           bad ? DWORD{ERROR_INVALID_PARAMETER} : DWORD{ERROR_FILE_NOT_FOUND}};
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
    auto channel = std::make_shared<child_channel>(shared_from_this(), op.id, std::move(params), spec.entity,
                                                   pass_headers);
    const std::size_t extension = mapped.match.extension;
    auto child = std::make_shared<isapi_request>(std::move(channel), pool_, extension, std::move(mapped.match),
                                                 depth_ + 1);
    // A request starts on the connection strand (its read-ahead reads there).
    boost::asio::post(request_->executor(), [child] { child->start(); });
}

void isapi_request::child_output(std::uint64_t exec_id, std::span<const std::byte> borrowed, std::string owned,
                                 engine::request::write_handler handler) {
    lock_type lock(mutex_);
    const bool current = !ops_.empty() && ops_.front().id == exec_id && ops_.front().what == io_op::kind::exec;
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

void isapi_request::child_ended(std::uint64_t exec_id, unsigned status, DWORD win32_error) {
    lock_type lock(mutex_);
    if (ops_.empty() || ops_.front().id != exec_id || ops_.front().what != io_op::kind::exec) return;
    exec_status_ = HSE_EXEC_URL_STATUS{static_cast<USHORT>(status), 0, win32_error};
    complete_front(lock, {win32_error == ERROR_SUCCESS, win32_error, 0});
    pump(lock);
}

// ---- after the end ------------------------------------------------------------------------

void isapi_request::write_access_log() {
    auto* log = pool_->access_log();
    if (!log) return;
    auto r = request_access_record(request_->params(), pool_->settings().name);
    const std::string extension(extension_name());
    r.extension = extension;
    r.log_data = log_data_;
    r.log_parameters = log_parameters_;
    // What the client got: nginx logs 499 for a client that left first, so do we.
    r.status = client_gone_ || request_->aborted() ? logging::client_closed_request : translator_.status_code();
    r.iis_status = logged_status_;
    r.bytes_received = body_bytes_read_;
    r.bytes_sent = translator_.body_bytes();
    r.duration = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - started_);
    if (request_->defer_access_log(r)) return;
    log->info("{}", logging::format_access_line(pool_->access_format(), r));
}

void isapi_request::notify_finished() {
    if (depth_ > 0) return;
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - started_);
    pool_->observer().request_finished({request_->serial(), pool_->settings().name, extension_name(), extension_,
                                        translator_.status_code(), logged_status_, state_.returned_pending(),
                                        timed_out_, body_bytes_read_, translator_.body_bytes(), elapsed});
}

}  // namespace isapi_fcgi::isapi
