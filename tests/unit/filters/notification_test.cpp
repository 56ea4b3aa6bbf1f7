#include "filters/notification.hpp"

#include <gtest/gtest.h>

namespace isapi_fcgi::filters {
namespace {

TEST(filter_notification, every_status_maps_to_its_outcome) {
    constexpr auto event = filter_event::preproc_headers;
    EXPECT_EQ(outcome_of(SF_STATUS_REQ_NEXT_NOTIFICATION, event), filter_outcome::next);
    EXPECT_EQ(outcome_of(SF_STATUS_REQ_HANDLED_NOTIFICATION, event), filter_outcome::handled);
    EXPECT_EQ(outcome_of(SF_STATUS_REQ_FINISHED, event), filter_outcome::finished);
    EXPECT_EQ(outcome_of(SF_STATUS_REQ_FINISHED_KEEP_CONN, event), filter_outcome::finished_keep_conn);
    EXPECT_EQ(outcome_of(SF_STATUS_REQ_ERROR, event), filter_outcome::error);
}

TEST(filter_notification, read_next_is_valid_only_for_raw_reads) {
    EXPECT_EQ(outcome_of(SF_STATUS_REQ_READ_NEXT, filter_event::read_raw_data), filter_outcome::read_next);
    EXPECT_EQ(outcome_of(SF_STATUS_REQ_READ_NEXT, filter_event::send_raw_data), filter_outcome::invalid);
    EXPECT_EQ(outcome_of(SF_STATUS_REQ_READ_NEXT, filter_event::preproc_headers), filter_outcome::invalid);
}

TEST(filter_notification, an_unknown_status_is_invalid_and_ends_the_request) {
    for (const DWORD status : {0u, 1u, 0x7FFFFFFu, 0x8000006u, 0xFFFFFFFFu}) {
        const auto outcome = outcome_of(status, filter_event::url_map);
        EXPECT_EQ(outcome, filter_outcome::invalid) << status;
        EXPECT_TRUE(ends_request(outcome));
        EXPECT_FALSE(continues_chain(outcome));
    }
}

TEST(filter_notification, only_next_continues_and_handled_does_not_end_the_request) {
    EXPECT_TRUE(continues_chain(filter_outcome::next));
    EXPECT_FALSE(continues_chain(filter_outcome::handled));
    EXPECT_FALSE(ends_request(filter_outcome::handled));
    EXPECT_FALSE(ends_request(filter_outcome::next));
    EXPECT_TRUE(ends_request(filter_outcome::finished));
    EXPECT_TRUE(ends_request(filter_outcome::finished_keep_conn));
    EXPECT_TRUE(ends_request(filter_outcome::error));
}

TEST(filter_notification, flags_and_names_are_the_sdk_bits) {
    EXPECT_EQ(notification_flag(filter_event::preproc_headers), static_cast<DWORD>(SF_NOTIFY_PREPROC_HEADERS));
    EXPECT_EQ(notification_flag(filter_event::auth_complete), static_cast<DWORD>(SF_NOTIFY_AUTH_COMPLETE));
    EXPECT_EQ(notification_flag(filter_event::end_of_net_session), static_cast<DWORD>(SF_NOTIFY_END_OF_NET_SESSION));
    EXPECT_EQ(event_name(filter_event::send_raw_data), "SF_NOTIFY_SEND_RAW_DATA");
    DWORD all = 0;
    for (std::size_t i = 0; i < filter_event_count; ++i) {
        const DWORD flag = notification_flag(static_cast<filter_event>(i));
        EXPECT_EQ(all & flag, 0u) << "two events share a bit";
        all |= flag;
    }
}

TEST(filter_registration, no_order_bit_means_the_default_low_priority) {
    const auto r = registration_from_flags(SF_NOTIFY_PREPROC_HEADERS | SF_NOTIFY_NONSECURE_PORT);
    EXPECT_EQ(r.priority, filter_priority::low);
    EXPECT_EQ(r.events, static_cast<DWORD>(SF_NOTIFY_PREPROC_HEADERS));
    EXPECT_TRUE(r.nonsecure_port);
    EXPECT_FALSE(r.secure_port);
}

TEST(filter_registration, the_highest_order_bit_wins) {
    EXPECT_EQ(registration_from_flags(SF_NOTIFY_ORDER_HIGH | SF_NOTIFY_ORDER_LOW).priority, filter_priority::high);
    EXPECT_EQ(registration_from_flags(SF_NOTIFY_ORDER_MEDIUM | SF_NOTIFY_ORDER_LOW).priority,
              filter_priority::medium);
    EXPECT_EQ(registration_from_flags(SF_NOTIFY_ORDER_DEFAULT).priority, filter_priority::low);
}

TEST(filter_registration, neither_port_bit_means_both_ports_and_order_bits_are_no_events) {
    const auto r = registration_from_flags(SF_NOTIFY_ORDER_HIGH | SF_NOTIFY_LOG | SF_NOTIFY_URL_MAP);
    EXPECT_TRUE(r.secure_port);
    EXPECT_TRUE(r.nonsecure_port);
    EXPECT_EQ(r.events, static_cast<DWORD>(SF_NOTIFY_LOG | SF_NOTIFY_URL_MAP));
    EXPECT_TRUE(wants(r, filter_event::log, true));
    EXPECT_TRUE(wants(r, filter_event::url_map, false));
    EXPECT_FALSE(wants(r, filter_event::preproc_headers, false));
}

TEST(filter_registration, a_secure_only_filter_is_not_called_for_plain_http) {
    const auto r = registration_from_flags(SF_NOTIFY_SECURE_PORT | SF_NOTIFY_AUTHENTICATION);
    EXPECT_TRUE(wants(r, filter_event::authentication, true));
    EXPECT_FALSE(wants(r, filter_event::authentication, false));
}

}  // namespace
}  // namespace isapi_fcgi::filters
