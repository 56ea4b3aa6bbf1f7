#include "isapi/response_translator.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "isapi/http_status.hpp"
#include "isapi/response_errc.hpp"

namespace isapi_fcgi::isapi {
namespace {

using namespace std::string_literals;

std::span<const char> bytes(std::string_view s) { return {s.data(), s.size()}; }

std::string body_of(const response_bytes& out) {
    return out.body_copy + std::string(out.body_view.data(), out.body_view.size());
}

std::string all_of(const response_bytes& out) { return out.header_bytes + body_of(out); }

// Drives one translator and collects everything it emits, as the host would send it.
class Translator {
public:
    explicit Translator(response_translator_options options = {}) : t(std::move(options)) {}

    std::error_code header(std::optional<std::string_view> status,
                           std::optional<std::string_view> headers, std::uint32_t ecb = 200) {
        response_bytes out;
        const auto ec = t.send_response_header(status, headers, ecb, out);
        sent += all_of(out);
        return ec;
    }

    std::error_code write(std::string_view data, std::uint32_t ecb = 200) {
        response_bytes out;
        const auto ec = t.write(bytes(data), ecb, out);
        sent += all_of(out);
        return ec;
    }

    std::error_code finish(std::uint32_t ecb = 200) {
        response_bytes out;
        const auto ec = t.finish(ecb, out);
        sent += all_of(out);
        return ec;
    }

