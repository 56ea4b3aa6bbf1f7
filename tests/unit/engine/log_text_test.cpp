#include "engine/log_text.hpp"

#include <gtest/gtest.h>

#include "engine/simple_response.hpp"

namespace isapi_fcgi::engine {
namespace {

TEST(log_text, control_bytes_cannot_forge_log_lines) {
    EXPECT_EQ(log_text("/a\nb\r\x01\\"), "/a\\x0ab\\x0d\\x01\\x5c");
    EXPECT_EQ(log_text("caf\xc3\xa9"), "caf\\xc3\\xa9");
}

TEST(log_text, long_text_is_cut) {
    const auto out = log_text(std::string(1000, 'a'), 10);
    EXPECT_EQ(out, std::string(10, 'a') + "...");
}

TEST(simple_response, opens_with_status_and_counts_the_body) {
    EXPECT_EQ(make_simple_response(404, "gone\n"),
              "Status: 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n\r\ngone\n");
    EXPECT_EQ(make_simple_response(503, "", "Retry-After: 1\r\n", "text/plain"),
              "Status: 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 0\r\nRetry-After: 1\r\n\r\n");
}

TEST(log_json_string, any_bytes_give_a_valid_printable_json_string)
{
    EXPECT_EQ(log_json_string("plain"), "\"plain\"");
    EXPECT_EQ(log_json_string("a\"b"), R"("a\"b")");
    EXPECT_EQ(log_json_string("back\\slash"), R"("back\\x5cslash")");
    EXPECT_EQ(log_json_string("line\nbreak"), R"("line\\x0abreak")");
    EXPECT_EQ(log_json_string("\xff\x01"), R"("\\xff\\x01")");
    EXPECT_EQ(log_json_string(std::string(10, 'x'), 4), "\"xxxx...\"");
}

}  // namespace
}  // namespace isapi_fcgi::engine
