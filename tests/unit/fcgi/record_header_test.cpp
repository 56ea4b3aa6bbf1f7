#include "fcgi/record_header.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "wire.hpp"

namespace isapi_fcgi::fcgi {
namespace {

std::vector<int> as_ints(std::span<const std::byte> b) {
    std::vector<int> out;
    for (auto x : b) out.push_back(std::to_integer<int>(x));
    return out;
}

header_bytes to_header_bytes(std::string_view s) {
    header_bytes out{};
    std::copy_n(wire::bytes(s).begin(), header_size, out.begin());
    return out;
}

TEST(record_header, encode_with_chosen_padding_is_golden) {
    // 0x0304 = 772 bytes; 772 % 8 == 4, so 4 bytes of padding.
    const auto h = encode_header(record_type::stdout_stream, 0x0102, 0x0304);
    EXPECT_EQ(as_ints(h), (std::vector<int>{1, 6, 0x01, 0x02, 0x03, 0x04, 4, 0}));
}

TEST(record_header, encode_end_of_stream_record_is_golden) {
    const auto h = encode_header(record_type::stdout_stream, 1, 0);
    EXPECT_EQ(as_ints(h), (std::vector<int>{1, 6, 0, 1, 0, 0, 0, 0}));
}

TEST(record_header, encode_explicit_header_keeps_every_field) {
    const record_header h{1, 200, 0xfffe, 0xfffd, 255};
    EXPECT_EQ(as_ints(encode_header(h)),
              (std::vector<int>{1, 200, 0xff, 0xfe, 0xff, 0xfd, 255, 0}));
}

TEST(record_header, decode_is_big_endian_and_ignores_reserved) {
    const auto h =
        decode_header(to_header_bytes(std::string_view("\x01\x05\x12\x34\x56\x78\x09\x99", 8)));
    EXPECT_EQ(h.version, 1);
    EXPECT_EQ(h.type, 5);
    EXPECT_EQ(h.kind(), record_type::stdin_stream);
    EXPECT_EQ(h.request_id, 0x1234);
    EXPECT_EQ(h.content_length, 0x5678);
    EXPECT_EQ(h.padding_length, 9);
}

TEST(record_header, decode_reads_what_the_test_encoder_wrote) {
    const auto raw = wire::record(wire::params_type, 0xabcd, std::string(300, 'x'), 7);
    const auto h = decode_header(to_header_bytes(raw));
    EXPECT_EQ(h, (record_header{1, 4, 0xabcd, 300, 7}));
}

TEST(record_header, decode_keeps_unknown_versions_and_types_raw) {
    const auto h =
        decode_header(to_header_bytes(std::string_view("\x02\xff\x00\x00\x00\x00\x00\x00", 8)));
    EXPECT_EQ(h.version, 2);
    EXPECT_EQ(h.type, 0xff);
}

TEST(record_header, round_trip) {
    const std::vector<record_header> samples = {
        {1, 1, 1, 8, 0},  {1, 4, 0, 0, 0},         {1, 5, 0xffff, 0xffff, 255},
        {1, 9, 0, 17, 7}, {1, 0xff, 0x8000, 1, 1}, {0, 0, 0x00ff, 0xff00, 128},
    };
    for (const auto& h : samples) EXPECT_EQ(decode_header(encode_header(h)), h);
}

TEST(record_header, padding_for_brings_content_to_a_multiple_of_eight) {
    const int expected[] = {0, 7, 6, 5, 4, 3, 2, 1, 0, 7, 6, 5, 4, 3, 2, 1, 0};
    for (std::size_t n = 0; n <= 16; ++n) EXPECT_EQ(padding_for(n), expected[n]) << "n=" << n;
    EXPECT_EQ(padding_for(65535), 1);
    EXPECT_EQ(padding_for(65536), 0);
}

TEST(record_header, padding_bytes_are_zeros_of_the_asked_length) {
    for (unsigned n = 0; n <= 255; ++n) {
        const auto p = padding_bytes(static_cast<std::uint8_t>(n));
        ASSERT_EQ(p.size(), n);
        EXPECT_TRUE(std::all_of(p.begin(), p.end(), [](std::byte b) { return b == std::byte{0}; }));
    }
}

}  // namespace
}  // namespace isapi_fcgi::fcgi
