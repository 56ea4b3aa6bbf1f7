#include "isapi/chunked_decoder.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <span>
#include <string>

namespace isapi_fcgi::isapi {
namespace {

std::span<const char> bytes(std::string_view s) { return {s.data(), s.size()}; }

struct decoded {
    std::string body;
    chunked_decoder::status status = chunked_decoder::status::need_more;
};

decoded decode_whole(std::string_view wire) {
    chunked_decoder d;
    decoded out;
    out.status = d.feed(bytes(wire), out.body);
    return out;
}

// Every way of cutting the input in two, then byte by byte: all give the same result.
void expect_same_at_every_split(std::string_view wire, std::string_view body,
                                chunked_decoder::status final_status) {
    for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
        chunked_decoder d;
        std::string out;
        d.feed(bytes(wire.substr(0, cut)), out);
        const auto status = d.feed(bytes(wire.substr(cut)), out);
        EXPECT_EQ(status, final_status) << "cut at " << cut;
        EXPECT_EQ(out, body) << "cut at " << cut;
    }
    chunked_decoder d;
    std::string out;
    auto status = chunked_decoder::status::need_more;
    for (char c : wire) status = d.feed(std::span<const char>(&c, 1), out);
    EXPECT_EQ(status, final_status);
    EXPECT_EQ(out, body);
}

TEST(ChunkedDecoder, DecodesOneChunkAndTheEnd) {
    const auto r = decode_whole("5\r\nhello\r\n0\r\n\r\n");
    EXPECT_EQ(r.status, chunked_decoder::status::done);
    EXPECT_EQ(r.body, "hello");
}

TEST(ChunkedDecoder, SameResultAtEverySplit) {
    expect_same_at_every_split("5\r\nhello\r\n0\r\n\r\n", "hello", chunked_decoder::status::done);
    expect_same_at_every_split("4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n"
                               "0\r\nX-Trailer: 1\r\n\r\n",
                               "Wikipedia in\r\n\r\nchunks.", chunked_decoder::status::done);
    expect_same_at_every_split("a \r\n0123456789\r\n", "0123456789",
                               chunked_decoder::status::need_more);
}

TEST(ChunkedDecoder, BareLfAndUpperCaseHex) {
    const auto r = decode_whole("A\n0123456789\n0\n\n");
    EXPECT_EQ(r.status, chunked_decoder::status::done);
    EXPECT_EQ(r.body, "0123456789");
}

TEST(ChunkedDecoder, NeedsMoreUntilTheLastChunk) {
    chunked_decoder d;
    std::string out;
    EXPECT_EQ(d.feed(bytes("3\r\nabc\r\n"), out), chunked_decoder::status::need_more);
    EXPECT_FALSE(d.done());
    EXPECT_EQ(d.feed(bytes("0\r\n"), out), chunked_decoder::status::need_more);
    EXPECT_EQ(d.feed(bytes("\r\n"), out), chunked_decoder::status::done);
    EXPECT_TRUE(d.done());
    EXPECT_EQ(out, "abc");
}

TEST(ChunkedDecoder, IgnoresBytesAfterTheEnd) {
    chunked_decoder d;
    std::string out;
    EXPECT_EQ(d.feed(bytes("1\r\nx\r\n0\r\n\r\ngarbage"), out), chunked_decoder::status::done);
    EXPECT_EQ(d.feed(bytes("more"), out), chunked_decoder::status::done);
    EXPECT_EQ(out, "x");
}

TEST(ChunkedDecoder, RefusesBrokenFraming) {
    for (const char* bad : {"g\r\n", "\r\n", "5\r\nhelloX", "5\r\nhello\r\r", "5\rx",
                            "1234567890abcdef0\r\n", "5x\r\n", "0\r\n\rx"}) {
        const auto r = decode_whole(bad);
        EXPECT_EQ(r.status, chunked_decoder::status::error) << bad;
    }
}

TEST(ChunkedDecoder, AnErrorIsSticky) {
    chunked_decoder d;
    std::string out;
    EXPECT_EQ(d.feed(bytes("zz"), out), chunked_decoder::status::error);
    EXPECT_EQ(d.feed(bytes("5\r\nhello\r\n"), out), chunked_decoder::status::error);
    EXPECT_TRUE(d.failed());
    EXPECT_EQ(out, "");
}

TEST(ChunkedDecoder, LargeChunkAcrossManyFeeds) {
    const std::string data(100000, 'z');
    std::string wire = "186a0\r\n" + data + "\r\n0\r\n\r\n";
    chunked_decoder d;
    std::string out;
    auto status = chunked_decoder::status::need_more;
    for (std::size_t i = 0; i < wire.size(); i += 4093)
        status = d.feed(bytes(std::string_view(wire).substr(i, 4093)), out);
    EXPECT_EQ(status, chunked_decoder::status::done);
    EXPECT_EQ(out, data);
}

}  // namespace
}  // namespace isapi_fcgi::isapi
