#pragma once
// A FastCGI client (the web server's side) for engine tests: unix or TCP, any record sequence
// including malformed ones, several requests multiplexed on one connection, optional
// one-byte-per-send delivery. It checks what the server sends back against the spec and the
// project's interop rules and records every deviation in violations().
//
// Not thread-safe: one test thread drives one client. Sockets are non-blocking; every wait
// takes a deadline.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "support/cgi_response.hpp"
#include "support/deadline.hpp"
#include "support/fcgi_wire.hpp"

namespace isapi_fcgi::test {

/// What the server sent for one request id (reset by begin()).
struct request_state {
    bool begun = false;
    std::string out;  ///< STDOUT bytes
    std::string err;  ///< STDERR bytes
    std::size_t stdout_records = 0;
    std::size_t stderr_records = 0;
    bool out_closed = false;  ///< the empty STDOUT record arrived
    bool err_closed = false;
    bool ended = false;  ///< END_REQUEST arrived
    std::uint32_t app_status = 0;
    std::uint8_t protocol_status = 0;

    cgi_response response() const { return parse_cgi_response(out); }
};

class fcgi_client {
public:
    /// Connects to `unix:/path` or `tcp:HOST:PORT` (`tcp:[::1]:PORT`). Throws
    /// std::system_error when the connection cannot be made before the deadline.
    explicit fcgi_client(const std::string& address,
                         deadline until = deadline_after(std::chrono::seconds(5)));
    ~fcgi_client();
    fcgi_client(const fcgi_client&) = delete;
    fcgi_client& operator=(const fcgi_client&) = delete;

    // ---- options ----
    /// One send(2) per byte, so the server sees records split at every point.
    void set_byte_by_byte(bool on) { byte_by_byte_ = on; }
    void set_padding(wire::padding mode) { padding_ = mode; }
    /// While a send waits for room, read what the server sends (default on). Off: the client
    /// stops reading altogether until an explicit read/wait call.
    void set_read_while_sending(bool on) { read_while_sending_ = on; }
    /// A server that gives up on a peer mid-write (write timeout) may close in the middle of
    /// a record; off by default, where that is a violation.
    void set_allow_truncated_close(bool on) { allow_truncated_close_ = on; }
    /// Bound for one send call to make progress (default 10 s).
    void set_send_timeout(std::chrono::milliseconds timeout) { send_timeout_ = timeout; }
    /// SO_RCVBUF, to make a non-reading client fill up sooner.
    void set_receive_buffer(int bytes);

    // ---- writing (throw std::system_error on failure) ----
    void begin(std::uint16_t id, bool keep_conn = true, std::uint16_t role = wire::responder);
    /// PARAMS stream: the pairs' bytes split every `max_record` bytes (pairs straddle records),
    /// then the empty record unless `terminate` is false.
    void params(std::uint16_t id, const wire::param_list& pairs,
                std::size_t max_record = wire::max_content, bool terminate = true);
    /// PARAMS stream from already-encoded bytes (malformed ones allowed).
    void params_bytes(std::uint16_t id, std::string_view bytes,
                      std::size_t max_record = wire::max_content, bool terminate = true);
    /// STDIN stream, then the empty record unless `terminate` is false.
    void stdin_data(std::uint16_t id, std::string_view bytes,
                    std::size_t max_record = wire::max_content, bool terminate = true);
    void abort(std::uint16_t id);
    void get_values(const std::vector<std::string>& names);
    void record(std::uint8_t type, std::uint16_t id, std::string_view content);
    /// BEGIN (+flags), PARAMS and STDIN with terminators.
    void request(std::uint16_t id, const wire::param_list& pairs, std::string_view body = {},
                 bool keep_conn = true);
    /// Arbitrary bytes (malformed input).
    void raw(std::string_view bytes);
    /// Announces `count` requests on `id` sent back to back through raw()/try_raw(), so their
    /// answers are checked in turn like those begun with begin().
    void expect_pipelined(std::uint16_t id, std::size_t count);
    /// Like raw() but reports failure (timed_out when the server stops reading, EPIPE, ...)
    /// instead of throwing.
    std::error_code try_raw(std::string_view bytes, deadline until);
    void shutdown_write();
    /// Closes the socket (the "client vanishes" case); later calls fail.
    void close();

    // ---- reading ----
    /// Reads and parses what arrives until `done()` holds (true), EOF or the deadline (false
    /// unless done() holds then).
    bool read_until(const std::function<bool()>& done, deadline until);
    bool wait_end(std::uint16_t id, deadline until);
    /// True once the server closed the connection (EOF or reset) before the deadline.
    bool wait_eof(deadline until);
    /// Reads whatever is available now without waiting.
    void poll_input();

    bool eof() const { return eof_; }
    bool reset() const { return reset_; }
    int fd() const { return fd_; }
    std::size_t bytes_sent() const { return bytes_sent_; }
    std::size_t bytes_received() const { return bytes_received_; }

    /// State for an id; an id never begun and never answered reads as empty.
    const request_state& state(std::uint16_t id);
    const std::vector<wire::record>& records() const { return records_; }
    const std::vector<wire::param_list>& get_values_results() const { return values_results_; }
    const std::vector<std::uint8_t>& unknown_types() const { return unknown_types_; }
    /// END_REQUEST records received so far.
    std::size_t ended_count() const { return ended_count_; }
    /// Everything the server did against the spec or the interop rules (FASTCGI.md §9).
    const std::vector<std::string>& violations() const { return violations_; }
    /// Records whose content+padding is not a multiple of 8 (rule: pad to 8).
    std::size_t unaligned_records() const { return unaligned_records_; }
    /// Requests whose END_REQUEST arrived in a later read than their last STDOUT data: the
    /// server wrote the end of a response separately from its body. Peers that see the body
    /// complete (Content-Length) and the client leave before END_REQUEST drop the kept
    /// connection (nginx: "client prematurely closed connection, so upstream connection is
    /// closed too"; HAProxy likewise).
    std::size_t ends_split_from_body() const { return ends_split_from_body_; }

private:
    void send_bytes(std::string_view bytes);
    std::error_code write_some(std::string_view bytes, deadline until);
    void receive_available();
    void parse_input();
    void on_record(wire::record record);
    void on_stream(request_state& state, const wire::record& record, bool is_stdout);
    void violation(std::string text);

    int fd_ = -1;
    bool byte_by_byte_ = false;
    bool read_while_sending_ = true;
    bool allow_truncated_close_ = false;
    wire::padding padding_ = wire::padding::align8;
    std::chrono::milliseconds send_timeout_{std::chrono::seconds(10)};

    bool eof_ = false;
    bool reset_ = false;
    std::size_t bytes_sent_ = 0;
    std::size_t bytes_received_ = 0;
    std::string input_;
    std::map<std::uint16_t, request_state> requests_;
    /// Further requests begun on an id while its previous one is still active (pipelining).
    std::map<std::uint16_t, std::size_t> queued_begins_;
    std::vector<wire::record> records_;
    std::vector<wire::param_list> values_results_;
    std::vector<std::uint8_t> unknown_types_;
    std::vector<std::string> violations_;
    std::size_t unaligned_records_ = 0;
    std::size_t ends_split_from_body_ = 0;
    std::size_t read_batch_ = 0;  ///< counts receive_available() calls that got data
    std::map<std::uint16_t, std::size_t> last_body_batch_;
    std::size_t ended_count_ = 0;
};

}  // namespace isapi_fcgi::test
