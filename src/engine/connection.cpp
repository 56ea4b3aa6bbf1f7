#include "engine/connection.hpp"

#include <algorithm>
#include <array>
#include <atomic>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <spdlog/spdlog.h>

#include "engine/errc.hpp"
#include "engine/log_context.hpp"
#include "engine/log_text.hpp"
#include "engine/request_handler.hpp"
#include "engine/simple_response.hpp"
#include "fcgi/record_writer.hpp"

namespace isapi_fcgi::engine {
namespace {

std::atomic<std::uint64_t> next_request_serial{1};

/// One read buffer per I/O thread: a read is parsed completely before its handler returns and
/// body bytes are copied out, so no connection needs a buffer of its own while it waits.
constexpr std::size_t read_buffer_size = 64 * 1024;
constexpr int reads_per_wakeup = 4;
/// Unsent output beyond which the connection stops reading new requests (four full records).
constexpr std::size_t output_pause_bytes = 4 * (fcgi::header_size + fcgi::max_content_length + 1);

std::string_view discard_text(fcgi::discard_reason reason) {
    switch (reason) {
    case fcgi::discard_reason::ended_request: return "for a request that already ended";
    case fcgi::discard_reason::unknown_request: return "for a request id never begun on this connection";
    case fcgi::discard_reason::unexpected_type: return "of a type a web server does not send";
    case fcgi::discard_reason::after_end_of_stream: return "after the end of its stream";
    }
    return "";
}

long long seconds(std::chrono::milliseconds d) { return std::chrono::duration_cast<std::chrono::seconds>(d).count(); }

}  // namespace

connection::connection(connection_socket socket, std::shared_ptr<pool_context> pool,
                       std::shared_ptr<connection_registry> registry, std::uint64_t id, bool overloaded)
    : socket_(std::move(socket)),
      pool_(std::move(pool)),
      registry_(std::move(registry)),
      options_(pool_->options),
      id_(id),
      overloaded_(overloaded),
      demux_(fcgi::demux_limits{options_.limit.max_params_bytes, 64}, *this),
      deadline_timer_(socket_.get_executor()) {
    pool_->stats.active_connections.fetch_add(1, std::memory_order_relaxed);
}

connection::~connection() {
    registry_->remove(id_);
    pool_->stats.active_connections.fetch_sub(1, std::memory_order_relaxed);
}

void connection::start() {
    asio::dispatch(strand(), [self = shared_from_this()] {
        io_error ignored;
        self->socket_.non_blocking(true, ignored);
        spdlog::debug("conn={} accepted{}", self->id_, self->overloaded_ ? " beyond max_connections" : "");
        self->update_read_deadline();
        self->do_wait_readable();
    });
}

void connection::close() {
    asio::post(strand(), [self = shared_from_this()] {
        if (self->state_ != state::closed) self->close_now();
    });
}

void connection::drain(bool serve_kept) {
    asio::post(strand(), [self = shared_from_this(), serve_kept] {
        if (self->state_ != state::open || self->draining_) return;
        self->draining_ = true;
        // Closing an idle kept connection now would race the web server, which may be sending
        // the next request on it already: it gets drain_grace to arrive (then it is served and
        // the connection closes after its END_REQUEST).
        self->drain_idle_deadline_ = clock::now() + (serve_kept ? self->options_.timeout.drain_grace : clock::duration{});
        if (serve_kept && self->nginx_peer_ && self->idle()) self->nudge_nginx_away();
        self->update_read_deadline();
    });
}

// nginx drops a cached upstream connection on which anything arrives (it peeks at them), and
// takes an empty FCGI_STDERR of its request 1 in stride when it has just sent a request on this
// connection (it reads the record before the answer, and our answer then ends with the
// END_REQUEST + STDERR pair of end_request). Either way nginx stops sending new requests to a
// draining worker at once instead of after drain_grace, and no request is lost on the way.
void connection::nudge_nginx_away() {
    output_.push_record(fcgi::encode_header(fcgi::record_type::stderr_stream, 1, 0));
    schedule_write();
}

bool connection::closing_after(bool keep_conn) const {
    return !keep_conn || overloaded_ || (draining_ && idle());
}

bool connection::nginx_in_front(const fcgi::param_set& params) {
    return params.get("SERVER_SOFTWARE").starts_with("nginx/");  // Debian's fastcgi_params
}

bool connection::idle() const {
    return requests_.empty() && begun_.empty() && !demux_.mid_record();
}

// ---- reader ---------------------------------------------------------------------------------

void connection::do_wait_readable() {
    if (waiting_readable_ || reading_paused_ || state_ == state::closed) return;
    waiting_readable_ = true;
    socket_.async_wait(asio::socket_base::wait_read, [self = shared_from_this()](io_error ec) {
        self->on_readable(ec);
    });
}

void connection::on_readable(io_error ec) {
    waiting_readable_ = false;
    if (state_ == state::closed || ec == asio::error::operation_aborted) return;
    if (ec) return on_peer_closed(ec);

    thread_local std::array<std::byte, read_buffer_size> buffer;
    reading_turn_ = true;
    for (int i = 0; i < reads_per_wakeup && state_ != state::closed && !reading_paused_; ++i) {
        const std::size_t n = socket_.read_some(asio::buffer(buffer), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) break;
        if (ec) {
            flush_after_reading();  // the answers to what it sent before its end of stream
            return on_peer_closed(ec);
        }
        if (state_ == state::lingering) {  // draining what the peer still sends
            if (draining_ && n > 0 && !std::exchange(logged_after_end_, true))
                spdlog::warn("conn={} the peer sent {} byte(s) after our end of stream; they are dropped "
                             "(a request it sent before it saw the connection close fails)", id_, n);
            continue;
        }
        if (auto protocol_ec = demux_.feed(std::span<const std::byte>(buffer.data(), n))) {
            pool_->stats.protocol_errors.fetch_add(1, std::memory_order_relaxed);
            const auto& h = demux_.current_header();
            spdlog::warn("conn={} closing connection: {} (record type {}, request id {})", id_,
                         protocol_ec.message(), h.type, h.request_id);
            reading_turn_ = false;
            return close_now();
        }
        pause_reading_if_needed();
        if (n < buffer.size()) break;
    }
    flush_after_reading();
    if (state_ == state::closed) return;
    update_read_deadline();
    do_wait_readable();
}

void connection::on_peer_closed(io_error ec) {
    if (state_ == state::lingering) return close_now();
    const bool eof = ec == asio::error::eof;
    if (demux_.mid_record()) {
        pool_->stats.protocol_errors.fetch_add(1, std::memory_order_relaxed);
        spdlog::warn("conn={} peer closed the connection in the middle of a record ({})", id_,
                     eof ? "truncated record" : ec.message());
    } else if (!requests_.empty() || !begun_.empty()) {
        spdlog::info("conn={} peer closed the connection ({}); aborting {} request(s) in progress", id_,
                     eof ? "end of file" : ec.message(), requests_.size() + begun_.size());
    } else {
        spdlog::debug("conn={} peer closed the connection", id_);
    }
    close_now();
}

bool connection::must_pause_reading() const {
    if (output_.queued_bytes() >= output_pause_bytes) return true;
    return std::any_of(requests_.begin(), requests_.end(), [](const auto& r) { return r->body().full(); });
}

void connection::pause_reading_if_needed() {
    if (state_ == state::open && must_pause_reading()) reading_paused_ = true;
}

void connection::resume_reading_if_drained() {
    if (!reading_paused_ || state_ == state::closed || must_pause_reading()) return;
    reading_paused_ = false;
    update_read_deadline();
    do_wait_readable();
}

// ---- writer ---------------------------------------------------------------------------------

void connection::schedule_write() {
    // Everything queued during this strand turn (a response, its empty STDOUT and END_REQUEST,
    // or several requests' answers) goes out in one gathered write: a web server that sees a
    // body without its END_REQUEST while the client closes drops the kept connection.
    // In the reader's turn the flush waits for the end of that turn (flush_after_reading),
    // which costs no post: the ping path and every request answered while its input is parsed.
    if (write_scheduled_ || writing_ || state_ == state::closed) return;
    write_scheduled_ = true;
    if (reading_turn_ || output_turns_ > 0) return;
    asio::post(strand(), [self = shared_from_this()] {
        self->write_scheduled_ = false;
        self->do_write();
    });
}

void connection::flush_after_reading() {
    reading_turn_ = false;
    if (!std::exchange(write_scheduled_, false)) return;
    do_write();
}

void connection::end_output_turn() {
    // Inside the reader's turn its own flush follows; a write posted before the turn began finds
    // nothing left to write.
    if (--output_turns_ > 0 || reading_turn_ || !std::exchange(write_scheduled_, false)) return;
    do_write();
}

void connection::do_write() {
    if (writing_ || state_ == state::closed) return;
    if (!output_.has_pending()) return maybe_close_after_flush();
    writing_ = true;
    const auto buffers = output_.start_batch();
    if (close_after_flush_) {
        write_deadline_ = clock::now() + options_.timeout.write;
        arm_deadline();
        return write_last_batch(buffers);
    }
    // The socket is non-blocking and nearly always has room for an answer: writing at once
    // saves a reactor registration and a strand hop per batch; on_write waits asynchronously
    // only for what the kernel did not take. The write handlers then run here, in a later
    // strand turn than the write_stdout that queued them, as request.hpp promises.
    io_error ec;
    std::size_t written = socket_.write_some(buffers, ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
        ec = {};
        written = 0;
    }
    // Only a write left waiting needs its deadline (and the clock read) before on_write.
    if (ec || written < asio::buffer_size(buffers)) {
        write_deadline_ = clock::now() + options_.timeout.write;
        arm_deadline();
    }
    on_write(ec, written);
}

void connection::write_last_batch(std::span<const asio::const_buffer> buffers) {
    // A web server reuses a kept connection as soon as it has read an END_REQUEST; it drops one
    // whose end of stream it has seen (nginx peeks at its cached connections, Apache checks
    // before reuse). So the half-close must follow the write with no strand turn in between.
    // On TCP the cork holds the last segment until the shutdown, which sends it with FIN set.
    const int cork = 1;
    ::setsockopt(socket_.native_handle(), IPPROTO_TCP, TCP_CORK, &cork, sizeof(cork));  // fails on AF_UNIX
    io_error ec;
    std::size_t written = socket_.write_some(buffers, ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
        ec = {};
        written = 0;
    }
    // All of it went out: the half-close follows at once, before the write handlers run (they
    // may wake other threads, and every microsecond here is one a web server may reuse it in).
    if (!ec && written == asio::buffer_size(buffers)) {
        io_error ignored;
        socket_.shutdown(asio::socket_base::shutdown_send, ignored);
    }
    on_write(ec, written);  // the rest, if any, asynchronously; then maybe_close_after_flush
}

void connection::on_write(io_error ec, std::size_t written) {
    if (state_ == state::closed) return;
    if (ec) {
        spdlog::info("conn={} closing connection: write failed: {}", id_, ec.message());
        return close_now();
    }
    const auto rest = output_.consume(written);
    if (!rest.empty()) {
        write_deadline_ = clock::now() + options_.timeout.write;  // progress was made
        socket_.async_write_some(rest, [self = shared_from_this()](io_error e, std::size_t n) {
            self->on_write(e, n);
        });
        return;
    }
    writing_ = false;
    write_deadline_ = clock::time_point::max();
    resume_reading_if_drained();
    do_write();
}

// ---- deadlines ------------------------------------------------------------------------------

void connection::update_read_deadline() {
    if (state_ != state::open) return;
    const auto now = clock::now();
    // A record begun but not finished (half a header, a partial PARAMS block) is input awaited
    // like a request body: bounded by `read`, not by the much longer `idle`.
    const bool awaiting_input =
        !begun_.empty() || demux_.mid_record() ||
        std::any_of(requests_.begin(), requests_.end(), [](const auto& r) { return !r->body().complete(); });
    if (reading_paused_) read_deadline_ = clock::time_point::max();
    else if (awaiting_input) read_deadline_ = now + options_.timeout.read;
    else if (requests_.empty() && draining_) read_deadline_ = std::min(drain_idle_deadline_, now + options_.timeout.idle);
    else if (requests_.empty()) read_deadline_ = now + (overloaded_ ? options_.timeout.read : options_.timeout.idle);
    else read_deadline_ = clock::time_point::max();  // the application is working
    arm_deadline();
}

void connection::arm_deadline() {
    const auto next = std::min(read_deadline_, write_deadline_);
    // A pending wait that fires no later than `next` re-checks on its own; re-arm only to fire sooner.
    if (next == clock::time_point::max() || next >= timer_expiry_) return;
    timer_expiry_ = next;
    deadline_timer_.expires_at(next);
    deadline_timer_.async_wait([self = shared_from_this()](io_error ec) { self->on_deadline(ec); });
}

void connection::on_deadline(io_error ec) {
    if (ec == asio::error::operation_aborted || state_ == state::closed) return;
    timer_expiry_ = clock::time_point::max();
    const auto now = clock::now();
    if (writing_ && now >= write_deadline_) {
        spdlog::warn("conn={} closing connection: the peer has not read our output for {}s", id_,
                     seconds(options_.timeout.write));
        return close_now();
    }
    if (now >= read_deadline_) {
        if (state_ == state::lingering) return close_now();
        if (idle() && draining_)
            spdlog::debug("conn={} closing connection: idle since the drain began ({}ms, timeouts.drain_grace)", id_,
                          options_.timeout.drain_grace.count());
        else if (idle())
            spdlog::info("conn={} closing connection: idle for {}s", id_,
                         seconds(overloaded_ ? options_.timeout.read : options_.timeout.idle));
        else if (requests_.empty() && begun_.empty())
            spdlog::warn("conn={} closing connection: a FastCGI record stayed incomplete for {}s (timeouts.read)",
                         id_, seconds(options_.timeout.read));
        else if (requests_.empty())
            spdlog::warn("conn={} closing connection: the PARAMS of request id {} stayed incomplete for {}s "
                         "(timeouts.read)",
                         id_, begun_.front().id, seconds(options_.timeout.read));
        else
            spdlog::warn("conn={} closing connection: no request data for {}s; aborting {} request(s)", id_,
                         seconds(options_.timeout.read), requests_.size() + begun_.size());
        return close_now();
    }
    arm_deadline();
}

// ---- closing --------------------------------------------------------------------------------

void connection::maybe_close_after_flush() {
    if (!close_after_flush_ || state_ != state::open || writing_ || output_.has_pending()) return;
    // Half-close, then drain what the peer still sends until it closes: closing with unread
    // input would make the kernel send RST, which can destroy the response in flight.
    if (!requests_.empty()) abort_requests(errc::connection_closed);
    io_error ignored;
    socket_.shutdown(asio::socket_base::shutdown_send, ignored);
    state_ = state::lingering;
    reading_paused_ = false;
    read_deadline_ = clock::now() + options_.timeout.linger;
    arm_deadline();
    do_wait_readable();
}

void connection::close_now() {
    state_ = state::closed;
    io_error ignored;
    deadline_timer_.cancel();
    socket_.close(ignored);
    begun_.clear();
    abort_requests(errc::request_aborted);
    output_.fail_all(errc::connection_closed);
}

void connection::abort_requests(std::error_code reason) {
    auto requests = std::move(requests_);
    requests_.clear();
    for (auto& r : requests) r->abort_on_strand(reason);
}

// ---- requests -------------------------------------------------------------------------------

void connection::read_stdin(const std::shared_ptr<request>& r, std::span<std::byte> buffer,
                            request::read_handler handler) {
    if (r->ended_on_strand()) return handler(errc::request_ended, 0);
    if (r->body().read_pending()) return handler(errc::read_in_progress, 0);
    r->body().read(buffer, std::move(handler));
    resume_reading_if_drained();
}

void connection::write_stdout(const std::shared_ptr<request>& r, std::span<const std::byte> borrowed,
                              std::string owned, request::write_handler handler) {
    std::error_code ec;
    if (r->ended_on_strand()) ec = errc::request_ended;
    else if (r->aborted() || state_ != state::open) ec = errc::request_aborted;
    if (ec || (owned.empty() && borrowed.empty())) {
        if (handler) handler(ec);  // nothing to send: an empty record would end the stream
        return;
    }
    if (owned.empty())
        output_.push_stream(fcgi::record_type::stdout_stream, r->fcgi_id(), borrowed, std::move(handler));
    else
        output_.push_owned_stream(fcgi::record_type::stdout_stream, r->fcgi_id(), std::move(owned),
                                  std::move(handler));
    schedule_write();
}

void connection::end_request(const std::shared_ptr<request>& r, std::uint32_t app_status) {
    if (r->ended_on_strand()) return;
    r->mark_ended();
    r->body().fail(errc::request_ended);
    forget_request(*r);
    if (state_ != state::open) return;
    finish_request(r->fcgi_id(), r->keep_conn(), app_status, r->keep_conn() && nginx_in_front(r->params()));
}

void connection::finish_request(std::uint16_t id, bool keep_conn, std::uint32_t app_status, bool through_nginx) {
    output_.push_stream(fcgi::record_type::stdout_stream, id, {});
    output_.push_record(fcgi::encode_end_request(id, app_status, fcgi::protocol_status::request_complete));
    demux_.request_ended(id);
    if (keep_conn) nginx_peer_ = through_nginx;
    if (closing_after(keep_conn)) {
        close_after_flush_ = true;
        if (draining_ && keep_conn && through_nginx) {
            // nginx keeps a connection only when the END_REQUEST ends what it has read; bytes
            // after it in the same read make nginx close the connection itself. One write
            // carries both, so nginx cannot reuse the connection between our END_REQUEST and
            // our end of stream, which on a unix socket are two events (no TCP_CORK there).
            output_.push_record(fcgi::encode_header(fcgi::record_type::stderr_stream, id, 0));
        }
    }
    resume_reading_if_drained();
    // Inside the reader's turn (a ping, an answer given at once) on_readable sets the deadline
    // once after its reads; no timer runs before that, the turn being one strand handler.
    if (!reading_turn_) update_read_deadline();
    schedule_write();
}

void connection::forget_request(const request& r) {
    auto it = std::find_if(requests_.begin(), requests_.end(), [&](const auto& p) { return p.get() == &r; });
    if (it != requests_.end()) requests_.erase(it);
}

std::shared_ptr<request> connection::find_request(std::uint16_t id) const {
    for (const auto& r : requests_)
        if (r->fcgi_id() == id) return r;
    return nullptr;
}

bool connection::take_begun(std::uint16_t id) {
    auto it = std::find_if(begun_.begin(), begun_.end(), [id](const auto& b) { return b.id == id; });
    if (it == begun_.end()) return true;
    const bool keep_conn = it->keep_conn;
    begun_.erase(it);
    return keep_conn;
}

fcgi::role connection::begun_role(std::uint16_t id) const {
    for (const auto& b : begun_)
        if (b.id == id) return b.role;
    return fcgi::role::responder;
}

void connection::answer(std::uint16_t id, bool keep_conn, std::string response) {
    output_.push_owned_stream(fcgi::record_type::stdout_stream, id, std::move(response));
    output_.push_stream(fcgi::record_type::stdout_stream, id, {});
    output_.push_record(fcgi::encode_end_request(id, 0, fcgi::protocol_status::request_complete));
    demux_.request_ended(id);
    if (closing_after(keep_conn)) close_after_flush_ = true;
    update_read_deadline();
    schedule_write();
}

// ---- demultiplexer events -------------------------------------------------------------------

void connection::on_begin_request(std::uint16_t id, bool keep_conn) {
    begun_.push_back({id, keep_conn});
}

bool connection::on_begin_authorizer(std::uint16_t id, bool keep_conn) {
    if (!pool_->handler->serves_authorizer_role()) return false;
    begun_.push_back({id, keep_conn, fcgi::role::authorizer});
    return true;
}

void connection::on_unsupported_role(std::uint16_t id, std::uint16_t role, bool keep_conn) {
    spdlog::info("conn={} request id {} asks for role {}; answered UNKNOWN_ROLE (this pool serves the responder "
                 "role{})",
                 id_, id, role, pool_->handler->serves_authorizer_role() ? " and the authorizer role" : "");
    output_.push_record(fcgi::encode_end_request(id, 0, fcgi::protocol_status::unknown_role));
    demux_.request_ended(id);
    if (!keep_conn) close_after_flush_ = true;
    schedule_write();
}

void connection::on_params(std::uint16_t id, fcgi::param_set params) {
    const auto role = begun_role(id);
    const bool keep_conn = take_begun(id);
    const auto serial = next_request_serial.fetch_add(1, std::memory_order_relaxed);
    pool_->stats.requests.fetch_add(1, std::memory_order_relaxed);
    if (!rejected(requests_.size() + 1) && is_ping(role, params)) return answer_ping(id, keep_conn, serial, params);
    auto r = std::make_shared<request>(shared_from_this(), id, keep_conn, serial, std::move(params),
                                       options_.limit.max_stdin_buffer, role);
    requests_.push_back(r);
    update_read_deadline();
    dispatch(r);
}

bool connection::rejected(std::size_t requests) const {
    return overloaded_ || requests + begun_.size() > options_.limit.max_requests_per_connection;
}

bool connection::is_ping(fcgi::role role, const fcgi::param_set& params) const {
    // Never for an authorization: the ping's 200 would let the request it asks about through.
    // The path first: it rules out every other request with one look-up.
    return !options_.ping_path.empty() && script_name_of(params) == options_.ping_path &&
           !asks_for_verdict(role, params);
}

// The engine answers its ping itself, before any request object exists: no allocation, no
// handler, nothing posted. The answer takes the same records and the same end of request as a
// request's (finish_request), so keep-alive, drain and closing behave the same.
void connection::answer_ping(std::uint16_t id, bool keep_conn, std::uint64_t serial, const fcgi::param_set& params) {
    if (spdlog::should_log(spdlog::level::debug))
        spdlog::debug("{} ping", engine::log_context(serial, id_, params).text());
    // The pool outlives its connections, so the rendered response is lent, not copied.
    output_.push_stream(fcgi::record_type::stdout_stream, id, std::as_bytes(std::span(pool_->ping_response)));
    finish_request(id, keep_conn, 0, keep_conn && nginx_in_front(params));
}

void connection::dispatch(const std::shared_ptr<request>& r) {
    const auto reject = [&](std::string_view why) {
        pool_->stats.overload_rejections.fetch_add(1, std::memory_order_relaxed);
        spdlog::warn("{} answering 503: {}", r->log_context(), why);
        const auto body = fmt::format("503 Service Unavailable: {}\n", why);
        r->write_copy(make_simple_response(503, body, "Retry-After: 1\r\n"));
        r->end();
    };
    if (overloaded_) return reject(fmt::format("max_connections ({}) reached", options_.limit.max_connections));
    if (rejected(requests_.size()))
        return reject(fmt::format("max_requests_per_connection ({}) reached",
                                  options_.limit.max_requests_per_connection));
    pool_->handler->handle(r);
}

void connection::on_params_too_large(std::uint16_t id) {
    const bool keep_conn = take_begun(id);
    pool_->stats.overload_rejections.fetch_add(1, std::memory_order_relaxed);
    spdlog::warn("conn={} request id {}: PARAMS exceed max_params_bytes ({}); answering 431", id_, id,
                 options_.limit.max_params_bytes);
    answer(id, keep_conn,
           make_simple_response(431, "431 Request Header Fields Too Large: the request's headers and "
                                     "parameters exceed this server's limit\n"));
}

void connection::on_stdin(std::uint16_t id, std::span<const std::byte> data) {
    const auto r = find_request(id);
    if (!r) return;  // answered early; the rest of its body is dropped
    if (data.empty()) {
        r->body().push_end();
        return;
    }
    r->body().push(data);
    if (r->body().full() && requests_.size() > 1) spill_body(*r);
    pause_reading_if_needed();
}

// FastCGI has no flow control per request: pausing the connection for one request's unread
// body would also stop the bodies of the requests multiplexed with it, and if that request
// waits for an extension thread that those requests hold, nothing moves. So while others share
// the connection, the body goes on in a temporary file (bounded by max_body_in_file). A request
// alone keeps pausing the connection: that is how backpressure reaches the web server.
void connection::spill_body(request& r) {
    if (r.body().spill_refused()) return;
    const auto& limit = options_.limit;
    const bool first = !r.body().spilled();
    const auto ec = r.body().spill(limit.body_temp_dir, limit.max_body_in_file);
    if (!ec && first)
        spdlog::debug("{} body over max_stdin_buffer goes on in a temporary file in {} ({} other request(s) on the "
                      "connection)",
                      r.log_context(), limit.body_temp_dir, requests_.size() - 1);
    if (ec)
        spdlog::warn("{} its unread body stays in memory and the connection pauses until it is read, which stalls "
                     "the {} other request(s) on it: cannot move the body to a file in {} ({})",
                     r.log_context(), requests_.size() - 1, limit.body_temp_dir, ec.message());
}

void connection::on_abort_request(std::uint16_t id) {
    if (const auto r = find_request(id)) {
        spdlog::info("{} the web server aborted the request", r->log_context());
        r->abort_on_strand(errc::request_aborted);
        resume_reading_if_drained();
        return;
    }
    // Aborted before its PARAMS were complete: nobody else will end it.
    if (std::any_of(begun_.begin(), begun_.end(), [id](const auto& b) { return b.id == id; })) {
        const bool keep_conn = take_begun(id);
        spdlog::info("conn={} request id {} aborted before its params were complete", id_, id);
        output_.push_record(fcgi::encode_end_request(id, 0, fcgi::protocol_status::request_complete));
        demux_.request_ended(id);
        if (!keep_conn) close_after_flush_ = true;
        schedule_write();
    }
}

void connection::on_get_values(const fcgi::param_set& query) {
    const auto& limit = options_.limit;
    output_.push_owned_record(fcgi::encode_get_values_result(query, [&](std::string_view name) -> std::optional<std::string> {
        if (name == FCGI_MAX_CONNS) return std::to_string(limit.max_connections);
        if (name == FCGI_MAX_REQS) return std::to_string(limit.max_requests_per_connection);
        if (name == FCGI_MPXS_CONNS) return std::string("1");
        return std::nullopt;
    }));
    spdlog::debug("conn={} answered GET_VALUES ({} names)", id_, query.size());
    schedule_write();
}

void connection::on_unknown_type(std::uint8_t type) {
    if (!std::exchange(logged_unknown_type_, true))
        spdlog::info("conn={} unknown management record type {}; answered UNKNOWN_TYPE (logged once per connection)",
                     id_, type);
    output_.push_record(fcgi::encode_unknown_type(type));
    schedule_write();
}

void connection::on_discarded(const fcgi::record_header& header, fcgi::discard_reason reason) {
    pool_->stats.discarded_records.fetch_add(1, std::memory_order_relaxed);
    if (reason == fcgi::discard_reason::ended_request) return;  // expected after an early answer
    if (std::exchange(logged_discard_, true)) return;
    spdlog::warn("conn={} discarding record type {} {} (id {}; logged once per connection)", id_, header.type,
                 discard_text(reason), header.request_id);
}

}  // namespace isapi_fcgi::engine
