#pragma once
// What wine_extension relays to a Windows worker: the engine's request with its client
// connection, or an HSE_REQ_EXEC_URL child of another Wine extension's request, whose output
// goes into that parent's response (isapi/linux_child_parent.cpp) and which has no connection of
// its own (docs/wine.md, "Child requests"). The relay calls these from any thread.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "engine/request.hpp"
#include "isapi/request_channel.hpp"

namespace isapi_fcgi::wine {

class relayed_request {
public:
    virtual ~relayed_request() = default;

    virtual const fcgi::param_set& params() const noexcept = 0;
    virtual std::string_view log_context() const noexcept = 0;
    virtual std::uint64_t serial() const noexcept = 0;
    virtual engine::strand_type executor() const = 0;
    /// Its EXEC_URL nesting: 0 for the engine's request, which the Windows worker then counts from.
    virtual unsigned exec_depth() const noexcept { return 0; }
    /// Its body is its parent's unread body, lent to it (an EXEC_URL child): its Windows worker
    /// reports how much of it the request read (body_consumed) as it ends.
    virtual bool lends_parent_body() const noexcept { return false; }
    /// The Windows worker's count of the body bytes the request read, once it ended (any thread).
    virtual void body_consumed(std::uint64_t) {}
    /// The request as a child of it sees its parent (its strand, its serial).
    virtual isapi::request_channel& channel() noexcept = 0;

    // Any thread; the handlers run on executor().
    virtual void write(std::string bytes, engine::request::write_handler handler = {}) = 0;
    virtual void end() = 0;
    virtual void close_connection() = 0;
    virtual void async_read_stdin(std::span<std::byte> buffer, engine::request::read_handler handler) = 0;
    /// On executor(): `handler` runs once when the request is aborted before it ended.
    virtual void on_abort_on_strand(engine::request::abort_handler handler) = 0;
};

/// The engine's request, with its client connection.
class engine_relayed_request final : public relayed_request {
public:
    explicit engine_relayed_request(std::shared_ptr<engine::request> request)
        : request_(std::move(request)), channel_(request_) {}

    const fcgi::param_set& params() const noexcept override { return request_->params(); }
    std::string_view log_context() const noexcept override { return request_->log_context(); }
    std::uint64_t serial() const noexcept override { return request_->serial(); }
    engine::strand_type executor() const override { return request_->executor(); }
    isapi::request_channel& channel() noexcept override { return channel_; }
    void write(std::string bytes, engine::request::write_handler handler) override {
        request_->write_copy(std::move(bytes), std::move(handler));
    }
    void end() override { request_->end(); }
    void close_connection() override { request_->close_connection(); }
    void async_read_stdin(std::span<std::byte> buffer, engine::request::read_handler handler) override {
        request_->async_read_stdin(buffer, std::move(handler));
    }
    void on_abort_on_strand(engine::request::abort_handler handler) override {
        request_->on_abort_on_strand(std::move(handler));
    }

private:
    std::shared_ptr<engine::request> request_;
    isapi::engine_channel channel_;
};

}  // namespace isapi_fcgi::wine
