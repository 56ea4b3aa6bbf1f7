#include "isapi/header_block.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "isapi/ascii.hpp"
#include "isapi/response_errc.hpp"

namespace isapi_fcgi::isapi {
namespace {

using namespace std::string_literals;

parsed_header_block parse_ok(std::string_view text, bool allow_status_line = false) {
    parsed_header_block block;
    const auto ec = parse_header_block(text, allow_status_line, block);
    EXPECT_FALSE(ec) << ec.message();
    return block;
}

std::error_code parse_error(std::string_view text, bool allow_status_line = false) {
    parsed_header_block block;
    return parse_header_block(text, allow_status_line, block);
}

std::string fields(const parsed_header_block& block) {
    std::string out;
    for (const auto& f : block.fields) ((((out += f.name) += "=") += f.value) += ";");
    return out;
}

TEST(HeaderBlock, ParsesFieldsUpToTheBlankLine) {
    const std::string text = "Content-Type: text/plain\r\nX-A: 1\r\n\r\nBODY";
    const auto block = parse_ok(text);
    EXPECT_EQ(fields(block), "Content-Type=text/plain;X-A=1;");
    EXPECT_TRUE(block.complete);
    EXPECT_EQ(text.substr(block.consumed), "BODY");
    EXPECT_FALSE(block.status);
}

TEST(HeaderBlock, NormalisesSpaceBeforeTheColon) {
    EXPECT_EQ(fields(parse_ok("X-A : b\r\n\r\n")), "X-A=b;");
    EXPECT_EQ(fields(parse_ok("X-A\t:\tb  \r\n\r\n")), "X-A=b;");
}

TEST(HeaderBlock, AcceptsBareLfLineEnds) {
    const std::string text = "X-A: 1\nX-B: 2\n\nrest";
    const auto block = parse_ok(text);
    EXPECT_EQ(fields(block), "X-A=1;X-B=2;");
    EXPECT_EQ(text.substr(block.consumed), "rest");
}

TEST(HeaderBlock, AMissingBlankLineEndsAtTheEnd) {
    const std::string text = "X-A: 1\r\nX-B: 2";
    const auto block = parse_ok(text);
    EXPECT_EQ(fields(block), "X-A=1;X-B=2;");
    EXPECT_FALSE(block.complete);
    EXPECT_EQ(block.consumed, text.size());
}

TEST(HeaderBlock, StopsAtTheFirstNul) {
    const std::string text = "X-A: 1\r\n\0X-B: 2\r\n\r\n"s;  // the fields are views into it
    const auto block = parse_ok(text);
    EXPECT_EQ(fields(block), "X-A=1;");
    EXPECT_FALSE(block.complete);
}

TEST(HeaderBlock, FieldsViewTheTextAndFoldedValuesOutliveAMove) {
    const std::string text = "X-A: 1\r\n 2\r\nX-B: b\r\n\r\n";
    parsed_header_block parsed;
    ASSERT_FALSE(parse_header_block(text, false, parsed));
    const parsed_header_block block = std::move(parsed);
    ASSERT_EQ(block.fields.size(), 2u);
    EXPECT_EQ(block.fields[0].value, "1 2");  // joined, so held by the block
    EXPECT_EQ(block.fields[1].name.data(), text.data() + text.find("X-B"));  // not copied
    EXPECT_EQ(fields(block), "X-A=1 2;X-B=b;");
}

TEST(HeaderBlock, EmptyBlock) {
    EXPECT_TRUE(parse_ok("\r\n").complete);
    EXPECT_TRUE(parse_ok("").fields.empty());
    EXPECT_FALSE(parse_ok("").complete);
}

TEST(HeaderBlock, RefusesBareCr) {
    EXPECT_EQ(parse_error("X-A: b\rSet-Cookie: evil=1\r\n\r\n"), response_errc::header_injection);
    EXPECT_EQ(parse_error("X-A: b\r\r\n\r\n"), response_errc::header_injection);
}

TEST(HeaderBlock, RefusesLinesWithoutAColonOrWithABadName) {
    EXPECT_EQ(parse_error("X-A: 1\r\nnot a header\r\n\r\n"), response_errc::malformed_header);
    EXPECT_EQ(parse_error("X A: 1\r\n\r\n"), response_errc::malformed_header);
    EXPECT_EQ(parse_error(": 1\r\n\r\n"), response_errc::malformed_header);
    EXPECT_EQ(parse_error("X\x01: 1\r\n\r\n"), response_errc::malformed_header);
}

TEST(HeaderBlock, UnfoldsContinuationLines) {
    EXPECT_EQ(fields(parse_ok("X-A: 1\r\n  2\r\n\t3\r\n\r\n")), "X-A=1 2 3;");
    EXPECT_EQ(parse_error(" X-A: 1\r\n\r\n"), response_errc::malformed_header);
    // Found by header_block_fuzzer: a value that starts on the continuation line gets no
    // leading space.
    EXPECT_EQ(fields(parse_ok("Content-Type:\r\n text/html\r\n\r\n")), "Content-Type=text/html;");
}

TEST(HeaderBlock, StatusFieldIsTakenOut) {
    const auto block = parse_ok("Status: 404\r\nX-A: 1\r\n\r\n");
    ASSERT_TRUE(block.status);
    EXPECT_EQ(block.status->text(), "404 Not Found");
    EXPECT_EQ(fields(block), "X-A=1;");
    EXPECT_EQ(parse_error("Status: nope\r\n\r\n"), response_errc::invalid_status);
}

TEST(HeaderBlock, LeadingStatusLineWhenAllowed) {
    auto block = parse_ok("HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n", true);
    ASSERT_TRUE(block.status);
    EXPECT_EQ(block.status->text(), "302 Found");
    EXPECT_EQ(fields(block), "Location=/x;");
    // mod_isapi: a first line without ':' is the status line.
    block = parse_ok("401 Unauthorized\r\nWWW-Authenticate: Basic\r\n\r\n", true);
    EXPECT_EQ(block.status->code, 401u);
    // A status line beats a later Status field.
    block = parse_ok("HTTP/1.0 201 Created\r\nStatus: 500\r\n\r\n", true);
    EXPECT_EQ(block.status->code, 201u);
    EXPECT_EQ(parse_error("HTTP/1.1 abc\r\n\r\n", true), response_errc::invalid_status);
    EXPECT_EQ(parse_error("HTTP/1.1 302 Found\r\n\r\n", false), response_errc::malformed_header);
}

TEST(HeaderBlock, DropsHopByHopFields) {
    const auto block = parse_ok(
        "Connection: keep-alive\r\nKeep-Alive: timeout=5\r\nUpgrade: h2c\r\nTE: trailers\r\n"
        "Trailer: X-T\r\nProxy-Connection: close\r\nProxy-Authenticate: Basic\r\n"
        "X-Keep: 1\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n");
    EXPECT_EQ(fields(block), "X-Keep=1;Set-Cookie=a=1;Set-Cookie=b=2;");
    EXPECT_FALSE(block.chunked);
}

// Names are classified by length and then one case-insensitive compare: every spelling of a
// special name is caught, and a name of the same length that differs in one byte is forwarded.
TEST(HeaderBlock, SpecialNamesAreMatchedInAnyCaseAndOnlyExactly) {
    for (const std::string_view name : {"Connection", "Keep-Alive", "Upgrade", "TE", "Trailer", "Proxy-Connection",
                                        "Proxy-Authenticate", "Transfer-Encoding"}) {
        std::string upper(name);
        std::string lower(name);
        for (char& c : upper) c = ascii::to_upper(c);
        for (char& c : lower) c = ascii::to_lower(c);
        for (const std::string& spelling : {std::string(name), upper, lower}) {
            EXPECT_TRUE(is_hop_by_hop(spelling)) << spelling;
            EXPECT_EQ(fields(parse_ok(spelling + ": x\r\nX-A: 1\r\n\r\n")), "X-A=1;") << spelling;
        }
        for (std::size_t i = 0; i < name.size(); ++i) {
            std::string near(name);
            near[i] = near[i] == 'x' ? 'y' : 'x';
            EXPECT_FALSE(is_hop_by_hop(near)) << near;
            EXPECT_EQ(fields(parse_ok(near + ": v\r\n\r\n")), near + "=v;");
        }
    }
    EXPECT_EQ(fields(parse_ok("CONTENT-LENGTH: 5\r\ncontent-lengtx: 6\r\n\r\n")), "CONTENT-LENGTH=5;content-lengtx=6;");
    EXPECT_EQ(fields(parse_ok("STATUS: 404\r\nStatuz: 1\r\n\r\n")), "Statuz=1;");
    EXPECT_EQ(parse_ok("sTaTuS: 404\r\n\r\n").status->code, 404u);
    EXPECT_FALSE(is_hop_by_hop("Content-Length"));
    EXPECT_FALSE(is_hop_by_hop("Status"));
    EXPECT_FALSE(is_hop_by_hop(""));
}

TEST(HeaderBlock, ChunkedTransferEncodingIsRecordedAndLengthDropped) {
    auto block = parse_ok("Transfer-Encoding: chunked\r\nContent-Length: 5\r\nX-A: 1\r\n\r\n");
    EXPECT_TRUE(block.chunked);
    EXPECT_EQ(fields(block), "X-A=1;");
    block = parse_ok("transfer-encoding: gzip, Chunked\r\n\r\n");
    EXPECT_TRUE(block.chunked);
    block = parse_ok("Transfer-Encoding: identity\r\nContent-Length: 5\r\n\r\n");
    EXPECT_FALSE(block.chunked);
    EXPECT_EQ(fields(block), "Content-Length=5;");
}

// write_plain_header_fields writes what parse_header_block forwards, as CGI lines, and gives up
// on every block parse_header_block treats specially.
TEST(HeaderBlock, PlainFieldsAreWrittenAsParsedOrLeftToTheParser) {
    const std::string plain[] = {
        "Content-Type: text/plain\r\nContent-Length: 19\r\n\r\nbody",
        "A:1\nB :  2 \nC:\n\nrest",
        "Connection: close\r\nX: y\r\n",
        "",
        "\r\n\r\n",
        "X: 1\r\n\0Y: 2\r\n\r\n"s,
        "Content-Length: 5\r\nTE: x\r\n\r\n",
    };
    for (const std::string& text : plain) {
        for (const bool allow_status_line : {false, true}) {
            SCOPED_TRACE(text);
            std::string buffer(2 * text.size(), '\0');
            char* out = buffer.data();
            const auto written = write_plain_header_fields(text, allow_status_line, out, buffer.data() + buffer.size());
            ASSERT_TRUE(written);
            const auto parsed = parse_ok(text, allow_status_line);
            std::string expected;
            for (const auto& f : parsed.fields) expected += std::string(f.name) + (f.value.empty() ? ":" : ": ") + std::string(f.value) + "\r\n";
            EXPECT_EQ(std::string(buffer.data(), out), expected);
            EXPECT_EQ(written->complete, parsed.complete);
            EXPECT_EQ(written->consumed, parsed.consumed);
            EXPECT_FALSE(parsed.status);
            EXPECT_FALSE(parsed.chunked);
            char* tight = buffer.data();  // one byte short of the lines: nullopt, never a cut line
            if (!expected.empty()) {
                EXPECT_FALSE(write_plain_header_fields(text, allow_status_line, tight, buffer.data() + expected.size() - 1));
            }
        }
    }
    const std::string special[] = {
        "Status: 404\r\n\r\n", "Transfer-Encoding: identity\r\n\r\n", "A: 1\r\n folded\r\n\r\n",
        "A: 1\r\nB\r: 2\r\n\r\n", "no colon\r\n\r\n", "Bad Name: 1\r\n\r\n", " A: 1\r\n\r\n",
    };
    for (const std::string& text : special) {
        std::string buffer(4 * text.size(), '\0');
        char* out = buffer.data();
        EXPECT_FALSE(write_plain_header_fields(text, false, out, buffer.data() + buffer.size())) << text;
    }
    for (const std::string text : {"HTTP/1.1 200 OK\r\nA: 1\r\n\r\n", "200 OK\r\nA: 1\r\n\r\n"}) {
        std::string buffer(4 * text.size(), '\0');
        char* out = buffer.data();
        EXPECT_FALSE(write_plain_header_fields(text, true, out, buffer.data() + buffer.size())) << text;
    }
}

TEST(HeaderBlock, FindsTheEndOfEitherLineEndingStyle) {
    EXPECT_EQ(find_header_end("A: 1\r\n\r\nbody"), 8u);
    EXPECT_EQ(find_header_end("A: 1\n\nbody"), 6u);
    EXPECT_EQ(find_header_end("A: 1\n\r\nbody"), 7u);
    EXPECT_EQ(find_header_end("\r\nbody"), 2u);
    EXPECT_EQ(find_header_end("\nbody"), 1u);
    // Found by header_block_fuzzer: a leading blank line ends the block even when another follows.
    EXPECT_EQ(find_header_end("\r\n\r\n/1.A: HTTP/1.1 "), 2u);
    EXPECT_EQ(find_header_end("\n\nbody"), 1u);
    EXPECT_FALSE(find_header_end("A: 1\r\nB: 2\r\n"));
    EXPECT_FALSE(find_header_end("A: 1\r\n\r"));
    EXPECT_EQ(find_header_end("A: 1\r\n\r\n", 5), 8u);  // a resumed search
}

}  // namespace
}  // namespace isapi_fcgi::isapi
