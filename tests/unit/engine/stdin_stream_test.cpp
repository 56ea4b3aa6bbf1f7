#include "engine/stdin_stream.hpp"

#include <gtest/gtest.h>

#include <array>
#include <filesystem>
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

std::size_t open_descriptors() {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& fd : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
    return n;
}

std::string read_all(stdin_stream& body) {
    std::string out;
    std::array<std::byte, 5> buffer{};  // odd size: reads straddle the file and memory parts
    for (;;) {
        read_result r;
        body.read(buffer, [&](std::error_code ec, std::size_t n) { r = {true, ec, n}; });
        EXPECT_TRUE(r.done);
        EXPECT_FALSE(r.ec) << r.ec.message();
        if (!r.done || r.ec || r.n == 0) return out;
        out.append(reinterpret_cast<const char*>(buffer.data()), r.n);
    }
}

TEST(stdin_stream, a_spilled_body_reads_back_file_then_memory_in_arrival_order) {
    const auto tmp = std::filesystem::temp_directory_path().string();
    const auto fds = open_descriptors();
    stdin_stream body(8);
    std::string sent;
    for (char c = 'a'; c <= 'z'; ++c) {
        const std::string chunk(7, c);
        sent += chunk;
        body.push(as_span(chunk));
        if (body.full()) ASSERT_FALSE(body.spill(tmp, 1024));
        EXPECT_FALSE(body.full()) << "spilled: the connection need not pause";
    }
    EXPECT_TRUE(body.spilled());
    EXPECT_GT(body.in_file(), 0u);
    EXPECT_EQ(open_descriptors(), fds + 1);
    body.push(as_span(std::string("!")));
    sent += "!";
    body.push_end();
    EXPECT_EQ(read_all(body), sent);
    EXPECT_EQ(body.in_file(), 0u);
    body.fail(std::make_error_code(std::errc::operation_canceled));  // the request ends
    EXPECT_FALSE(body.spilled());
    EXPECT_EQ(open_descriptors(), fds) << "the file's descriptor closes with the request";
}

TEST(stdin_stream, spilling_stops_at_the_file_bound_and_then_the_body_stays_full) {
    const auto tmp = std::filesystem::temp_directory_path().string();
    stdin_stream body(8);
    body.push(as_span(std::string(8, 'x')));
    ASSERT_FALSE(body.spill(tmp, 12));
    body.push(as_span(std::string(8, 'y')));
    EXPECT_EQ(body.spill(tmp, 12), std::errc::file_too_large);
    EXPECT_TRUE(body.spill_refused());
    EXPECT_TRUE(body.full()) << "beyond the bound the connection pauses as before";
    EXPECT_EQ(body.in_file(), 8u);
    EXPECT_EQ(body.in_memory(), 8u);
    body.push_end();
    EXPECT_EQ(read_all(body), std::string(8, 'x') + std::string(8, 'y'));
}

std::string pattern(std::size_t size, std::size_t from) {
    std::string s(size, '\0');
    for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>('a' + (from + i) % 26);
    return s;
}

// The ring's smallest size is 4 KiB: 3000 bytes in, 2000 read, 2000 more in wraps the newest
// bytes around its end.
TEST(stdin_stream, bytes_wrapping_around_the_ring_read_back_in_order) {
    stdin_stream body(1 << 20);
    body.push(as_span(pattern(3000, 0)));
    std::array<std::byte, 2000> buffer{};
    std::string got;
    body.read(buffer, [&](std::error_code, std::size_t n) { got.append(reinterpret_cast<const char*>(buffer.data()), n); });
    body.push(as_span(pattern(2000, 3000)));
    EXPECT_EQ(body.in_memory(), 3000u);
    body.push(as_span(pattern(5000, 5000)));  // more than the ring holds: it grows, unwrapping
    body.push_end();
    got += read_all(body);
    EXPECT_EQ(got, pattern(10000, 0));
}

TEST(stdin_stream, a_wrapped_ring_spills_both_of_its_pieces_in_order) {
    const auto tmp = std::filesystem::temp_directory_path().string();
    stdin_stream body(3000);
    body.push(as_span(pattern(3000, 0)));
    std::array<std::byte, 2000> buffer{};
    std::string got;
    body.read(buffer, [&](std::error_code, std::size_t n) { got.append(reinterpret_cast<const char*>(buffer.data()), n); });
    body.push(as_span(pattern(2000, 3000)));
    ASSERT_FALSE(body.spill(tmp, 1 << 20));
    EXPECT_EQ(body.in_file(), 3000u);
    EXPECT_EQ(body.in_memory(), 0u);
    body.push(as_span(pattern(100, 5000)));
    body.push_end();
    got += read_all(body);
    EXPECT_EQ(got, pattern(5100, 0));
}

TEST(stdin_stream, an_unusable_directory_refuses_the_spill_and_keeps_the_bytes_in_memory) {
    stdin_stream body(4);
    body.push(as_span(std::string("abcdef")));
    EXPECT_TRUE(body.spill("/nonexistent-isapi-fcgi-dir", 1024));
    EXPECT_TRUE(body.full());
    body.push_end();
    EXPECT_EQ(read_all(body), "abcdef");
}

}  // namespace
}  // namespace isapi_fcgi::engine
