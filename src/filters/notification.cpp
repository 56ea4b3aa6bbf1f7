#include "filters/notification.hpp"

#include <array>

namespace isapi_fcgi::filters {
namespace {

struct event_info {
    DWORD flag;
    std::string_view name;
};

constexpr std::array<event_info, filter_event_count> events{{
    {SF_NOTIFY_READ_RAW_DATA, "SF_NOTIFY_READ_RAW_DATA"},
    {SF_NOTIFY_PREPROC_HEADERS, "SF_NOTIFY_PREPROC_HEADERS"},
    {SF_NOTIFY_URL_MAP, "SF_NOTIFY_URL_MAP"},
    {SF_NOTIFY_AUTHENTICATION, "SF_NOTIFY_AUTHENTICATION"},
    {SF_NOTIFY_AUTH_COMPLETE, "SF_NOTIFY_AUTH_COMPLETE"},
    {SF_NOTIFY_ACCESS_DENIED, "SF_NOTIFY_ACCESS_DENIED"},
    {SF_NOTIFY_SEND_RESPONSE, "SF_NOTIFY_SEND_RESPONSE"},
    {SF_NOTIFY_SEND_RAW_DATA, "SF_NOTIFY_SEND_RAW_DATA"},
    {SF_NOTIFY_END_OF_REQUEST, "SF_NOTIFY_END_OF_REQUEST"},
    {SF_NOTIFY_LOG, "SF_NOTIFY_LOG"},
    {SF_NOTIFY_END_OF_NET_SESSION, "SF_NOTIFY_END_OF_NET_SESSION"},
}};

constexpr DWORD all_event_bits = [] {
    DWORD bits = 0;
    for (const auto& e : events) bits |= e.flag;
    return bits;
}();

}  // namespace

DWORD notification_flag(filter_event event) noexcept { return events[static_cast<std::size_t>(event)].flag; }

std::string_view event_name(filter_event event) noexcept { return events[static_cast<std::size_t>(event)].name; }

filter_outcome outcome_of(DWORD status, filter_event event) noexcept {
    switch (status) {
        case SF_STATUS_REQ_NEXT_NOTIFICATION: return filter_outcome::next;
        case SF_STATUS_REQ_HANDLED_NOTIFICATION: return filter_outcome::handled;
        case SF_STATUS_REQ_FINISHED: return filter_outcome::finished;
        case SF_STATUS_REQ_FINISHED_KEEP_CONN: return filter_outcome::finished_keep_conn;
        case SF_STATUS_REQ_ERROR: return filter_outcome::error;
        case SF_STATUS_REQ_READ_NEXT:
            return event == filter_event::read_raw_data ? filter_outcome::read_next : filter_outcome::invalid;
        default: return filter_outcome::invalid;
    }
}

filter_registration registration_from_flags(DWORD flags) noexcept {
    filter_registration r;
    if ((flags & SF_NOTIFY_ORDER_HIGH) != 0) {
        r.priority = filter_priority::high;
    } else if ((flags & SF_NOTIFY_ORDER_MEDIUM) != 0) {
        r.priority = filter_priority::medium;
    }
    r.events = flags & all_event_bits;
    const bool secure = (flags & SF_NOTIFY_SECURE_PORT) != 0;
    const bool nonsecure = (flags & SF_NOTIFY_NONSECURE_PORT) != 0;
    if (secure || nonsecure) {
        r.secure_port = secure;
        r.nonsecure_port = nonsecure;
    }
    return r;
}

std::string_view priority_name(filter_priority priority) noexcept {
    switch (priority) {
        case filter_priority::high: return "high";
        case filter_priority::medium: return "medium";
        case filter_priority::low: break;
    }
    return "low";
}

}  // namespace isapi_fcgi::filters
