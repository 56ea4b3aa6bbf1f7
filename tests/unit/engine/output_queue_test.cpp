#include "engine/output_queue.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace isapi_fcgi::engine {
namespace {

std::string flatten(std::span<const asio::const_buffer> buffers) {
    std::string out;
    for (const auto& b : buffers) out.append(static_cast<const char*>(b.data()), b.size());
    return out;
}

std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (int v : values) out.push_back(static_cast<char>(v));
    return out;
}

TEST(output_queue, stream_record_is_header_payload_padding_without_copying_payload) {
    output_queue q;
    const std::string payload = "hello";
    q.push_stream(fcgi::record_type::stdout_stream, 1, std::as_bytes(std::span(payload)));
    const auto buffers = q.start_batch();
    ASSERT_EQ(buffers.size(), 3u);
    EXPECT_EQ(buffers[1].data(), payload.data()) << "the payload must be borrowed, not copied";
    EXPECT_EQ(flatten(buffers), bytes({1, 6, 0, 1, 0, 5, 3, 0}) + "hello" + std::string(3, '\0'));
}

TEST(output_queue, large_payload_splits_at_65535_and_handler_runs_after_last_record) {
    output_queue q;
    const std::string payload(65535 + 10, 'x');
    int calls = 0;
    q.push_stream(fcgi::record_type::stdout_stream, 7, std::as_bytes(std::span(payload)),
                  [&](std::error_code ec) { EXPECT_FALSE(ec); ++calls; });
    const auto all = flatten(q.start_batch());
    // 8 + 65535 + 1 padding, then 8 + 10 + 6 padding
    ASSERT_EQ(all.size(), 8u + 65535 + 1 + 8 + 10 + 6);
    EXPECT_EQ(all.substr(0, 8), bytes({1, 6, 0, 7, 0xff, 0xff, 1, 0}));
    EXPECT_EQ(all.substr(8 + 65535 + 1, 8), bytes({1, 6, 0, 7, 0, 10, 6, 0}));
    EXPECT_FALSE(q.consume(all.size() - 1).empty());
    EXPECT_EQ(calls, 0) << "not all bytes written yet";
    EXPECT_TRUE(q.consume(1).empty());
    EXPECT_EQ(calls, 1);
}

TEST(output_queue, partial_writes_resume_where_they_stopped) {
    output_queue q;
    const std::string a = "abc", b = "defgh";
    q.push_stream(fcgi::record_type::stdout_stream, 1, std::as_bytes(std::span(a)));
    q.push_stream(fcgi::record_type::stdout_stream, 1, std::as_bytes(std::span(b)));
    const std::string expected = flatten(q.start_batch());
    std::string seen;
    // Write 3 bytes at a time, as a socket with a tiny buffer would.
    std::span<const asio::const_buffer> rest;
    std::size_t offset = 0;
    do {
        const std::size_t n = std::min<std::size_t>(3, expected.size() - offset);
        offset += n;
        rest = q.consume(n);
        if (!rest.empty()) seen = expected.substr(0, offset) + flatten(rest);
    } while (!rest.empty());
    EXPECT_EQ(offset, expected.size());
    EXPECT_EQ(seen, expected);
    EXPECT_FALSE(q.in_flight());
}

TEST(output_queue, entries_added_during_a_batch_wait_for_the_next_one) {
    output_queue q;
    q.push_record(std::as_bytes(std::span("12345678", 8)));
    const auto first = flatten(q.start_batch());
    q.push_owned_record("abcdefgh");
    EXPECT_TRUE(q.has_pending());
    EXPECT_TRUE(q.consume(first.size()).empty());
    EXPECT_EQ(flatten(q.start_batch()), "abcdefgh");
}

TEST(output_queue, empty_stream_is_a_terminator_record) {
    output_queue q;
    q.push_stream(fcgi::record_type::stdout_stream, 3, {});
    EXPECT_EQ(flatten(q.start_batch()), bytes({1, 6, 0, 3, 0, 0, 0, 0}));
}

TEST(output_queue, owned_stream_is_kept_alive_by_the_queue) {
    output_queue q;
    q.push_owned_stream(fcgi::record_type::stdout_stream, 1, std::string(100000, 'z'));
    const auto all = flatten(q.start_batch());
    EXPECT_EQ(all.size(), 8u + 65535 + 1 + 8 + (100000 - 65535) + fcgi::padding_for(100000 - 65535));
    EXPECT_EQ(std::count(all.begin(), all.end(), 'z'), 100000);
}

TEST(output_queue, fail_all_runs_every_handler_with_the_error) {
    output_queue q;
    std::vector<std::error_code> results;
    const std::string p = "x";
    q.push_stream(fcgi::record_type::stdout_stream, 1, std::as_bytes(std::span(p)),
                  [&](std::error_code ec) { results.push_back(ec); });
    (void)q.start_batch();
    q.push_stream(fcgi::record_type::stdout_stream, 1, std::as_bytes(std::span(p)),
                  [&](std::error_code ec) { results.push_back(ec); });
    q.fail_all(std::make_error_code(std::errc::broken_pipe));
    ASSERT_EQ(results.size(), 2u);
    for (const auto& ec : results) EXPECT_EQ(ec, std::errc::broken_pipe);
    EXPECT_FALSE(q.has_pending());
    EXPECT_FALSE(q.in_flight());
}

}  // namespace
}  // namespace isapi_fcgi::engine
