#pragma once
// Where one ISAPI request's input comes from and its output goes: the seam between isapi_request
// (the ECB, the operation queue, session_state) and what carries the bytes. Two implementations:
// - engine_channel: the engine's FastCGI request (every request a web server sends);
// - child_channel: an HSE_REQ_EXEC_URL child, whose output feeds its parent's response while the
//   parent's EXEC_URL operation is at the front of the parent's queue, and whose body is an
//   entity buffer or the parent's unread body (docs/architecture.md, "Child requests").
// The contract is engine::request's: every *_on_strand member runs on executor(), the
// connection's strand, and handlers run there too, never inside the call that started them
// except where engine::request allows it (read_stdin_on_strand with bytes already buffered).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "engine/request.hpp"

namespace isapi_fcgi::logging {
struct access_record;
}

namespace isapi_fcgi::isapi {

class request_channel {
public:
    using read_handler = engine::request::read_handler;
    using write_handler = engine::request::write_handler;
    using abort_handler = engine::request::abort_handler;

    virtual ~request_channel() = default;

    virtual const fcgi::param_set& params() const noexcept = 0;
    virtual std::string_view log_context() const noexcept = 0;
    /// The engine request's serial (a child shares its parent's: it is work for that request).
    virtual std::uint64_t serial() const noexcept = 0;
    virtual engine::strand_type executor() const = 0;

    virtual void on_abort_on_strand(abort_handler handler) = 0;
    virtual bool aborted() const noexcept = 0;

    virtual void read_stdin_on_strand(std::span<std::byte> buffer, read_handler handler) = 0;
    virtual void async_read_stdin(std::span<std::byte> buffer, read_handler handler) = 0;
    virtual void cancel_read() = 0;

    virtual void write_on_strand(std::span<const std::byte> borrowed, std::string owned, write_handler handler) = 0;
    virtual void end_on_strand() = 0;
    /// engine::request's output turn, where the channel has one: the writes and end between
    /// these go out together, without a post.
    virtual void begin_output_turn() noexcept {}
    virtual void end_output_turn() {}
    /// The response cannot end normally (a timeout after its headers went out).
    virtual void close_connection() = 0;
    /// The request's access log record, before it is written (any thread; must not block).
    /// True when the channel writes it itself, later (a filter's SF_NOTIFY_LOG edits it first).
    virtual bool defer_access_log(const logging::access_record&) { return false; }
};

/// The engine's FastCGI request as a channel.
class engine_channel final : public request_channel {
public:
    explicit engine_channel(std::shared_ptr<engine::request> request) : request_(std::move(request)) {}

    const fcgi::param_set& params() const noexcept override { return request_->params(); }
    std::string_view log_context() const noexcept override { return request_->log_context(); }
    std::uint64_t serial() const noexcept override { return request_->serial(); }
    engine::strand_type executor() const override { return request_->executor(); }
    void on_abort_on_strand(abort_handler handler) override { request_->on_abort_on_strand(std::move(handler)); }
    bool aborted() const noexcept override { return request_->aborted(); }
    void read_stdin_on_strand(std::span<std::byte> buffer, read_handler handler) override {
        request_->read_stdin_on_strand(buffer, std::move(handler));
    }
    void async_read_stdin(std::span<std::byte> buffer, read_handler handler) override {
        request_->async_read_stdin(buffer, std::move(handler));
    }
    void cancel_read() override { request_->cancel_read(); }
    void write_on_strand(std::span<const std::byte> borrowed, std::string owned, write_handler handler) override {
        request_->write_on_strand(borrowed, std::move(owned), std::move(handler));
    }
    void end_on_strand() override { request_->end_on_strand(0); }
    void begin_output_turn() noexcept override { request_->begin_output_turn_on_strand(); }
    void end_output_turn() override { request_->end_output_turn_on_strand(); }
    void close_connection() override { request_->close_connection(); }

private:
    std::shared_ptr<engine::request> request_;
};

}  // namespace isapi_fcgi::isapi
