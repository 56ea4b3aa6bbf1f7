#include "isapi/percent_decoding.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <string>

namespace isapi_fcgi::isapi {
namespace {

using namespace std::string_literals;

TEST(PercentDecoding, DecodesEscapesOfEitherCase) {
    std::string out;
    ASSERT_TRUE(percent_decode("a%20b%2fc%2Fd%41", out));
    EXPECT_EQ(out, "a b/c/dA");
}

TEST(PercentDecoding, PlusStaysPlusInAPath) {
    std::string out;
    ASSERT_TRUE(percent_decode("a+b", out));
    EXPECT_EQ(out, "a+b");
}

TEST(PercentDecoding, DecodesNulAsAByte) {
    std::string out;
    ASSERT_TRUE(percent_decode("a%00b", out));
    EXPECT_EQ(out, "a\0b"s);
}

TEST(PercentDecoding, RefusesIncompleteOrNonHexEscapes) {
    for (const char* bad : {"%", "%4", "a%zz", "%g0", "%0g", "x%"}) {
        std::string out;
        EXPECT_FALSE(percent_decode(bad, out)) << bad;
    }
}

TEST(PercentDecoding, RecognisesEveryDotSegmentSpelling) {
    for (const char* dot : {".", "..", "%2e", "%2E", "%2e%2e", ".%2E", "%2e."})
        EXPECT_TRUE(is_dot_segment(dot)) << dot;
    for (const char* other : {"", "...", "a", "%2e%2e%2e", ".a", "%2", "%2e%2"})
        EXPECT_FALSE(is_dot_segment(other)) << other;
}

}  // namespace
}  // namespace isapi_fcgi::isapi
