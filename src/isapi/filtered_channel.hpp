#pragma once
// A request of a pool with filters: the engine's request as a channel (engine_channel), with the
// filter chain on both sides of it.
// - Request side: gate().run() (filters::request_gate) on an extension thread; a rewritten head
//   or user becomes the params the rest of the host sees (params()), so a new URL routes to
//   another extension.
// - Response side: every write and the end go through filters::response_side (SEND_RESPONSE,
//   SEND_RAW_DATA, END_OF_REQUEST) on the pool's filter threads, in order (one strand per
//   request), then back to the connection's strand; the access log record goes through
//   SF_NOTIFY_LOG before it is written. The session is held until then. The responses the host
//   or a filter make themselves go the same way (send_host_response, send_filter_response).
// Pools without filters never build one: their requests cost nothing more.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include "filters/request_gate.hpp"
#include "filters/response_side.hpp"
#include "isapi/pool_host.hpp"
#include "isapi/request_channel.hpp"

namespace isapi_fcgi::isapi {

class filtered_channel final : public request_channel, public std::enable_shared_from_this<filtered_channel> {
public:
    filtered_channel(std::shared_ptr<engine::request> request, std::shared_ptr<pool_host> pool);
    ~filtered_channel() override;

    filters::request_gate& gate() noexcept { return gate_; }
    /// After gate().run() said proceed: adopts its rewritten params and starts the response side.
    void proceed();
    /// After gate().run() said answered: the filter's own response, through the response side
    /// (SEND_RESPONSE, SEND_RAW_DATA, END_OF_REQUEST, then LOG). On the connection's strand.
    void send_filter_response();
    /// A response the host makes itself for this request (`response`: a CGI header block and its
    /// body of `body_bytes`; a 400, 404 or 413 after proceed(), a 500 for a filter that failed),
    /// through the response side as well. On the connection's strand.
    void send_host_response(std::string response, unsigned status, std::size_t body_bytes);

    const fcgi::param_set& params() const noexcept override { return rewritten_ ? *rewritten_ : inner_.params(); }
    std::string_view log_context() const noexcept override { return inner_.log_context(); }
    std::uint64_t serial() const noexcept override { return inner_.serial(); }
    engine::strand_type executor() const override { return inner_.executor(); }
    void on_abort_on_strand(abort_handler handler) override { inner_.on_abort_on_strand(std::move(handler)); }
    bool aborted() const noexcept override { return inner_.aborted(); }
    void read_stdin_on_strand(std::span<std::byte> buffer, read_handler handler) override {
        inner_.read_stdin_on_strand(buffer, std::move(handler));
    }
    void async_read_stdin(std::span<std::byte> buffer, read_handler handler) override {
        inner_.async_read_stdin(buffer, std::move(handler));
    }
    void cancel_read() override { inner_.cancel_read(); }
    void write_on_strand(std::span<const std::byte> borrowed, std::string owned, write_handler handler) override;
    void end_on_strand() override;
    void close_connection() override;
    bool defer_access_log(const logging::access_record& record) override;

private:
    struct pending_log;
    using strand_type = boost::asio::strand<boost::asio::thread_pool::executor_type>;

    /// On the connection strand: what the response side made of a write.
    void deliver(filters::response_side::output out, write_handler handler);
    /// On the filter strand, once the end went through and the log record (if any) arrived.
    void write_log_if_ready();
    /// A whole response the host has in hand: written and ended through the response side
    /// (`from`), with an access log record of its own.
    void send_whole(std::string response, unsigned status, std::size_t body_bytes,
                    filters::response_side::source from);

    std::shared_ptr<engine::request> request_;
    std::shared_ptr<pool_host> pool_;
    engine_channel inner_;
    filters::request_gate gate_;
    std::optional<fcgi::param_set> rewritten_;
    std::optional<filters::response_side> response_;
    strand_type strand_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    // On the filter strand:
    bool ended_ = false;
    bool cut_ = false;
    std::unique_ptr<pending_log> log_;
};

}  // namespace isapi_fcgi::isapi
