#pragma once
// The response side of the filter chain for a request the sidecar serves itself: what the host
// sends the front end (a CGI header block, then the body) goes through here before it leaves.
//
//   - The header block is collected (bounded) and parsed; a 401 raises SF_NOTIFY_ACCESS_DENIED
//     (a filter may answer instead) and gets the SF_REQ_ADD_HEADERS_ON_DENIAL lines; the lines
//     filters gave AddResponseHeaders are added; then SF_NOTIFY_SEND_RESPONSE lets filters edit
//     the status (HttpStatus, or the pseudo-header "status") and the headers.
//   - Each body write raises SF_NOTIFY_SEND_RAW_DATA with that block alone (streamed: memory is
//     bounded by the block, never the body). A filter may rewrite it in place, or point
//     pvInData/cbInData at its own (AllocMem) buffer; WriteClient bytes go out before it. When
//     a filter registered SEND_RAW_DATA the response loses its Content-Length (the length may
//     change; the front end chunks or closes).
//   - The end raises SF_NOTIFY_END_OF_REQUEST; the access log record then goes through
//     SF_NOTIFY_LOG, whose edits are what the access log writes.
// A filter that fails before the head went out turns the response into a 500; after it, the
// response is cut (the channel closes the connection), as a failed write would.
//
// Threads: every member runs filter code: call them on a thread that may block (the pool's
// filter threads), one at a time, in stream order.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "filters/request_gate.hpp"
#include "filters/response_head.hpp"

namespace isapi_fcgi::filters {

/// The access log record's fields SF_NOTIFY_LOG shows and may replace.
struct log_fields {
    std::string client_host;  ///< REMOTE_ADDR
    std::string client_user;  ///< REMOTE_USER
    std::string server_name;  ///< SERVER_NAME (not in the record)
    std::string operation;    ///< the method
    std::string target;       ///< the URL path
    std::string parameters;   ///< the query string
    unsigned status = 0;
    std::uint64_t bytes_sent = 0;
    std::uint64_t bytes_received = 0;
    std::chrono::milliseconds duration{0};
};

class response_side {
public:
    /// Where the response comes from.
    enum class source : std::uint8_t {
        /// The extension, or the host itself (a 400/404/413 after the request side, a 500 for a
        /// filter that failed): ACCESS_DENIED for a 401, the denial and AddResponseHeaders lines
        /// are added here.
        served,
        /// A filter's own response (request_gate's verdict `answered`): the gate raised
        /// ACCESS_DENIED and put those lines in its head already.
        filter,
    };
    /// Borrows `gate` (it holds the session until the end).
    explicit response_side(request_gate& gate, source from = source::served);

    struct output {
        std::string bytes;     ///< what to send now (may be empty)
        bool cut = false;      ///< a filter failed after the head went out: close the connection
        bool ended = false;    ///< nothing more may be sent (a filter finished the response)
    };
    /// Response bytes as the host would send them.
    output write(std::string_view bytes);
    /// The end of the response: anything still buffered, then END_OF_REQUEST.
    output end();
    /// SF_NOTIFY_LOG over `fields` (edited in place). Once, after end().
    void log(log_fields& fields);

    bool head_sent() const noexcept { return head_sent_; }
    /// The status the head went out with, after SEND_RESPONSE (0 while no head did).
    unsigned status_sent() const noexcept { return status_sent_; }
    /// Body bytes that went out, after SEND_RAW_DATA.
    std::uint64_t body_bytes_sent() const noexcept { return body_bytes_sent_; }

private:
    output send_head(std::string_view block);
    output send_body(std::string_view bytes);
    output error_response(std::string why);
    std::string failure(const chain_result& result, filter_event event) const;

    request_gate& gate_;
    std::string pending_head_;
    bool head_sent_ = false;
    bool ended_ = false;
    bool end_of_request_raised_ = false;
    bool drop_length_ = false;
    source from_;
    unsigned status_sent_ = 0;
    std::uint64_t body_bytes_sent_ = 0;
};

}  // namespace isapi_fcgi::filters
