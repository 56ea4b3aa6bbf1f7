#include "isapi/ecb_builder.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>

#include "fcgi/param_set.hpp"
#include "params.hpp"

namespace isapi_fcgi::isapi {
namespace {

using test::make_params;

TEST(ecb_builder, a_declared_length_is_a_plain_decimal_below_four_gibibytes) {
    EXPECT_EQ(declared_body_length("0"), 0u);
    EXPECT_EQ(declared_body_length("12813"), 12813u);
    EXPECT_EQ(declared_body_length("4294967294"), 4294967294u);
    EXPECT_FALSE(declared_body_length(""));            // nginx on every GET
    EXPECT_FALSE(declared_body_length("4294967295"));  // 0xFFFFFFFF means "unknown" in the ECB
    EXPECT_FALSE(declared_body_length("99999999999"));
    EXPECT_FALSE(declared_body_length("12a"));
    EXPECT_FALSE(declared_body_length(" 12"));
    EXPECT_FALSE(declared_body_length("-1"));
}

TEST(ecb_builder, the_read_ahead_is_the_body_or_upload_read_ahead_whichever_is_smaller) {
    EXPECT_EQ(read_ahead_target(1000, 49152), 1000u);
    EXPECT_EQ(read_ahead_target(200000, 49152), 49152u);
    EXPECT_EQ(read_ahead_target(std::nullopt, 49152), 49152u);
    EXPECT_EQ(read_ahead_target(200000, 0), 0u);
}

TEST(ecb_builder, total_bytes_follows_content_length_else_what_the_body_did) {
    EXPECT_EQ(total_bytes(200000, 49152, false), 200000u);
    EXPECT_EQ(total_bytes(0, 0, true), 0u);
    EXPECT_EQ(total_bytes(std::nullopt, 0, true), 0u) << "a GET with an empty CONTENT_LENGTH";
    EXPECT_EQ(total_bytes(std::nullopt, 10, true), unknown_body_length) << "streamed, however short";
    EXPECT_EQ(total_bytes(std::nullopt, 49152, false), unknown_body_length);
}

class ecb_builder_fill : public ::testing::Test {
protected:
    EXTENSION_CONTROL_BLOCK build(const fcgi::param_set& params, std::vector<BYTE> body, DWORD total) {
        variables_.emplace(params, match_, config_);
        strings_ = ecb_strings_of(*variables_);
        read_ahead_ = std::move(body);
        read_ahead_.push_back(0);
        EXTENSION_CONTROL_BLOCK ecb;
        std::memset(&ecb, 0x5a, sizeof(ecb));  // whatever was there before
        build_ecb(ecb, strings_, read_ahead_, reinterpret_cast<HCONN>(std::uintptr_t{0x100000007}), total);
        return ecb;
    }

    url_match match_;
    server_variables_config config_;
    std::optional<server_variables> variables_;
    ecb_strings strings_;
    std::vector<BYTE> read_ahead_;
};

TEST_F(ecb_builder_fill, a_get_has_no_body_every_string_set_and_the_iis_defaults) {
    auto params = make_params({{"REQUEST_METHOD", "GET"}, {"CONTENT_LENGTH", ""}});
    const auto ecb = build(params, {}, 0);
    EXPECT_EQ(ecb.cbSize, sizeof(EXTENSION_CONTROL_BLOCK));
    EXPECT_EQ(ecb.dwVersion, 0x00060000u);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(ecb.ConnID), 0x100000007u);
    EXPECT_EQ(ecb.dwHttpStatusCode, 200u);
    EXPECT_EQ(std::string(ecb.lpszLogData, HSE_LOG_BUFFER_LEN), std::string(HSE_LOG_BUFFER_LEN, '\0'));
    EXPECT_STREQ(ecb.lpszMethod, "GET");
    for (const char* s : {ecb.lpszQueryString, ecb.lpszPathInfo, ecb.lpszPathTranslated, ecb.lpszContentType}) {
        ASSERT_NE(s, nullptr);
        EXPECT_STREQ(s, "");
    }
    EXPECT_EQ(ecb.cbTotalBytes, 0u);
    EXPECT_EQ(ecb.cbAvailable, 0u);
    ASSERT_NE(ecb.lpbData, nullptr);
    EXPECT_EQ(ecb.lpbData[0], 0);
}

TEST_F(ecb_builder_fill, a_post_points_at_its_read_ahead_with_an_uncounted_nul) {
    auto params = make_params({{"REQUEST_METHOD", "POST"},
                               {"QUERY_STRING", "a=1"},
                               {"CONTENT_TYPE", "text/plain"},
                               {"CONTENT_LENGTH", "200000"}});
    const auto ecb = build(params, std::vector<BYTE>(49152, 'x'), 200000);
    EXPECT_STREQ(ecb.lpszMethod, "POST");
    EXPECT_STREQ(ecb.lpszQueryString, "a=1");
    EXPECT_STREQ(ecb.lpszContentType, "text/plain");
    EXPECT_EQ(ecb.cbTotalBytes, 200000u);
    EXPECT_EQ(ecb.cbAvailable, 49152u);
    EXPECT_EQ(ecb.lpbData[49151], 'x');
    EXPECT_EQ(ecb.lpbData[49152], 0);
}

}  // namespace
}  // namespace isapi_fcgi::isapi