    response_translator t;
    std::string sent;
};

// --- HSE_REQ_SEND_RESPONSE_HEADER(_EX) (ISAPI.md §5.3) ---

TEST(ResponseHeader, StatusAndHeaderBlock) {
    Translator x;
    ASSERT_FALSE(x.header("404 Not Found", "Content-Type: text/plain\r\n\r\n"));
    EXPECT_EQ(x.sent, "Content-Type: text/plain\r\nStatus: 404 Not Found\r\n\r\n");
    EXPECT_TRUE(x.t.headers_sent());
    EXPECT_EQ(x.t.status_code(), 404u);
}

TEST(ResponseHeader, EveryStatusForm) {
    const std::vector<std::pair<std::optional<std::string_view>, std::string>> cases = {
        {"HTTP/1.1 301 Moved", "Status: 301 Moved\r\n\r\n"},
        {"200", "Status: 200 OK\r\n\r\n"},
        {"200 OK", "Status: 200 OK\r\n\r\n"},
        {std::nullopt, "Status: 200 OK\r\n\r\n"},
        {"", "Status: 200 OK\r\n\r\n"},
        {"500 Server Error", "Status: 500 Server Error\r\n\r\n"},
        {"200 OK\r\n", "Status: 200 OK\r\n\r\n"},  // a trailing line end is forgiven
    };
    for (const auto& [status, expected] : cases) {
        Translator x;
        ASSERT_FALSE(x.header(status, std::nullopt)) << status.value_or("NULL");
        EXPECT_EQ(x.sent, expected);
    }
}

TEST(ResponseHeader, AFiveHundredFromTheExtensionIsItsOwnResponse) {
    Translator x;
    ASSERT_FALSE(x.header("500 Server Error", "Content-Type: text/plain\r\n\r\noops"));
    EXPECT_EQ(x.sent, "Content-Type: text/plain\r\nStatus: 500 Server Error\r\n\r\noops");
}

TEST(ResponseHeader, NullStatusUsesAChangedDwHttpStatusCode) {
    Translator x;
    ASSERT_FALSE(x.header(std::nullopt, "X-A: 1\r\n\r\n", 404));
    EXPECT_EQ(x.sent, "X-A: 1\r\nStatus: 404 Not Found\r\n\r\n");
    Translator y;
    ASSERT_FALSE(y.header("201 Created", std::nullopt, 404));  // an explicit status wins
    EXPECT_EQ(y.sent, "Status: 201 Created\r\n\r\n");
    Translator z;
    ASSERT_FALSE(z.header(std::nullopt, std::nullopt, 7));  // not a status: 200
    EXPECT_EQ(z.sent, "Status: 200 OK\r\n\r\n");
}

TEST(ResponseHeader, StatusLengthsThatAreWrong) {
    // cchStatus = 200 for a 6-character string in a 7-byte allocation: no over-read (ASan).
    auto status = std::make_unique<char[]>(7);
    std::memcpy(status.get(), "200 OK", 7);
    Translator x;
    ASSERT_FALSE(x.header(bounded_c_string(status.get(), 200), std::nullopt));
    EXPECT_EQ(x.sent, "Status: 200 OK\r\n\r\n");
    // Length + 1 (Wt), and a NUL before the given length.
    const char with_garbage[] = "404 Not Found\0Set-Cookie: x";
    Translator y;
    ASSERT_FALSE(y.header(bounded_c_string(with_garbage, sizeof with_garbage), std::nullopt));
    EXPECT_EQ(y.sent, "Status: 404 Not Found\r\n\r\n");
    // libdcl passes the numeric status as the length: 302 > strlen, bounded by the NUL.
    Translator z;
    ASSERT_FALSE(z.header(bounded_c_string("302 Found", 302), "Location: /x\r\n\r\n"));
    EXPECT_EQ(z.sent, "Location: /x\r\nStatus: 302 Found\r\n\r\n");
}

TEST(ResponseHeader, InvalidStatusIsRefusedAndNothingIsSent) {
    Translator x;
    EXPECT_EQ(x.header("OK fine", "X-A: 1\r\n\r\n"), response_errc::invalid_status);
    EXPECT_EQ(x.sent, "");
    EXPECT_FALSE(x.t.headers_sent());
    ASSERT_FALSE(x.header("200 OK", "X-A: 1\r\n\r\n"));  // the extension may try again
    EXPECT_EQ(x.sent, "X-A: 1\r\nStatus: 200 OK\r\n\r\n");
}

TEST(ResponseHeader, NormalisesNameSpaceColon) {
    Translator x;
    ASSERT_FALSE(x.header("200 OK", "X-A : b\r\n\r\n"));
    EXPECT_EQ(x.sent, "X-A: b\r\nStatus: 200 OK\r\n\r\n");
}

TEST(ResponseHeader, BodyAfterTheBlankLinePassesThroughWithoutACopy) {
    const std::string blob = "Content-Type: text/plain\r\n\r\nHELLO";
    response_translator t;
    response_bytes out;
    ASSERT_FALSE(t.send_response_header("200 OK", blob, 200, out));
    EXPECT_EQ(out.header_bytes, "Content-Type: text/plain\r\nStatus: 200 OK\r\n\r\n");
    EXPECT_TRUE(out.body_copy.empty());
    EXPECT_EQ(out.body_view.data(), blob.data() + blob.size() - 5);
    EXPECT_EQ(body_of(out), "HELLO");
    EXPECT_EQ(t.body_bytes(), 5u);
}

TEST(ResponseHeader, LfOnlyAndNoFinalBlankLine) {
    Translator x;
    ASSERT_FALSE(x.header("200 OK", "Content-Type: text/plain\nX-A: 1"));
    ASSERT_FALSE(x.write("body"));
    EXPECT_EQ(x.sent, "Content-Type: text/plain\r\nX-A: 1\r\nStatus: 200 OK\r\n\r\nbody");
}

TEST(ResponseHeader, StatusLineOrStatusFieldInsideTheBlob) {
    Translator x;
    ASSERT_FALSE(x.header(std::nullopt, "HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n"));
    EXPECT_EQ(x.sent, "Location: /x\r\nStatus: 302 Found\r\n\r\n");
    Translator y;
    ASSERT_FALSE(y.header(std::nullopt, "Status: 404\r\nX-A: 1\r\n\r\n"));
    EXPECT_EQ(y.sent, "X-A: 1\r\nStatus: 404 Not Found\r\n\r\n");
    Translator z;
    ASSERT_FALSE(z.header("201 Created", "Status: 404\r\n\r\n"));
    EXPECT_EQ(z.sent, "Status: 201 Created\r\n\r\n");
}

TEST(ResponseHeader, WholeResponseInTheStatusArgument) {
    Translator x;
    ASSERT_FALSE(x.header("200 OK\r\nContent-Type: text/plain\r\n\r\nhi", std::nullopt));
    EXPECT_EQ(x.sent, "Content-Type: text/plain\r\nStatus: 200 OK\r\n\r\nhi");
}

TEST(ResponseHeader, LineBreakInTheStatusWithHeadersIsInjection) {
    Translator x;
    EXPECT_EQ(x.header("200 OK\r\nSet-Cookie: evil=1", "X-A: 1\r\n\r\n"),
              response_errc::header_injection);
    EXPECT_EQ(x.sent, "");
}

TEST(ResponseHeader, BareCrInAHeaderLineIsInjection) {
    Translator x;
    EXPECT_EQ(x.header("200 OK", "Location: /x\rSet-Cookie: evil=1\r\n\r\n"),
              response_errc::header_injection);
    EXPECT_EQ(x.sent, "");
    EXPECT_FALSE(x.t.headers_sent());
}

TEST(ResponseHeader, MalformedLinesAreRefused) {
    Translator x;
    EXPECT_EQ(x.header("200 OK", "Content-Type text/plain\r\n\r\n"), response_errc::malformed_header);
    EXPECT_EQ(x.header(std::nullopt, "X-A: 1\r\nbroken\r\n\r\n"), response_errc::malformed_header);
    EXPECT_EQ(x.sent, "");
}

TEST(ResponseHeader, SecondCallIsRefused) {
    Translator x;
    ASSERT_FALSE(x.header("200 OK", std::nullopt));
    EXPECT_EQ(x.header("404 Not Found", std::nullopt), response_errc::headers_already_sent);
    EXPECT_EQ(x.sent, "Status: 200 OK\r\n\r\n");
    ASSERT_FALSE(x.write("x"));
    EXPECT_EQ(x.header("200 OK", std::nullopt), response_errc::headers_already_sent);
}

TEST(ResponseHeader, HopByHopFieldsAreDropped) {
    Translator x;
    ASSERT_FALSE(x.header("200 OK",
                          "Connection: keep-alive\r\nKeep-Alive: timeout=5\r\nUpgrade: h2c\r\n"
                          "TE: trailers\r\nTrailer: X-T\r\nProxy-Connection: close\r\n"
                          "Content-Length: 2\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nok"));
    EXPECT_EQ(x.sent,
              "Content-Length: 2\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nStatus: 200 OK\r\n\r\nok");
}

TEST(ResponseHeader, EmptyValueKeepsItsField) {
    Translator x;
    ASSERT_FALSE(x.header("200 OK", "X-Empty:\r\n\r\n"));
    EXPECT_EQ(x.sent, "X-Empty:\r\nStatus: 200 OK\r\n\r\n");
}

// --- Header block size (nginx's fastcgi_buffer_size) ---

TEST(ResponseHeader, OversizedBlockIsRefusedThenA500CanGoOut) {
    Translator x;
    const std::string big = "X-Big: " + std::string(5000, 'a') + "\r\n\r\n";
    EXPECT_EQ(x.header("200 OK", big), response_errc::header_too_large);
    EXPECT_EQ(x.sent, "");
    EXPECT_FALSE(x.t.headers_sent());
    const auto out = x.t.error_response();
    EXPECT_TRUE(out.header_bytes.starts_with("Status: 500 Internal Server Error\r\n"));
    EXPECT_EQ(x.t.status_code(), 500u);
}

TEST(ResponseHeader, SizeLimitCountsTheRecordHeaderExactly) {
    // "X-Pad: " (7) + value + "\r\n" (2) + "Status: 200 OK\r\n" (16) + "\r\n" (2) + 8 = 4094:
    // the two bytes left free are nginx's (a block that fills its 4 KiB buffer loses the body).
    const std::size_t fits = 4096 - 2 - 8 - 16 - 7 - 2 - 2;
    Translator x;
    ASSERT_FALSE(x.header("200 OK", "X-Pad: " + std::string(fits, 'p') + "\r\n\r\n"));
    EXPECT_EQ(x.sent.size() + 8, 4094u);
    Translator y;
    EXPECT_EQ(y.header("200 OK", "X-Pad: " + std::string(fits + 1, 'p') + "\r\n\r\n"),
              response_errc::header_too_large);
}

TEST(ResponseHeader, SizeLimitIsConfigurable) {
    Translator x({.max_header_bytes = 8192});
    ASSERT_FALSE(x.header("200 OK", "X-Big: " + std::string(5000, 'a') + "\r\n\r\n"));
}

// An ordinary header call has its fields written straight into the CGI block; any other goes
// through parse_header_block and emit_headers. A "Transfer-Encoding: identity" line, which is
// dropped and changes nothing else, sends a block down the general path: each call below must
// give the same bytes, error and state both ways.
TEST(ResponseHeader, PlainHeaderCallsTranslateAsTheGeneralPathDoes) {
    struct call {
        std::optional<std::string_view> status;
        std::string headers;
        std::uint32_t ecb = 200;
        std::size_t max_header_bytes = 4096;
    };
    const std::string pad(4000, 'p');
    const std::string near_limit = "X-Pad: " + std::string(4096 - 2 - 8 - 16 - 7 - 2 - 2 - 30, 'p') + "\r\n\r\n";
    const call table[] = {
        {"200 OK", "Content-Type: text/plain\r\nContent-Length: 19\r\n\r\n"},
        {"404", "Content-Type: text/html\r\n\r\nbody after the block"},
        {std::nullopt, "X-A: 1\r\n\r\n", 302},
        {std::nullopt, "X-A: 1\r\n\r\n", 42},
        {"", "X-A:1\nX-B :  2 \n\nbody"},
        {"299 Custom Reason", "X-Empty:\r\nX-Sp:   \r\n\r\n"},
        {"200 OK", "Set-Cookie: a=1\r\nSet-Cookie: b=2\r\nConnection: close\r\nKeep-Alive: 5\r\n\r\n"},
        {"200 OK", "Content-Type: text/plain\r\n"},  // no blank line
        {"200 OK", ""},
        {"200 OK", "\r\n"},
        {"200 OK", "X-A: 1\r\n\0X-B: 2\r\n\r\n"s},
        {"200 OK", "Content-Length: 5\r\n\r\nhello"},
        {"200 OK", "X-Big: " + pad + "\r\n\r\n"},  // too large
        {"200 OK", "X-Big: " + pad + "\r\n\r\n", 200, 8192},
        {"200 OK", near_limit},
        {"200 OK", "X-A: 1\r\n\r\n", 200, 30},  // too large even for the Status line
        {"200 OK", "X-A: 1\r\n\r\n", 200, 10},
        {"bad", "X-A: 1\r\n\r\n"},  // invalid status
        {"200 OK", "X-A: 1\r\nno colon\r\n\r\n"},  // malformed
        {"200 OK", "X-A: 1\r\nX\rB: 2\r\n\r\n"},  // injection
        {"200 OK", "Bad Name: 1\r\n\r\n"},
    };
    const auto run = [](const call& c, std::string_view headers) {
        Translator x({.max_header_bytes = c.max_header_bytes, .extra_header_lines = "X-Accel-Buffering: no\r\n"});
        const auto ec = x.header(c.status, headers, c.ecb);
        return std::tuple(ec, x.sent, x.t.headers_sent(), x.t.status_code(), x.t.body_bytes(), x.t.dechunking());
    };
    for (const call& c : table) {
        const std::string general = "Transfer-Encoding: identity\r\n" + std::string(c.headers);
        SCOPED_TRACE(std::string(c.headers.substr(0, 60)));
        EXPECT_EQ(run(c, c.headers), run(c, general));
    }
}

// --- Chunked framing from the extension (ISAPI.md §5.14) ---

TEST(Chunked, FramingIsRemovedAndHeadersDropped) {
    Translator x;
    ASSERT_FALSE(x.header("200 OK", "Transfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n"));
    ASSERT_FALSE(x.write("5\r\nhello\r\n0\r\n\r\n"));
    EXPECT_EQ(x.sent, "Status: 200 OK\r\n\r\nhello");
    EXPECT_TRUE(x.t.dechunking());
    EXPECT_TRUE(x.t.body_complete());
    EXPECT_EQ(x.t.body_bytes(), 5u);
}

TEST(Chunked, SplitAtEveryByte) {
    const std::string wire = "5\r\nhello\r\n7;x=y\r\n, world\r\n0\r\nX-T: 1\r\n\r\n";
    for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
        Translator x;
        ASSERT_FALSE(x.header("200 OK", "Transfer-Encoding: chunked\r\n\r\n"));
        ASSERT_FALSE(x.write(std::string_view(wire).substr(0, cut)));
        ASSERT_FALSE(x.write(std::string_view(wire).substr(cut)));
        EXPECT_EQ(x.sent, "Status: 200 OK\r\n\r\nhello, world") << "cut at " << cut;
        EXPECT_TRUE(x.t.body_complete());
    }
    Translator x;
    ASSERT_FALSE(x.header("200 OK", "Transfer-Encoding: chunked\r\n\r\n"));
    for (char c : wire) ASSERT_FALSE(x.write(std::string_view(&c, 1)));
    EXPECT_EQ(x.sent, "Status: 200 OK\r\n\r\nhello, world");
}

TEST(Chunked, BodyInTheHeaderBlobIsDecodedToo) {
    Translator x;
    ASSERT_FALSE(x.header(std::nullopt,
                          "Transfer-Encoding: chunked\r\nContent-Length: 99\r\n\r\n3\r\nabc\r\n"));
    ASSERT_FALSE(x.write("0\r\n\r\n"));
    EXPECT_EQ(x.sent, "Status: 200 OK\r\n\r\nabc");
}

TEST(Chunked, RawHeadersWithChunkedBody) {
    Translator x;
    ASSERT_FALSE(x.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"));
    EXPECT_EQ(x.sent, "Status: 200 OK\r\n\r\nok");
}

TEST(Chunked, IncompleteFramingIsReported) {
    Translator x;
    ASSERT_FALSE(x.header("200 OK", "Transfer-Encoding: chunked\r\n\r\n"));
    ASSERT_FALSE(x.write("5\r\nhel"));
    EXPECT_FALSE(x.t.body_complete());
}

TEST(Chunked, BrokenFramingEndsTheResponse) {
    Translator x;
    ASSERT_FALSE(x.header("200 OK", "Transfer-Encoding: chunked\r\n\r\n"));
    EXPECT_EQ(x.write("zz\r\n"), response_errc::bad_chunked_body);
    EXPECT_EQ(x.write("5\r\nhello\r\n"), response_errc::response_failed);
    EXPECT_TRUE(x.t.error_response().empty());  // headers are out: nothing more to say
}

// --- WriteClient before any header (ISAPI.md §5.4) ---

TEST(RawOutput, StatusLineAndHeadersAreTranslated) {
    Translator x;
    ASSERT_FALSE(x.write("HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n"));
    EXPECT_EQ(x.sent, "Location: /x\r\nStatus: 302 Found\r\n\r\n");
    EXPECT_EQ(x.t.status_code(), 302u);
    EXPECT_EQ(x.sent.find("HTTP/1.1"), std::string::npos);
}

TEST(RawOutput, CgiStyleHeaderBlock) {
    Translator x;
    ASSERT_FALSE(x.write("Content-Type: text/plain\r\n\r\nok"));
    EXPECT_EQ(x.sent, "Content-Type: text/plain\r\nStatus: 200 OK\r\n\r\nok");
}

TEST(RawOutput, CgiStyleDetectionCanBeTurnedOff) {
    Translator x({.cgi_headers_in_body = false});
    ASSERT_FALSE(x.write("Content-Type: text/plain\r\n\r\nok"));
    EXPECT_EQ(x.sent, "Content-Type: text/html\r\nStatus: 200 OK\r\n\r\n"
                      "Content-Type: text/plain\r\n\r\nok");
}

TEST(RawOutput, BodyWithoutHeadersGetsTheDefaultContentType) {
    const std::string data = "<html>hi</html>";
    response_translator t;
    response_bytes out;
    ASSERT_FALSE(t.write(bytes(data), 200, out));
    EXPECT_EQ(out.header_bytes, "Content-Type: text/html\r\nStatus: 200 OK\r\n\r\n");
    EXPECT_EQ(out.body_view.data(), data.data());  // passed through, not copied
    EXPECT_EQ(body_of(out), data);
    EXPECT_EQ(t.body_bytes(), data.size());
}

TEST(RawOutput, BodyWithoutHeadersUsesDwHttpStatusCodeAndConfiguredType) {
    Translator x({.default_content_type = "text/plain; charset=utf-8"});
    ASSERT_FALSE(x.write("missing", 404));
    EXPECT_EQ(x.sent, "Content-Type: text/plain; charset=utf-8\r\nStatus: 404 Not Found\r\n\r\nmissing");
}

TEST(RawOutput, StatusLineSplitAcrossThreeWrites) {
    const std::string third = "\r\nbody";
    response_translator t;
    response_bytes out;
    ASSERT_FALSE(t.write(bytes("HTTP/1.1 404 Not"), 200, out));
    EXPECT_TRUE(out.empty());
    ASSERT_FALSE(t.write(bytes(" Found\r\nContent-Type: text/plain\r\n"), 200, out));
    EXPECT_TRUE(out.empty());
    EXPECT_FALSE(t.headers_sent());
    ASSERT_FALSE(t.write(bytes(third), 200, out));
    EXPECT_EQ(out.header_bytes, "Content-Type: text/plain\r\nStatus: 404 Not Found\r\n\r\n");
    EXPECT_EQ(out.body_view.data(), third.data() + 2);
    EXPECT_EQ(body_of(out), "body");
}

TEST(RawOutput, RawHeaderSplitAtEveryPairOfPoints) {
    const std::string wire = "HTTP/1.0 201 Created\r\nX-A: 1\r\n\r\npayload";
    for (std::size_t a = 0; a <= wire.size(); ++a) {
        for (std::size_t b = a; b <= wire.size(); ++b) {
            Translator x;
            ASSERT_FALSE(x.write(wire.substr(0, a)));
            ASSERT_FALSE(x.write(wire.substr(a, b - a)));
            ASSERT_FALSE(x.write(wire.substr(b)));
            ASSERT_FALSE(x.finish());
            ASSERT_EQ(x.sent, "X-A: 1\r\nStatus: 201 Created\r\n\r\npayload") << a << "," << b;
        }
    }
}

TEST(RawOutput, TinyWritesThatTurnOutToBeBody) {
    Translator x;
    ASSERT_FALSE(x.write("HT"));
    EXPECT_EQ(x.sent, "");
    ASSERT_FALSE(x.write("ML rocks"));
    EXPECT_EQ(x.sent, "Content-Type: text/html\r\nStatus: 200 OK\r\n\r\nHTML rocks");
}

TEST(RawOutput, TextThatMerelyStartsWithHttpIsBody) {
    Translator x;
    ASSERT_FALSE(x.write("HTTP/ is a protocol\nsecond line"));
    EXPECT_EQ(x.sent, "Content-Type: text/html\r\nStatus: 200 OK\r\n\r\n"
                      "HTTP/ is a protocol\nsecond line");
}

TEST(RawOutput, ByteByByteStatusLine) {
    Translator x;
    for (char c : "HTTP/1.1 200 OK\r\nX-A: 1\r\n\r\nZ"s.substr(0, 28)) {
        ASSERT_FALSE(x.write(std::string_view(&c, 1)));
    }
    EXPECT_EQ(x.sent, "X-A: 1\r\nStatus: 200 OK\r\n\r\nZ");
}

TEST(RawOutput, BlankLineSplitBetweenWrites) {
    Translator x;
    ASSERT_FALSE(x.write("HTTP/1.1 200 OK\r\nX-A: 1\r\n\r"));
    EXPECT_EQ(x.sent, "");
    ASSERT_FALSE(x.write("\nrest"));
    EXPECT_EQ(x.sent, "X-A: 1\r\nStatus: 200 OK\r\n\r\nrest");
}

TEST(RawOutput, HeaderBlockThatNeverEndsIsBoundedThenA500) {
    Translator x({.max_buffered_header_bytes = 256});
    ASSERT_FALSE(x.write("HTTP/1.1 200 OK\r\n"));
    std::error_code ec;
    for (int i = 0; i < 100 && !ec; ++i) ec = x.write("X-Line: aaaaaaaaaa\r\n");
    EXPECT_EQ(ec, response_errc::header_too_large);
    EXPECT_EQ(x.sent, "");
    EXPECT_EQ(x.write("more"), response_errc::response_failed);
    EXPECT_TRUE(x.t.error_response().header_bytes.starts_with("Status: 500"));
}

TEST(RawOutput, MalformedRawHeadersEndTheResponse) {
    Translator x;
    EXPECT_EQ(x.write("HTTP/1.1 200 OK\r\nbroken line\r\n\r\nbody"), response_errc::malformed_header);
    EXPECT_EQ(x.sent, "");
    EXPECT_FALSE(x.t.headers_sent());
    EXPECT_EQ(x.write("more"), response_errc::response_failed);
}

TEST(RawOutput, InjectionInRawHeaders) {
    Translator x;
    EXPECT_EQ(x.write("HTTP/1.1 200 OK\r\nX-A: 1\rX-B: 2\r\n\r\n"), response_errc::header_injection);
}

TEST(RawOutput, EmptyWriteSendsNothing) {
    Translator x;
    ASSERT_FALSE(x.write(""));
    EXPECT_EQ(x.sent, "");
    EXPECT_FALSE(x.t.headers_sent());
}

TEST(RawOutput, WritesAfterHeadersAreBodyEvenIfTheyLookLikeHeaders) {
    Translator x;
    ASSERT_FALSE(x.header("200 OK", "Content-Type: text/plain\r\n\r\n"));
    ASSERT_FALSE(x.write("HTTP/1.1 500 Oops\r\n\r\n"));
    EXPECT_EQ(x.sent, "Content-Type: text/plain\r\nStatus: 200 OK\r\n\r\nHTTP/1.1 500 Oops\r\n\r\n");
}

TEST(RawOutput, HeaderCallAfterPartialRawHeaderIsRefused) {
    Translator x;
    ASSERT_FALSE(x.write("HTTP/1.1 200"));
    EXPECT_EQ(x.header("200 OK", std::nullopt), response_errc::headers_already_sent);
}

// --- The end of the request (ISAPI.md §5.5) ---

TEST(Finish, NothingSentGivesStatusAndEmptyBody) {
    Translator x;
    ASSERT_FALSE(x.finish());
    EXPECT_EQ(x.sent, "Content-Length: 0\r\nStatus: 200 OK\r\n\r\n");
    Translator y;
    ASSERT_FALSE(y.finish(404));
    EXPECT_EQ(y.sent, "Content-Length: 0\r\nStatus: 404 Not Found\r\n\r\n");
    EXPECT_EQ(y.t.status_code(), 404u);
    Translator z;
    ASSERT_FALSE(z.finish(0));
    EXPECT_EQ(z.sent, "Content-Length: 0\r\nStatus: 200 OK\r\n\r\n");
}

TEST(Finish, AfterOutputAddsNothing) {
    Translator x;
    ASSERT_FALSE(x.write("hello"));
    const std::string before = x.sent;
    ASSERT_FALSE(x.finish(404));
    EXPECT_EQ(x.sent, before);
}

TEST(Finish, RawHeaderWithoutBlankLineIsFlushed) {
    Translator x;
    ASSERT_FALSE(x.write("HTTP/1.1 204 No Content\r\nX-A: 1\r\n"));
    ASSERT_FALSE(x.finish());
    EXPECT_EQ(x.sent, "X-A: 1\r\nStatus: 204 No Content\r\n\r\n");
}

TEST(Finish, UndecidedBytesAreBody) {
    Translator x;
    ASSERT_FALSE(x.write("Sta"));
    ASSERT_FALSE(x.finish());
    EXPECT_EQ(x.sent, "Content-Type: text/html\r\nStatus: 200 OK\r\n\r\nSta");
}

TEST(Finish, IncompleteStatusLineIsBody) {
    Translator x;
    ASSERT_FALSE(x.write("HTTP/1.1 2"));
    ASSERT_FALSE(x.finish());
    EXPECT_EQ(x.sent, "Content-Type: text/html\r\nStatus: 200 OK\r\n\r\nHTTP/1.1 2");
}

TEST(ErrorResponse, BeforeAnyOutputIsA500WithABody) {
    response_translator t;
    const auto out = t.error_response();
    EXPECT_EQ(out.header_bytes,
              "Status: 500 Internal Server Error\r\nContent-Type: text/html\r\nContent-Length: " +
                  std::to_string(out.body_copy.size()) + "\r\n\r\n");
    EXPECT_NE(out.body_copy.find("500 Internal Server Error"), std::string::npos);
    EXPECT_EQ(t.status_code(), 500u);
    EXPECT_TRUE(t.headers_sent());
    response_bytes more;
    EXPECT_EQ(t.write(bytes("late"), 200, more), response_errc::response_failed);
    EXPECT_TRUE(t.error_response().empty());
}

TEST(ErrorResponse, AfterOutputKeepsTheOutput) {
    Translator x;
    ASSERT_FALSE(x.header("200 OK", "Content-Type: text/plain\r\n\r\npartial"));
    EXPECT_TRUE(x.t.error_response().empty());
    EXPECT_EQ(x.t.status_code(), 200u);
}

TEST(ErrorResponse, OtherStatuses) {
    response_translator t;
    EXPECT_TRUE(t.error_response(503).header_bytes.starts_with("Status: 503 Service Unavailable\r\n"));
    response_translator u;
    EXPECT_TRUE(u.error_response(42).header_bytes.starts_with("Status: 500 "));
}

TEST(ErrorResponse, DiscardsABufferedRawHeader) {
    Translator x;
    ASSERT_FALSE(x.write("HTTP/1.1 200 OK\r\nX-A: 1\r\n"));
    const auto out = x.t.error_response();
    EXPECT_TRUE(out.header_bytes.starts_with("Status: 500 "));
    EXPECT_EQ(out.header_bytes.find("X-A"), std::string::npos);
}

// --- HSE_REQ_SEND_URL_REDIRECT_RESP ---

TEST(Redirect, Sends302WithLocationAndBody) {
    response_translator t;
    response_bytes out;
    ASSERT_FALSE(t.send_redirect("http://h/x?a=1&b=<2>", out));
    EXPECT_EQ(out.header_bytes,
              "Location: http://h/x?a=1&b=<2>\r\nContent-Type: text/html\r\n"
              "Status: 302 Object Moved\r\n\r\n");
    EXPECT_NE(out.body_copy.find("HREF=\"http://h/x?a=1&amp;b=&lt;2&gt;\""), std::string::npos);
    EXPECT_EQ(t.status_code(), 302u);
}

TEST(Redirect, RefusesInjectionAndLateCalls) {
    response_translator t;
    response_bytes out;
    EXPECT_EQ(t.send_redirect("/x\r\nSet-Cookie: a=1", out), response_errc::header_injection);
    EXPECT_EQ(t.send_redirect("", out), response_errc::malformed_header);
    ASSERT_FALSE(t.write(bytes("body"), 200, out));
    EXPECT_EQ(t.send_redirect("/x", out), response_errc::headers_already_sent);
}

TEST(ResponseErrc, MessagesAreNamed) {
    EXPECT_EQ(std::error_code(response_errc::header_too_large).category().name(),
              std::string("isapi.response"));
    EXPECT_FALSE(std::error_code(response_errc::header_injection).message().empty());
}

}  // namespace
}  // namespace isapi_fcgi::isapi
