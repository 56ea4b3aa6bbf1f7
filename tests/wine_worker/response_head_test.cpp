// The status and body size a relayed Wine response reports (access log, status, metrics).
#include "wine/response_head.hpp"

#include <gtest/gtest.h>

namespace isapi_fcgi::wine {
namespace {

TEST(response_head, reads_the_status_line_even_when_the_block_arrives_in_pieces) {
    response_head head;
    const std::string response = "Status: 404 Not Found\r\nContent-Type: text/plain\r\n\r\nnot here\n";
    for (const char c : response) head.add(std::string_view(&c, 1));
    EXPECT_EQ(head.status(), 404U);
    EXPECT_EQ(head.body_bytes(), 9U);
}

TEST(response_head, no_status_is_200_and_a_location_alone_is_302) {
    response_head plain;
    plain.add("Content-Type: text/plain\n\nhi");
    EXPECT_EQ(plain.status(), 200U);
    EXPECT_EQ(plain.body_bytes(), 2U);
    response_head moved;
    moved.add("location: /elsewhere\r\n\r\n");
    EXPECT_EQ(moved.status(), 302U);
    EXPECT_EQ(moved.body_bytes(), 0U);
}

TEST(response_head, an_unfinished_block_has_no_status_yet) {
    response_head head;
    head.add("Status: 500 Oops\r\nContent-Type: text/plain\r\n");
    EXPECT_EQ(head.status(), 0U);
    head.add("\r\nbody");
    EXPECT_EQ(head.status(), 500U);
    EXPECT_EQ(head.body_bytes(), 4U);
}

TEST(response_head, a_malformed_status_counts_as_none_given) {
    response_head head;
    head.add("Status: 2000\r\n\r\n");
    EXPECT_EQ(head.status(), 200U);
}

}  // namespace
}  // namespace isapi_fcgi::wine
