#include "logging/error_throttle.hpp"

#include <gtest/gtest.h>

namespace isapi_fcgi::logging {
namespace {

using namespace std::chrono_literals;
using time_point = error_throttle::clock::time_point;

TEST(error_throttle, first_error_goes_through_then_one_per_interval) {
    error_throttle throttle(1s);
    const time_point t0{100s};
    EXPECT_EQ(throttle.admit(t0), 0U);
    EXPECT_EQ(throttle.admit(t0 + 1ms), std::nullopt);
    EXPECT_EQ(throttle.admit(t0 + 999ms), std::nullopt);
    // The report after the interval says how many were held back.
    EXPECT_EQ(throttle.admit(t0 + 1s), 2U);
    EXPECT_EQ(throttle.admit(t0 + 1500ms), std::nullopt);
    EXPECT_EQ(throttle.admit(t0 + 5s), 1U);
    EXPECT_EQ(throttle.admit(t0 + 10s), 0U);
}

TEST(error_throttle, interval_is_configurable) {
    error_throttle throttle(10ms);
    const time_point t0{1s};
    EXPECT_EQ(throttle.admit(t0), 0U);
    EXPECT_EQ(throttle.admit(t0 + 9ms), std::nullopt);
    EXPECT_EQ(throttle.admit(t0 + 10ms), 1U);
}

}  // namespace
}  // namespace isapi_fcgi::logging
