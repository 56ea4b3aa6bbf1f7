// isapi_request's operations: how each kind starts at the front of the queue (operation_queue),
// its bytes through the translator into the outbox, the engine's answers, and the completion
// that ends it (a woken caller, or a callback on the completion_strand). Everything here runs
// under the request's mutex except the extension's callbacks and the engine calls in
// flush_outbox().
#include <algorithm>
#include <vector>

#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/errc.hpp"
#include "engine/log_text.hpp"
#include "isapi/call_context_scope.hpp"
#include "isapi/extension_status.hpp"
#include "isapi/isapi_request.hpp"

namespace isapi_fcgi::isapi {
namespace {

// A synchronous caller's bytes (and a small asynchronous write, see async_copy_limit) are copied
// and the call completes at once while this request's unsent bytes stay within this bound: IIS
// completes once the connection has accepted the data, not once the client has it. A write past
// the bound waits for its own bytes, which is the backpressure.
constexpr std::size_t max_unsent_bytes = 64 * 1024;

}  // namespace

op_result isapi_request::run_sync(io_op op) {
    sync_waiter waiter;
    op.waiter = &waiter;
    lock_type lock(mutex_);
    ops_.push(std::move(op));
    pump(lock);
    ops_.wait(lock, waiter);
    return waiter.result;
}

call_result isapi_request::submit_async(io_op op, completion_target target) {
    lock_type lock(mutex_);
    if (!completions_.resolve(target).callback) {
        lock.unlock();
        if (pool_->first_time(std::string(extension_name()), "async without completion"))
            spdlog::warn("{} extension '{}' started an asynchronous operation without an HSE_REQ_IO_COMPLETION "
                         "callback; answering FALSE/ERROR_INVALID_PARAMETER (logged once per extension)",
                         log_context(), extension_name());
        return call_failed(ERROR_INVALID_PARAMETER);
    }
    if (response_closed()) return call_failed(ERROR_NETNAME_DELETED);
    const bool strict = pool_->options().strict_async;
    switch (state_.submit_async(strict)) {
    case session_state::submit_result::refused:
        lock.unlock();
        spdlog::warn("{} extension '{}' started a second asynchronous operation while one is outstanding; "
                     "refused (strict_async)", log_context(), extension_name());
        return call_failed(ERROR_INVALID_PARAMETER);
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
    ops_.push(std::move(op));
    pump(lock);
    return call_result::ok;
}

void isapi_request::pump(lock_type& lock) {
    while (auto* op = ops_.next_to_start()) start_op(lock, *op);
}

void isapi_request::start_op(lock_type& lock, io_op& op) {
    switch (op.what) {
    case io_op::kind::write: return start_write(lock, op);
    case io_op::kind::read: return start_read(lock, op);
    case io_op::kind::send: return continue_send(lock, op);
    case io_op::kind::exec: return start_exec(lock, op);
    case io_op::kind::header:
    case io_op::kind::redirect:
    case io_op::kind::host_header: return start_header(lock, op);
    case io_op::kind::finish: return start_finish(lock);
    }
}

void isapi_request::start_header(lock_type& lock, io_op& op) {
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
    send_bytes(lock, out, 0);
}

void isapi_request::start_finish(lock_type& lock) {
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
    complete_front(lock, {});
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
        auto& op = ops_.running();
        if (op.what != io_op::kind::send) return complete_front(lock, {true, ERROR_SUCCESS, static_cast<std::uint32_t>(reported)});
        if (reported) op.job->advance(reported);
        return continue_send(lock, op);
    }
    auto& front = ops_.running();
    const std::size_t size = out.header_bytes.size() + out.body_copy.size() + out.body_view.size();
    // Copying a small asynchronous write costs less than the round trip to the I/O thread and
    // back that waiting for its bytes would; larger ones go out from the caller's buffer.
    const bool copy_async = front.async && size <= pool_->options().async_copy_limit;
    if ((front.waiter || copy_async) && front.what != io_op::kind::send && unsent_bytes_ + size <= max_unsent_bytes) {
        out.body_copy.append(out.body_view.data(), out.body_view.size());
        out.body_view = {};
        unsent_bytes_ += size;
        queue_response(lock, out, [self = shared_from_this(), size](std::error_code ec) {
            self->on_accepted_sent(ec, size);
        });
        return complete_front(lock, {true, ERROR_SUCCESS, static_cast<std::uint32_t>(reported)});
    }
    queue_response(lock, out, [self = shared_from_this(), id = front.id, reported](std::error_code ec) {
        self->on_sent(id, ec, reported);
    });
}

void isapi_request::queue_response(lock_type& lock, response_bytes& out, engine::request::write_handler last) {
    outbox_.push_response(out, std::move(last));
    post_flush(lock);
}

void isapi_request::queue_out(lock_type& lock, outbox::item item) {
    outbox_.push(std::move(item));
    post_flush(lock);
}

void isapi_request::post_flush(lock_type&) {
    if (outbox_.claim_flush())
        boost::asio::post(executor_, engine::slot_handler(post_slot(), [this] { flush_outbox(); }));
}

void isapi_request::flush_outbox() {
    outbox::batch batch;
    {
        lock_type lock(mutex_);
        batch = outbox_.take();
    }
    // Outside the lock: the engine may run a handler (which takes the lock) before returning.
    outbox::deliver(batch, *request_, timer_.get());
}

void isapi_request::on_accepted_sent(std::error_code ec, std::size_t size) {
    std::lock_guard lock(mutex_);
    unsent_bytes_ -= size;
    if (ec) client_gone_ = true;  // the caller already returned: its next call fails
}

void isapi_request::on_sent(std::uint64_t id, std::error_code ec, std::size_t reported) {
    lock_type lock(mutex_);
    auto* current = ops_.current(id);
    if (!current) return;  // abandoned at shutdown
    auto& op = *current;
    if (ec) {
        client_gone_ = true;
        complete_front(lock, {false, gone_error(op.async),
                              static_cast<std::uint32_t>(op.job ? op.job->bytes_sent() : 0)});
    } else if (op.what == io_op::kind::send) {
        if (reported) op.job->advance(reported);
        continue_send(lock, op);
    } else {
        complete_front(lock, {true, ERROR_SUCCESS, static_cast<std::uint32_t>(reported)});
    }
    pump(lock);
}

void isapi_request::start_read(lock_type& lock, io_op& op) {
    if (op.into.empty() || body_ended_ || body_too_large_) return complete_front(lock, {});
    if (response_closed())
        return complete_front(lock, {true, op.async ? gone_error(true) : std::uint32_t{ERROR_SUCCESS}, 0});
    request_->async_read_stdin(op.into, [self = shared_from_this(), id = op.id](std::error_code ec, std::size_t n) {
        self->on_read(id, ec, n);
    });
}

void isapi_request::on_read(std::uint64_t id, std::error_code ec, std::size_t n) {
    lock_type lock(mutex_);
    auto* current = ops_.current(id);
    if (!current) return;
    const bool async = current->async;
    if (ec == engine::errc::read_cancelled) {
        // A cancellation that arrived after the read it was meant for had completed finds this
        // later read pending: it was not asked for, so the read goes on.
        const auto error = ops_.take_read_cancellation(id);
        if (!error) return start_read(lock, *current);
        complete_front(lock, {true, *error, 0});
        return pump(lock);
    }
    // IIS: a vanished client reads as the end of the body (TRUE, 0 bytes); IS_CONNECTED says so.
    op_result result{true, ERROR_SUCCESS, 0};
    if (ec) {
        client_gone_ = true;
        if (async) result.error = ERROR_OPERATION_ABORTED;
    } else if (n == 0) {
        body_ended_ = true;
    } else if (body_bytes_read_ + n > pool_->options().max_request_body) {
        body_bytes_read_ += n;
        body_too_large_ = true;
        answer_error(lock, 413, "the request body exceeds max_request_body", true);
        if (async) result.error = ERROR_OPERATION_ABORTED;
    } else {
        body_bytes_read_ += n;
        result.bytes = static_cast<std::uint32_t>(n);
    }
    complete_front(lock, result);
    pump(lock);
}

void isapi_request::continue_send(lock_type& lock, io_op& op) {
    auto& job = *op.job;
    const auto sent = [&job] { return static_cast<std::uint32_t>(job.bytes_sent()); };
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
    auto* current = ops_.current(id);
    if (!current) return;
    auto& op = *current;
    if (chunk.error != ERROR_SUCCESS) {
        spdlog::warn("{} {} cannot read the file: error {}", log_context(), op.label, chunk.error);
        complete_front(lock, {false, chunk.error, static_cast<std::uint32_t>(job.bytes_sent())});
        return pump(lock);
    }
    response_bytes out;
    if (auto ec = translator_.write(chunk.bytes, op.ecb_status, out)) {
        spdlog::warn("{} extension '{}': {} refused: {}", log_context(), extension_name(), op.label, ec.message());
        complete_front(lock, {false, ERROR_INVALID_PARAMETER, static_cast<std::uint32_t>(job.bytes_sent())});
        return pump(lock);
    }
    send_bytes(lock, out, chunk.bytes.size());
    pump(lock);
}

void isapi_request::complete_front(lock_type& lock, op_result result) {
    io_op op = ops_.pop_front();
    complete(lock, op, result);
}

void isapi_request::complete(lock_type& lock, io_op& op, op_result result) {
    if (op.waiter) {
        ops_.wake(*op.waiter, result);
    } else if (op.async) {
        post_completion(lock, op.target, result);
    }
}

void isapi_request::post_completion(lock_type&, completion_target target, op_result result) {
    switch (completions_.hold(target, result)) {
    case completion_strand::hold_result::held_first: pool_->held_completions().watch(*this); return;
    case completion_strand::hold_result::held: return;
    case completion_strand::hold_result::not_holding: break;
    }
    boost::asio::post(completions_.strand(),
                      [self = shared_from_this(), target, result] { self->run_completion(target, result); });
}

bool isapi_request::stop_watching_held_completions() {
    completion_strand::proc_returned_result returned;
    {
        lock_type lock(mutex_);
        returned = completions_.proc_returned();
    }
    if (returned.watched) pool_->held_completions().forget(*this);
    return returned.held;
}

void isapi_request::drain_held_completions() {
    // Completions that finish meanwhile while holding is still on (a chained write copied at
    // once) are held too, and run in this loop: in order, with a flat stack.
    for (;;) {
        std::vector<completion_strand::held_completion> batch;
        {
            lock_type lock(mutex_);
            batch = completions_.take_held();
        }
        if (batch.empty()) return;
        for (const auto& h : batch) run_completion(h.target, h.result);
    }
}

void isapi_request::release_held_completions() {
    lock_type lock(mutex_);
    // A proc that waits or runs this long gets its later completions at once.
    if (!completions_.release()) return;
    boost::asio::post(completions_.strand(), [self = shared_from_this()] { self->drain_held_completions(); });
}

void isapi_request::run_completion(completion_target target, op_result result) {
    completion_target use;
    {
        lock_type lock(mutex_);
        state_.completion_started();
        use = completions_.resolve(target);
    }
    if (use.callback) {
        pool_->observer().extension_code_entered(request_->serial());
        const call_context_scope context(pool_->extension(extension_).name(), call_url_->c_str());
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

void isapi_request::cancel_operations(lock_type& lock, std::uint32_t error, bool all) {
    // Behind the front: not started yet, so they can end here. The end of the response stays.
    auto ended = ops_.take_unstarted(all);
    for (auto& op : ended) complete(lock, op, {false, error, 0});
    // A read waiting at the engine for body bytes: the engine gives its buffer back, then
    // on_read completes it with `error`.
    if (auto* read = ops_.running_read(all)) {
        ops_.mark_read_cancelled(read->id, error);
        request_->cancel_read();
    }
}

}  // namespace isapi_fcgi::isapi
