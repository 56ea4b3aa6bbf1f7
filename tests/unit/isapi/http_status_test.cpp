#include "isapi/http_status.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>

namespace isapi_fcgi::isapi {
namespace {

using namespace std::string_literals;

std::string parsed(std::string_view text) {
    const auto s = parse_status(text);
    return s ? s->text() : "<invalid>";
}

TEST(HttpStatus, AcceptsEveryFormExtensionsUse) {
    EXPECT_EQ(parsed("200"), "200 OK");
    EXPECT_EQ(parsed("200 OK"), "200 OK");
    EXPECT_EQ(parsed("HTTP/1.1 200 OK"), "200 OK");
    EXPECT_EQ(parsed("HTTP/1.0 404 Object Not Found"), "404 Object Not Found");
    EXPECT_EQ(parsed("HTTP/1.1 301 Moved"), "301 Moved");
    EXPECT_EQ(parsed("http/1.1 302"), "302 Found");
    EXPECT_EQ(parsed("  500 Server Error  "), "500 Server Error");
    EXPECT_EQ(parsed("404\tNot here"), "404 Not here");
}

TEST(HttpStatus, CodesWithoutAStandardPhraseKeepJustTheCode) {
    EXPECT_EQ(parsed("299"), "299");
    EXPECT_EQ(parsed("299 Custom"), "299 Custom");
}

TEST(HttpStatus, RefusesTextWithoutAValidCode) {
    for (const char* bad : {"", "OK", "20", "2000", "20x", "099 Low", "HTTP/1.1", "HTTP/1.1 OK",
                            "HTTP/x 200 OK", "HTTP/1.1200 OK", "-200"}) {
        EXPECT_FALSE(parse_status(bad)) << bad;
    }
}

TEST(HttpStatus, RefusesControlCharacters) {
    EXPECT_FALSE(parse_status("200 OK\r\nSet-Cookie: x=1"));
    EXPECT_FALSE(parse_status("200 OK\n"));
    EXPECT_FALSE(parse_status("200 O\x01K"));
    EXPECT_FALSE(parse_status("200 OK\0"s));
}

TEST(HttpStatus, ReasonPhrases) {
    EXPECT_EQ(reason_phrase(200), "OK");
    EXPECT_EQ(reason_phrase(404), "Not Found");
    EXPECT_EQ(reason_phrase(500), "Internal Server Error");
    EXPECT_EQ(reason_phrase(599), "");
}

TEST(HttpStatus, RecognisesStatusLineStarts) {
    EXPECT_TRUE(starts_with_http_version("HTTP/1.1 200 OK"));
    EXPECT_TRUE(starts_with_http_version("HTTP/1.0 404"));
    EXPECT_FALSE(starts_with_http_version("HTTP/1.1"));
    EXPECT_FALSE(starts_with_http_version("HTTP/ 1.1 200"));
    EXPECT_FALSE(starts_with_http_version("HTTPS/1.1 200"));
}

TEST(BoundedCString, NullIsAbsent) {
    EXPECT_FALSE(bounded_c_string(nullptr, 10));
}

TEST(BoundedCString, NeverReadsPastTheNulWhateverTheCount) {
    // Exactly 7 bytes: ASan reports any read beyond them.
    auto text = std::make_unique<char[]>(7);
    std::memcpy(text.get(), "200 OK", 7);
    EXPECT_EQ(bounded_c_string(text.get(), 200), "200 OK");  // cchStatus far too large
    EXPECT_EQ(bounded_c_string(text.get(), 7), "200 OK");    // length + 1 (Wt)
    EXPECT_EQ(bounded_c_string(text.get(), 6), "200 OK");
    EXPECT_EQ(bounded_c_string(text.get(), 3), "200");       // too small: bounded by the count
    EXPECT_EQ(bounded_c_string(text.get(), 0), "200 OK");    // not given: up to the NUL
}

TEST(BoundedCString, StopsAtAnEmbeddedNul) {
    const char text[] = "404 Not Found\0garbage";
    EXPECT_EQ(bounded_c_string(text, sizeof text), "404 Not Found");
}

}  // namespace
}  // namespace isapi_fcgi::isapi
