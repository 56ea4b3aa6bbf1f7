#include "ops/wine_crash_message.hpp"

#include <gtest/gtest.h>

namespace isapi_fcgi::ops {
namespace {

TEST(wine_crash_message, round_trips_the_extension_pid_cause_and_requests) {
    const wine_crash_message sent{7, 4242, "exited with status 5", {{12345, "GET /a.dll/crash?n=1"}, {0, "POST /a.dll"}}};
    const auto got = decode_wine_crash(encode(sent, 1024));
    ASSERT_TRUE(got);
    EXPECT_EQ(got->extension, 7U);
    EXPECT_EQ(got->pid, 4242);
    EXPECT_EQ(got->how, "exited with status 5");
    ASSERT_EQ(got->in_flight.size(), 2U);
    EXPECT_EQ(got->in_flight[0].quarantine_key, 12345U);
    EXPECT_EQ(got->in_flight[0].line, "GET /a.dll/crash?n=1");
    EXPECT_EQ(got->in_flight[1].quarantine_key, 0U);
    EXPECT_EQ(got->in_flight[1].line, "POST /a.dll");
}

TEST(wine_crash_message, leaves_out_whole_requests_beyond_the_limit_and_newlines_never_split_one) {
    wine_crash_message sent{1, 2, "was killed\nby SIGKILL", {}};
    for (int i = 0; i < 100; ++i) sent.in_flight.push_back({static_cast<std::uint64_t>(i + 1), "GET /x\n" + std::to_string(i)});
    const auto text = encode(sent, 200);
    EXPECT_LE(text.size(), 200U);
    const auto got = decode_wine_crash(text);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->how, "was killed by SIGKILL");
    ASSERT_FALSE(got->in_flight.empty());
    EXPECT_LT(got->in_flight.size(), 100U);
    EXPECT_EQ(got->in_flight[0].line, "GET /x 0");
}

TEST(wine_crash_message, refuses_other_messages_and_malformed_ones) {
    EXPECT_FALSE(decode_wine_crash("recycle unhealthy x"));
    EXPECT_FALSE(decode_wine_crash("wine-crash x 1 how"));
    EXPECT_FALSE(decode_wine_crash("wine-crash 1 how"));
    EXPECT_FALSE(decode_wine_crash("wine-crash 1 2 how\nnot-a-key GET /"));
}

}  // namespace
}  // namespace isapi_fcgi::ops
