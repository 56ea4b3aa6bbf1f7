#pragma once
// The filter notifications IIS sends, what a filter's HttpFilterProc status means for the chain,
// and what GetFilterVersion's flags register. Pure: numbers in, decisions out.
#include <cstdint>
#include <string_view>

#include <isapi/httpfilt.h>

namespace isapi_fcgi::filters {

/// In the order IIS raises them for one request (end_of_net_session once per connection).
enum class filter_event : std::uint8_t {
    read_raw_data,
    preproc_headers,
    url_map,
    authentication,
    auth_complete,
    access_denied,
    send_response,
    send_raw_data,
    end_of_request,
    log,
    end_of_net_session,
};
inline constexpr std::size_t filter_event_count = 11;

/// The SF_NOTIFY_* bit of an event.
DWORD notification_flag(filter_event event) noexcept;
/// "SF_NOTIFY_PREPROC_HEADERS", for log lines.
std::string_view event_name(filter_event event) noexcept;

/// What one filter's status asks of the chain.
enum class filter_outcome : std::uint8_t {
    next,                ///< SF_STATUS_REQ_NEXT_NOTIFICATION: call the next filter
    handled,             ///< ..._HANDLED_NOTIFICATION: no later filter sees this event
    finished,            ///< ..._FINISHED: the filter answered; end the request, close
    finished_keep_conn,  ///< ..._FINISHED_KEEP_CONN: the filter answered; end the request
    error,               ///< ..._ERROR: answer 500 (the filter's last error is logged)
    read_next,           ///< ..._READ_NEXT: read more raw data (READ_RAW_DATA only)
    invalid,             ///< anything else, or READ_NEXT for another event: treated as error
};

filter_outcome outcome_of(DWORD status, filter_event event) noexcept;
/// True when the chain goes on to the next filter for this event.
constexpr bool continues_chain(filter_outcome outcome) noexcept { return outcome == filter_outcome::next; }
/// True when the request is over: the filter answered it, or it failed.
constexpr bool ends_request(filter_outcome outcome) noexcept {
    return outcome == filter_outcome::finished || outcome == filter_outcome::finished_keep_conn
           || outcome == filter_outcome::error || outcome == filter_outcome::invalid;
}

/// Priority among a pool's filters: high ones are called first.
enum class filter_priority : std::uint8_t { high = 0, medium = 1, low = 2 };

/// What GetFilterVersion's dwFlags register.
struct filter_registration {
    filter_priority priority = filter_priority::low;
    DWORD events = 0;             ///< SF_NOTIFY_* event bits only
    bool secure_port = true;      ///< notified for requests that came over TLS
    bool nonsecure_port = true;   ///< notified for plain HTTP requests
};

/// IIS's reading of dwFlags: no order bit means SF_NOTIFY_ORDER_DEFAULT (low); several mean the
/// highest; neither port bit means both ports.
filter_registration registration_from_flags(DWORD flags) noexcept;

inline bool wants(const filter_registration& r, filter_event event, bool secure) noexcept {
    return (r.events & notification_flag(event)) != 0 && (secure ? r.secure_port : r.nonsecure_port);
}

std::string_view priority_name(filter_priority priority) noexcept;

}  // namespace isapi_fcgi::filters
