#pragma once
// THE SEAM between the engine and the layer above: one FastCGI request with its params, its
// body as a bounded stream, and an output sink. Every member may be called from any thread; work
// is posted onto the owning connection's strand, and completion handlers run there later (never
// inside the call that started them). Handlers must not block: post blocking work elsewhere.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "engine/asio.hpp"
#include "engine/handler_slot.hpp"
#include "engine/inline_function.hpp"
#include "engine/log_context.hpp"
#include "engine/stdin_stream.hpp"
#include "fcgi/param_set.hpp"
#include "fcgi/protocol.hpp"

namespace isapi_fcgi::engine {

class connection;

/// SCRIPT_NAME, or the path of REQUEST_URI when the front end did not split it.
std::string_view script_name_of(const fcgi::param_set& params) noexcept;
/// See request::asks_for_verdict().
bool asks_for_verdict(fcgi::role role, const fcgi::param_set& params) noexcept;

class request : public std::enable_shared_from_this<request> {
public:
    /// Inline up to 48 bytes: a read's completion is built once per STDIN record.
    using read_handler = stdin_stream::read_handler;
    /// Inline up to 32 bytes (the object and two words), as output_queue keeps them: a
    /// std::function put every write's completion on the heap.
    using write_handler = inline_function<void(std::error_code), 32>;
    using abort_handler = inline_function<void(), 16>;

    request(std::shared_ptr<connection> owner, std::uint16_t fcgi_id, bool keep_conn,
            std::uint64_t serial, fcgi::param_set params, std::size_t stdin_limit,
            fcgi::role role = fcgi::role::responder);
    ~request();
    request(const request&) = delete;
    request& operator=(const request&) = delete;

    const fcgi::param_set& params() const noexcept { return params_; }
    std::uint16_t fcgi_id() const noexcept { return fcgi_id_; }
    /// RESPONDER, or AUTHORIZER (params only: the answer is a verdict, 200 = allow).
    fcgi::role role() const noexcept { return role_; }
    /// True when the front end asks for a verdict rather than a response: the AUTHORIZER role,
    /// or a responder request marked ISAPI_FCGI_AUTH_REQUEST=1 (nginx's auth_request,
    /// conf/nginx/isapi-fcgi-auth.conf). Only the ISAPI host answers those: the ping, status
    /// and metrics paths never do, since their 200 would let the request through.
    bool asks_for_verdict() const noexcept { return asks_for_verdict_; }
    bool keep_conn() const noexcept { return keep_conn_; }
    /// Unique among every request this process serves (nginx's FastCGI id is always 1).
    std::uint64_t serial() const noexcept { return serial_; }
    /// "req=N conn=M" plus " fe=ID" when the front end passed REQUEST_ID: the context of every
    /// log line about this request.
    std::string_view log_context() const noexcept { return log_context_.text(); }
    /// The configured name of the pool whose listener accepted the request.
    const std::string& pool_name() const noexcept;
    /// SCRIPT_NAME, or the path of REQUEST_URI when the front end did not split it.
    std::string_view script_name() const noexcept;

    /// Reads up to buffer.size() body bytes into `buffer`, which must stay valid until the
    /// handler runs. 0 bytes = end of body. Fails with errc::request_aborted after an abort,
    /// errc::read_in_progress if a read is pending.
    void async_read_stdin(std::span<std::byte> buffer, read_handler handler);
    /// The same, for a caller already on the connection's strand (the layer above's handle()
    /// and the handlers of its reads): no post, and the handler runs before this returns when
    /// body bytes or the end of the body are already buffered.
    void read_stdin_on_strand(std::span<std::byte> buffer, read_handler handler);
    /// Completes a pending async_read_stdin with errc::read_cancelled once on the strand (its
    /// buffer is released when the handler runs); body bytes not yet read stay readable.
    void cancel_read();
    /// Sends `data` as FCGI_STDOUT, borrowing it until the handler runs (no copy).
    void async_write(std::span<const std::byte> data, write_handler handler);
    /// Sends a copy of `data`; for small, engine-generated output.
    void write_copy(std::string data, write_handler handler = {});
    /// Ends the request: the empty STDOUT record, then END_REQUEST{app_status}. Later writes
    /// fail with errc::request_ended; a second end() is ignored.
    void end(std::uint32_t app_status = 0);
    /// async_write/write_copy and end() for a caller already on the connection's strand, which
    /// batches its own output: no post. `owned` is sent when not empty, else `borrowed`.
    void write_on_strand(std::span<const std::byte> borrowed, std::string owned, write_handler handler);
    void end_on_strand(std::uint32_t app_status = 0);
    /// On the strand, around several write_on_strand/end_on_strand calls (a batch the layer above
    /// collected): they go out in one write at the end of the turn, with no post. Their handlers
    /// may then run inside end_output_turn_on_strand(), still never inside the call that queued
    /// them.
    void begin_output_turn_on_strand() noexcept;
    void end_output_turn_on_strand();
    /// `handler` runs once on the connection's strand if the web server aborts the request
    /// (ABORT_REQUEST or connection loss) before end(). Set it before returning from handle().
    void on_abort(abort_handler handler);
    /// on_abort() for a caller already on the connection's strand: no post.
    void on_abort_on_strand(abort_handler handler);
    bool aborted() const noexcept { return aborted_.load(std::memory_order_acquire); }
    /// Closes the whole FastCGI connection without END_REQUEST, so the web server sees a
    /// truncated response rather than a complete-looking one (a timeout after the headers went
    /// out). Every other request multiplexed on the connection is aborted too.
    void close_connection();
    /// The owning connection's strand: timers that must fire even while every extension thread
    /// is busy run here. Handlers posted to it must not block.
    /// The strand itself, not an any_io_executor: a strand does not fit that one's small buffer,
    /// so every conversion (and every post through it) allocates.
    strand_type executor() const;

    // The owning connection's side; called on its strand only.
    stdin_stream& body() noexcept { return body_; }
    const stdin_stream& body() const noexcept { return body_; }
    bool ended_on_strand() const noexcept { return ended_; }
    void mark_ended() noexcept {
        ended_ = true;
        work_.reset();
    }
    void abort_on_strand(std::error_code reason);

private:
    std::shared_ptr<connection> owner_;
    std::uint16_t fcgi_id_;
    fcgi::role role_;
    bool asks_for_verdict_;
    bool keep_conn_;
    std::uint64_t serial_;
    fcgi::param_set params_;
    stdin_stream body_;
    bool ended_ = false;  // strand-only
    // Keeps the io_context running until the request ends, so stopping the server waits for
    // requests the layer above still holds (bounded by the server's drain watchdog). The
    // io_context's own executor, not the strand in an any_io_executor: that one is too large for
    // its small buffer and cost an allocation per request.
    using tracked_executor = decltype(asio::prefer(std::declval<asio::io_context::executor_type>(),
                                                   asio::execution::outstanding_work.tracked));
    std::optional<tracked_executor> work_;
    engine::log_context log_context_;
    abort_handler abort_handler_;
    std::atomic<bool> aborted_{false};
    // The memory of the posted async_read_stdin: reads come from an extension thread once per
    // STDIN record, at most one at a time.
    handler_slot read_post_slot_;
};

}  // namespace isapi_fcgi::engine
