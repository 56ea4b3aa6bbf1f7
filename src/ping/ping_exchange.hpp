#pragma once
// The FastCGI side of `isapi-fcgi ping`, pure (no sockets, no clocks): the bytes of one GET
// request for the ping path, and a resumable reader of what the responder sends back, which
// ends in a verdict. Built on the project's codec (src/fcgi), so the health check speaks
// exactly the protocol the engine parses.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "fcgi/record_parser.hpp"

namespace isapi_fcgi::ping {

/// The request id the probe uses; one request per connection, FCGI_KEEP_CONN clear.
inline constexpr std::uint16_t request_id = 1;

/// BEGIN_REQUEST (responder, no keep-conn), the CGI params of `GET path` as a web server sends
/// them (SCRIPT_NAME = REQUEST_URI = path), the empty PARAMS record and the empty STDIN record.
/// `path` must be at most 0xffff - 64 bytes (one PARAMS record), which run_ping_command checks.
std::string encode_request(std::string_view path);

/// What the responder answered, once complete.
struct reply {
    int http_status = 0;         ///< from `Status:`, 200 when the header block has none (CGI)
    std::string status_line;     ///< the `Status:` value as sent ("503 Service Unavailable")
    std::string body;            ///< after the header block, at most max_body bytes kept
    std::string stderr_text;     ///< FCGI_STDERR, at most max_body bytes kept
    std::uint32_t app_status = 0;
    std::uint8_t protocol_status = 0;
};

/// Reads the responder's records for request_id. Feed it every byte received, in any slicing;
/// it is done once END_REQUEST arrived or something is wrong.
class reply_reader {
public:
    /// Bytes of STDOUT body and STDERR kept (the rest is counted, not stored).
    static constexpr std::size_t max_body = 4096;

    enum class state {
        need_more,  ///< feed more bytes
        complete,   ///< END_REQUEST arrived: result() holds the reply
        failed,     ///< a protocol error: error() says which
    };

    /// Consumes all of `bytes` (or stops at the first error).
    state feed(std::span<const std::byte> bytes);
    /// The peer closed the connection: an error unless the reply is already complete.
    state end_of_input();

    state current() const { return state_; }
    const reply& result() const { return reply_; }
    const std::string& error() const { return error_; }

private:
    state fail(std::string why);
    void on_content(std::span<const std::byte> piece);
    state on_end_of_record();
    void parse_header_block();

    state state_ = state::need_more;
    std::string error_;
    reply reply_;
    fcgi::record_parser parser_;
    std::string record_content_;  ///< the current record's content (END_REQUEST, headers)
    std::string header_block_;    ///< STDOUT until the blank line ending the CGI headers
    bool headers_done_ = false;
};

/// The health verdict: nullopt when healthy (HTTP 200, request complete), else the reason in
/// one line ("answered 503 Service Unavailable: ...").
std::optional<std::string> judge(const reply& r);

}  // namespace isapi_fcgi::ping
