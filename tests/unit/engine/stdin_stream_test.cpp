#include "engine/stdin_stream.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace isapi_fcgi::engine {
namespace {

std::span<const std::byte> as_span(const std::string& s) { return std::as_bytes(std::span(s)); }

struct read_result {
    bool done = false;
    std::error_code ec;
    std::size_t n = 0;
};

TEST(stdin_stream, data_arriving_during_a_pending_read_goes_straight_to_the_reader) {
    stdin_stream body(16);
    std::array<std::byte, 4> buffer{};
    read_result r;
    body.read(buffer, [&](std::error_code ec, std::size_t n) { r = {true, ec, n}; });
    EXPECT_FALSE(r.done);
    body.push(as_span(std::string("abcdef")));
    ASSERT_TRUE(r.done);
    EXPECT_EQ(r.n, 4u);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(buffer.data()), 4), "abcd");
    EXPECT_EQ(body.buffered(), 2u) << "the rest waits for the next read";
}

TEST(stdin_stream, full_at_the_limit_and_drains_by_reading) {
    stdin_stream body(8);
    body.push(as_span(std::string("0123456789")));
    EXPECT_TRUE(body.full());
    std::array<std::byte, 6> buffer{};
    read_result r;
    body.read(buffer, [&](std::error_code ec, std::size_t n) { r = {true, ec, n}; });
    EXPECT_TRUE(r.done);
    EXPECT_EQ(r.n, 6u);
    EXPECT_FALSE(body.full());
    EXPECT_EQ(body.received(), 10u);
}

TEST(stdin_stream, end_of_body_reads_zero_after_the_buffer_drains) {
    stdin_stream body(64);
    body.push(as_span(std::string("xy")));
    body.push_end();
    std::array<std::byte, 8> buffer{};
    read_result r;
    body.read(buffer, [&](std::error_code ec, std::size_t n) { r = {true, ec, n}; });
    EXPECT_EQ(r.n, 2u);
    body.read(buffer, [&](std::error_code ec, std::size_t n) { r = {true, ec, n}; });
    EXPECT_TRUE(r.done);
    EXPECT_FALSE(r.ec);
    EXPECT_EQ(r.n, 0u);
    EXPECT_TRUE(body.complete());
}

TEST(stdin_stream, pending_read_completes_with_zero_at_end_of_body) {
    stdin_stream body(64);
    std::array<std::byte, 8> buffer{};
    read_result r;
    body.read(buffer, [&](std::error_code ec, std::size_t n) { r = {true, ec, n}; });
    body.push_end();
    EXPECT_TRUE(r.done);
    EXPECT_EQ(r.n, 0u);
}

TEST(stdin_stream, failure_completes_the_pending_read_and_every_later_one) {
    stdin_stream body(64);
    std::array<std::byte, 8> buffer{};
    read_result r;
    body.read(buffer, [&](std::error_code ec, std::size_t n) { r = {true, ec, n}; });
    body.fail(std::make_error_code(std::errc::connection_aborted));
    EXPECT_TRUE(r.done);
    EXPECT_EQ(r.ec, std::errc::connection_aborted);
    r = {};
    body.read(buffer, [&](std::error_code ec, std::size_t n) { r = {true, ec, n}; });
    EXPECT_EQ(r.ec, std::errc::connection_aborted);
    EXPECT_EQ(body.buffered(), 0u);
}

TEST(stdin_stream, interleaved_pushes_and_reads_keep_byte_order) {
    stdin_stream body(1 << 20);
    std::string sent, got;
    std::array<std::byte, 7> buffer{};
    for (int i = 0; i < 200; ++i) {
        const std::string piece(static_cast<std::size_t>(i % 13 + 1), static_cast<char>('a' + i % 26));
        sent += piece;
        body.push(as_span(piece));
        if (i % 3 == 0)
            body.read(buffer, [&](std::error_code, std::size_t n) {
                got.append(reinterpret_cast<const char*>(buffer.data()), n);
            });
    }
    body.push_end();
    for (bool more = true; more;)
        body.read(buffer, [&](std::error_code, std::size_t n) {
            got.append(reinterpret_cast<const char*>(buffer.data()), n);
            more = n > 0;
        });
    EXPECT_EQ(got, sent);
}

}  // namespace
}  // namespace isapi_fcgi::engine
