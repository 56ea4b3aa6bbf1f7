#pragma once
// One FastCGI transport connection. Three actors share its strand (Asio timeouts/server.cpp):
//  - the reader waits for readability, reads into a per-thread buffer (so an idle connection
//    holds no read buffer) and feeds the demultiplexer; it pauses while a request's unread body
//    is full, which is how backpressure reaches the web server, unless other requests share the
//    connection: then that body goes on in a temporary file (stdin_stream::spill);
//  - the writer sends the output queue with gathered writes;
//  - the deadline timer enforces the idle, read, write and linger timeouts.
// The connection lives as long as one of its operations or requests holds it.
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "engine/asio.hpp"
#include "engine/connection_registry.hpp"
#include "engine/output_queue.hpp"
#include "engine/pool_context.hpp"
#include "engine/request.hpp"
#include "fcgi/demultiplexer.hpp"

namespace isapi_fcgi::engine {

using connection_socket = asio::basic_stream_socket<stream_protocol, strand_type>;

class connection : public std::enable_shared_from_this<connection>, private fcgi::demux_handler {
public:
    /// `overloaded`: accepted beyond max_connections; its requests get 503 and it then closes.
    connection(connection_socket socket, std::shared_ptr<pool_context> pool,
               std::shared_ptr<connection_registry> registry, std::uint64_t id, bool overloaded);
    ~connection() override;
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    void start();
    /// Thread-safe: closes at once, aborting every request.
    void close();
    /// Thread-safe, for a graceful stop, reload or recycle: requests that arrive meanwhile are
    /// still served; the connection closes right after the end of a request that leaves it idle
    /// (the peer reads our end of stream with the END_REQUEST, before it can send another
    /// request), or once it has stayed idle for `drain_grace`, or when the peer closes it.
    /// `serve_kept` false: an idle connection closes at once (its worker cannot serve anyway).
    void drain(bool serve_kept = true);

    strand_type strand() { return socket_.get_executor(); }
    std::uint64_t id() const noexcept { return id_; }
    const std::string& pool_name() const noexcept { return options_.name; }

    // For request; strand only.
    void read_stdin(const std::shared_ptr<request>& r, std::span<std::byte> buffer,
                    request::read_handler handler);
    void write_stdout(const std::shared_ptr<request>& r, std::span<const std::byte> borrowed,
                      std::string owned, request::write_handler handler);
    void end_request(const std::shared_ptr<request>& r, std::uint32_t app_status);
    /// What is queued between these two goes out in one write when the turn ends, without the
    /// post schedule_write() makes otherwise (as in the reader's turn). Turns may nest.
    void begin_output_turn() noexcept { ++output_turns_; }
    void end_output_turn();

private:
    using clock = std::chrono::steady_clock;
    enum class state { open, lingering, closed };

    // reader
    void do_wait_readable();
    void on_readable(io_error ec);
    void on_peer_closed(io_error ec);
    /// Input stops while a request's unread body or our unsent output is over its bound: a peer
    /// that pipelines requests without reading the answers cannot make output grow unbounded.
    bool must_pause_reading() const;
    void pause_reading_if_needed();
    /// Moves a full body to a temporary file instead of pausing a connection others share.
    void spill_body(request& r);
    void resume_reading_if_drained();
    // writer
    void schedule_write();
    /// Ends the reader's turn: what it queued goes out in one write.
    void flush_after_reading();
    void do_write();
    void on_write(io_error ec, std::size_t written);
    /// The batch after which the connection closes: written at once and, when it all went out,
    /// followed by the half-close with nothing in between.
    void write_last_batch(std::span<const asio::const_buffer> buffers);
    // deadlines
    void update_read_deadline();
    void arm_deadline();
    void on_deadline(io_error ec);
    // closing
    void maybe_close_after_flush();
    /// True when the connection should close after this flush (no keep-alive, overload, drain).
    bool closing_after(bool keep_conn) const;
    /// No request in progress, none begun, no record half read: nothing can be lost by closing.
    bool idle() const;
    /// The request came through nginx (its fastcgi_params send SERVER_SOFTWARE nginx/VERSION).
    static bool nginx_in_front(const fcgi::param_set& params);
    void nudge_nginx_away();
    void close_now();
    void abort_requests(std::error_code reason);

    // demux_handler
    void on_begin_request(std::uint16_t id, bool keep_conn) override;
    bool on_begin_authorizer(std::uint16_t id, bool keep_conn) override;
    void on_unsupported_role(std::uint16_t id, std::uint16_t role, bool keep_conn) override;
    void on_params(std::uint16_t id, fcgi::param_set params) override;
    void on_params_too_large(std::uint16_t id) override;
    void on_stdin(std::uint16_t id, std::span<const std::byte> data) override;
    void on_abort_request(std::uint16_t id) override;
    void on_get_values(const fcgi::param_set& query) override;
    void on_unknown_type(std::uint8_t type) override;
    void on_discarded(const fcgi::record_header& header, fcgi::discard_reason reason) override;

    void dispatch(const std::shared_ptr<request>& r);
    /// Answered 503 (overload) with `requests` in progress, the new one included.
    bool rejected(std::size_t requests) const;
    bool is_ping(fcgi::role role, const fcgi::param_set& params) const;
    void answer_ping(std::uint16_t id, bool keep_conn, std::uint64_t serial, const fcgi::param_set& params);
    /// The end of a request: its empty STDOUT, END_REQUEST, and what the connection does next.
    void finish_request(std::uint16_t id, bool keep_conn, std::uint32_t app_status, bool through_nginx);
    /// Answers a request the engine decides itself (ping, 404, 503, 431) and ends it.
    void answer(std::uint16_t id, bool keep_conn, std::string response);
    bool take_begun(std::uint16_t id);
    /// The role BEGIN_REQUEST gave a request whose PARAMS are not complete yet.
    fcgi::role begun_role(std::uint16_t id) const;
    std::shared_ptr<request> find_request(std::uint16_t id) const;
    void forget_request(const request& r);

    connection_socket socket_;
    std::shared_ptr<pool_context> pool_;
    std::shared_ptr<connection_registry> registry_;
    const pool_options& options_;
    std::uint64_t id_;
    bool overloaded_;
    state state_ = state::open;
    fcgi::demultiplexer demux_;
    output_queue output_;
    std::vector<std::shared_ptr<request>> requests_;
    struct begun_request {
        std::uint16_t id;
        bool keep_conn;
        fcgi::role role = fcgi::role::responder;
    };
    std::vector<begun_request> begun_;  // BEGIN_REQUEST seen, PARAMS not complete
    bool waiting_readable_ = false;
    bool reading_paused_ = false;
    bool writing_ = false;
    bool write_scheduled_ = false;
    bool reading_turn_ = false;  // on_readable is feeding the demultiplexer; it flushes at its end
    unsigned output_turns_ = 0;  // begin_output_turn()s not ended yet; the last end flushes
    bool close_after_flush_ = false;
    bool draining_ = false;
    bool nginx_peer_ = false;  // the last request kept the connection and came through nginx
    bool logged_after_end_ = false;
    clock::time_point drain_idle_deadline_ = clock::time_point::max();
    asio::steady_timer deadline_timer_;
    clock::time_point timer_expiry_ = clock::time_point::max();
    clock::time_point read_deadline_ = clock::time_point::max();
    clock::time_point write_deadline_ = clock::time_point::max();
    bool logged_discard_ = false;
    bool logged_unknown_type_ = false;
};

}  // namespace isapi_fcgi::engine
