// The response head SF_NOTIFY_SEND_RESPONSE edits: parsed from the CGI header block the host
// sends, edited through Get/Set/AddHeader and the "status" pseudo-header, and sent again.
#include "filters/response_head.hpp"

#include <gtest/gtest.h>

namespace isapi_fcgi::filters {
namespace {

TEST(response_head, parses_the_block_and_sends_it_back_with_the_status_last) {
    const auto head = response_head::parse("Content-Type: text/plain\r\nStatus: 404 Not Found\r\nX-A: 1\r\n\r\n");
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status_code(), 404u);
    EXPECT_EQ(head->get("status"), "404 Not Found");
    EXPECT_EQ(head->get("content-type:"), "text/plain");
    EXPECT_EQ(head->to_block(), "Content-Type: text/plain\r\nX-A: 1\r\nStatus: 404 Not Found\r\n\r\n");
}

TEST(response_head, a_block_without_status_is_a_200_and_a_broken_one_is_refused) {
    const auto head = response_head::parse("Content-Type: text/html\r\n\r\n");
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status_code(), 200u);
    EXPECT_FALSE(response_head::parse("Content-Type: text/html\r\n"));
    EXPECT_FALSE(response_head::parse("no colon here\r\n\r\n"));
    EXPECT_FALSE(response_head::parse("Status: nonsense\r\n\r\n"));
}

TEST(response_head, set_add_and_remove_follow_iis_and_refuse_injection) {
    auto head = *response_head::parse("Set-Cookie: a=1\r\nVary: Accept\r\n\r\n");
    EXPECT_EQ(head.set("X-New:", "v"), static_cast<DWORD>(ERROR_SUCCESS));
    EXPECT_EQ(head.add("Vary:", "Cookie"), static_cast<DWORD>(ERROR_SUCCESS));
    EXPECT_EQ(head.get("Vary:"), "Accept, Cookie");
    EXPECT_EQ(head.add("Set-Cookie:", "b=2"), static_cast<DWORD>(ERROR_SUCCESS));
    EXPECT_EQ(head.to_block(), "Set-Cookie: a=1\r\nVary: Accept, Cookie\r\nX-New: v\r\nSet-Cookie: b=2\r\nStatus: 200 OK\r\n\r\n")
        << "Set-Cookie values stay separate lines";
    EXPECT_EQ(head.set("X-New:", ""), static_cast<DWORD>(ERROR_SUCCESS));
    EXPECT_FALSE(head.get("X-New:"));
    EXPECT_EQ(head.set("X-Bad:", "a\r\nX-Injected: 1"), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    EXPECT_EQ(head.set("No Colon", "v"), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    EXPECT_EQ(head.set("status", "500"), static_cast<DWORD>(ERROR_SUCCESS));
    EXPECT_EQ(head.get("status"), "500 Internal Server Error");
    EXPECT_TRUE(head.set_status_code(203));
    EXPECT_EQ(head.status(), "203 Non-Authoritative Information");
    EXPECT_FALSE(head.set_status_code(42));
}

}  // namespace
}  // namespace isapi_fcgi::filters
