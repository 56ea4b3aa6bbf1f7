#pragma once
// The responder side of the FastCGI protocol for one connection, without I/O: bytes in, request
// events out. It tracks which request ids are active, assembles PARAMS (pairs may straddle
// records) under a size limit, streams STDIN through without copying, and classifies every
// record that belongs to no active request.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "fcgi/param_set.hpp"
#include "fcgi/record_parser.hpp"

namespace isapi_fcgi::fcgi {

struct demux_limits {
    std::size_t max_params_bytes = 64 * 1024;  ///< raw PARAMS stream per request (nginx can't exceed 64 KiB)
    std::size_t remembered_ended_ids = 64;     ///< ended ids whose late records are dropped silently
};

/// Why a record was dropped without reaching a request.
enum class discard_reason {
    ended_request,    ///< the id ended on this connection (e.g. STDIN after an early 413): expected
    unknown_request,  ///< the id was never begun on this connection
    unexpected_type,  ///< a type a web server never sends to a responder (STDOUT, DATA, ...)
    after_end_of_stream,  ///< PARAMS or STDIN after that stream's empty record
};

/// Receives the demultiplexer's events. Handlers may call demultiplexer::request_ended() from
/// inside any event, for the request concerned or another.
class demux_handler {
public:
    virtual ~demux_handler() = default;
    /// A RESPONDER request began. Its params follow in on_params.
    virtual void on_begin_request(std::uint16_t id, bool keep_conn) = 0;
    /// An AUTHORIZER request began: its params follow in on_params, like a responder's; it has
    /// no body (mod_authnz_fcgi sends no STDIN at all). Return false to refuse the role, which
    /// is then reported through on_unsupported_role.
    virtual bool on_begin_authorizer(std::uint16_t /*id*/, bool /*keep_conn*/) { return false; }
    /// A request with another role: answer END_REQUEST{UNKNOWN_ROLE} and call request_ended.
    virtual void on_unsupported_role(std::uint16_t id, std::uint16_t role, bool keep_conn) = 0;
    virtual void on_params(std::uint16_t id, param_set params) = 0;
    /// The request's PARAMS exceeded max_params_bytes; no on_params follows. Answer and end it.
    virtual void on_params_too_large(std::uint16_t id) = 0;
    /// A piece of the body; an empty span is the end of the body.
    virtual void on_stdin(std::uint16_t id, std::span<const std::byte> data) = 0;
    virtual void on_abort_request(std::uint16_t id) = 0;
    /// GET_VALUES: the names asked for (values are empty on the wire).
    virtual void on_get_values(const param_set& query) = 0;
    virtual void on_unknown_type(std::uint8_t type) = 0;
    virtual void on_discarded(const record_header& header, discard_reason reason) = 0;
};

class demultiplexer {
public:
    demultiplexer(demux_limits limits, demux_handler& handler) : limits_(limits), handler_(&handler) {}

    /// Consumes all of `input`. An error is a protocol violation after which the connection
    /// must be closed; events already delivered stand.
    std::error_code feed(std::span<const std::byte> input);

    /// The application sent END_REQUEST for `id`: it is no longer active, and its late records
    /// are dropped silently.
    void request_ended(std::uint16_t id);

    /// True when the stream stopped inside a record (EOF now is a truncation).
    bool mid_record() const noexcept { return parser_.mid_record(); }
    /// The record being parsed (or the last one): context for error messages.
    const record_header& current_header() const noexcept { return parser_.header(); }
    std::size_t active_requests() const noexcept { return slots_.size(); }
    bool is_active(std::uint16_t id) const noexcept { return find(id) != nullptr; }

private:
    // body_dropped: the PARAMS of a rejected request (too large, other role) ended; its STDIN is
    // dropped silently until the handler ends it.
    enum class phase { params, params_rejected, stdin_open, stdin_closed, body_dropped };
    struct slot {
        std::uint16_t id;
        phase stage;
        std::string params;
    };

    std::error_code on_header(const record_header& h);
    std::error_code on_content(std::span<const std::byte> content);
    std::error_code on_end_of_record();
    std::error_code begin_request();
    void discard(discard_reason reason);
    /// Keeps a request's PARAMS buffer for the next request on this connection, so a kept
    /// connection assembles PARAMS without an allocation per request.
    void recycle(std::string& params);
    static constexpr std::size_t recycled_params_capacity = 8 * 1024;
    slot* find(std::uint16_t id) noexcept;
    const slot* find(std::uint16_t id) const noexcept;
    bool recently_ended(std::uint16_t id) const noexcept;
    void forget_ended(std::uint16_t id) noexcept;

    enum class target {
        none,         // content is skipped
        begin_body,   // BEGIN_REQUEST body into begin_body_
        management,   // GET_VALUES body into management_body_
        params,       // appended to the slot's params
        stdin_data,   // streamed to the handler
    };

    demux_limits limits_;
    demux_handler* handler_;
    record_parser parser_;
    target target_ = target::none;
    std::array<std::byte, 8> begin_body_{};
    std::size_t begin_have_ = 0;
    std::string management_body_;
    std::vector<slot> slots_;
    std::string spare_params_;  // see recycle()
    std::vector<std::uint16_t> ended_;  // most recent last, at most remembered_ended_ids
};

}  // namespace isapi_fcgi::fcgi
