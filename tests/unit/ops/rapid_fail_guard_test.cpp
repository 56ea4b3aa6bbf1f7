#include "ops/rapid_fail_guard.hpp"

#include <gtest/gtest.h>

namespace isapi_fcgi::ops {
namespace {

using namespace std::chrono_literals;
using clock = rapid_fail_guard::clock;

TEST(rapid_fail_guard, trips_on_the_nth_crash_within_the_interval) {
    rapid_fail_guard guard(3, 10s);
    const clock::time_point t0{};
    EXPECT_FALSE(guard.record_crash(t0));
    EXPECT_FALSE(guard.record_crash(t0 + 1s));
    EXPECT_TRUE(guard.record_crash(t0 + 9s));
}

TEST(rapid_fail_guard, forgets_crashes_older_than_the_interval) {
    rapid_fail_guard guard(3, 10s);
    const clock::time_point t0{};
    guard.record_crash(t0);
    guard.record_crash(t0 + 5s);
    // The first one is 10s old: only two remain.
    EXPECT_FALSE(guard.record_crash(t0 + 10s));
    EXPECT_EQ(guard.recent(t0 + 10s), 2U);
    EXPECT_EQ(guard.recent(t0 + 20s), 0U);
}

TEST(rapid_fail_guard, zero_disables_and_reset_forgets) {
    rapid_fail_guard off(0, 10s);
    for (int i = 0; i < 100; ++i) EXPECT_FALSE(off.record_crash(clock::time_point{} + std::chrono::milliseconds(i)));
    rapid_fail_guard guard(2, 10s);
    guard.record_crash(clock::time_point{});
    guard.reset();
    EXPECT_FALSE(guard.record_crash(clock::time_point{} + 1s));
    EXPECT_TRUE(guard.record_crash(clock::time_point{} + 2s));
}

}  // namespace
}  // namespace isapi_fcgi::ops
