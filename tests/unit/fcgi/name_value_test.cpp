#include "fcgi/name_value.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "wire.hpp"

namespace isapi_fcgi::fcgi {
namespace {

using namespace std::string_literals;
using pairs = std::vector<std::pair<std::string, std::string>>;

struct decoded {
    pairs visited;
    std::error_code ec;
};

decoded decode(std::string_view stream) {
    decoded out;
    out.ec = for_each_pair(
        stream, [&](std::string_view n, std::string_view v) { out.visited.emplace_back(n, v); });
    return out;
}

std::string encoded(std::string_view name, std::string_view value) {
    std::string out;
    append_pair(out, name, value);
    return out;
}

// The four layouts of FastCGI 1.0 §3.4, written out byte by byte.
TEST(name_value, layout_11_is_golden) {
    EXPECT_EQ(encoded("AB", "xyz"), std::string_view("\x02\x03"
                                                     "ABxyz",
                                                     7));
}

TEST(name_value, layout_14_is_golden) {
    const std::string value(200, 'v');
    EXPECT_EQ(encoded("AB", value), std::string("\x02\x80\x00\x00\xc8"
                                                "AB",
                                                7) +
                                        value);
}

TEST(name_value, layout_41_is_golden) {
    const std::string name(300, 'n');
    EXPECT_EQ(encoded(name, "v"), std::string("\x80\x00\x01\x2c\x01", 5) + name + "v");
}

TEST(name_value, layout_44_is_golden) {
    const std::string name(128, 'n');
    const std::string value(70000, 'v');  // 0x011170
    EXPECT_EQ(encoded(name, value),
              std::string("\x80\x00\x00\x80\x80\x01\x11\x70", 8) + name + value);
}

TEST(name_value, empty_name_and_value) {
    EXPECT_EQ(encoded("", ""), std::string_view("\x00\x00", 2));
    const auto d = decode(std::string_view("\x00\x00", 2));
    EXPECT_FALSE(d.ec);
    EXPECT_EQ(d.visited, (pairs{{"", ""}}));
}

TEST(name_value, boundary_127_is_one_byte_and_128_is_four) {
    EXPECT_EQ(encoded_length_size(0), 1u);
    EXPECT_EQ(encoded_length_size(127), 1u);
    EXPECT_EQ(encoded_length_size(128), 4u);
    EXPECT_EQ(encoded_length_size(max_name_value_length), 4u);
    EXPECT_EQ(encoded(std::string(127, 'a'), "").substr(0, 2), std::string_view("\x7f\x00", 2));
    EXPECT_EQ(encoded(std::string(128, 'a'), "").substr(0, 5),
              std::string_view("\x80\x00\x00\x80\x00", 5));
}

TEST(name_value, encoded_pair_size_matches_append) {
    for (std::size_t n : {0u, 1u, 127u, 128u, 1000u})
        for (std::size_t v : {0u, 5u, 127u, 128u, 70000u}) {
            const std::string name(n, 'n');
            const std::string value(v, 'v');
            EXPECT_EQ(encoded_pair_size(name, value), encoded(name, value).size()) << n << "/" << v;
        }
}

TEST(name_value, decodes_every_layout_from_hand_written_bytes) {
    const std::string n200(200, 'N');
    const std::string v300(300, 'V');
    const std::string stream = wire::pair("A", "b") + wire::pair("SHORT", v300) +
                               wire::pair(n200, "x") + wire::pair(n200, v300);
    const auto d = decode(stream);
    EXPECT_FALSE(d.ec);
    EXPECT_EQ(d.visited, (pairs{{"A", "b"}, {"SHORT", v300}, {n200, "x"}, {n200, v300}}));
}

TEST(name_value, four_byte_form_of_a_small_length_is_accepted) {
    const std::string stream = wire::length(3, true) + wire::length(2, true) + "KEYvv";
    const auto d = decode(stream);
    EXPECT_FALSE(d.ec);
    EXPECT_EQ(d.visited, (pairs{{"KEY", "vv"}}));
}

TEST(name_value, round_trip_through_the_codec_encoder) {
    const pairs input = {{"", "x"},
                         {std::string(127, 'a'), std::string(128, 'b')},
                         {"Z", ""},
                         {std::string("\0\xff", 2), std::string("\r\n\0", 3)}};
    std::string stream;
    for (const auto& [n, v] : input) append_pair(stream, n, v);
    const auto d = decode(stream);
    EXPECT_FALSE(d.ec);
    EXPECT_EQ(d.visited, input);
}

TEST(name_value, empty_stream_has_no_pairs) {
    const auto d = decode({});
    EXPECT_FALSE(d.ec);
    EXPECT_TRUE(d.visited.empty());
}

TEST(name_value, truncated_lengths_are_rejected) {
    const std::string_view cases[] = {
        std::string_view("\x01", 1),              // value length missing
        std::string_view("\x80", 1),              // 4-byte name length cut after 1 byte
        std::string_view("\x80\x00\x00", 3),      // ... after 3 bytes
        std::string_view("\x01\x80\x00", 3),      // 4-byte value length cut
        std::string_view("\x01\x80\x00\x00", 4),  // ... after 3 bytes
    };
    for (auto c : cases) {
        const auto d = decode(c);
        EXPECT_EQ(d.ec, errc::name_value_truncated) << "case of " << c.size() << " bytes";
        EXPECT_TRUE(d.visited.empty());
    }
}

TEST(name_value, lengths_past_the_end_are_rejected_after_earlier_pairs) {
    const std::string good = wire::pair("OK", "1");
    const std::string cases[] = {
        good +
            "\x05\x00"
            "abc"s,  // name runs past the end
        good +
            "\x01\x05"
            "abcd"s,  // value runs past the end
        good +
            "\x01\x01"
            "a"s,                                                    // value byte missing entirely
        good + wire::length(128) + "\x00"s + std::string(127, 'n'),  // one name byte short
    };
    for (const auto& c : cases) {
        const auto d = decode(c);
        EXPECT_EQ(d.ec, errc::name_value_truncated);
        EXPECT_EQ(d.visited, (pairs{{"OK", "1"}}));
    }
}

TEST(name_value, thirty_one_bit_lengths_cannot_overflow) {
    // 0x7fffffff + 0x7fffffff + 2 wraps to 0 in 32-bit unsigned arithmetic, and
    // 0x7fffffff + 1 overflows a signed int: both are CVE-2025-23016 shapes.
    const std::string max = "\xff\xff\xff\xff";
    const std::string cases[] = {
        max + max + "AB",
        max +
            "\x01"
            "AB",
        "\x01" + max + "AB",
        std::string("\x80\x00\x00\x00", 4) + max + "AB",  // 0-length name in long form
    };
    for (const auto& c : cases) {
        const auto d = decode(c);
        EXPECT_EQ(d.ec, errc::name_value_truncated);
        EXPECT_TRUE(d.visited.empty());
    }
}

TEST(name_value, error_code_belongs_to_the_fcgi_category) {
    const std::error_code ec = errc::name_value_truncated;
    EXPECT_STREQ(ec.category().name(), "fcgi");
    EXPECT_EQ(ec.message(), "name-value length points past the end of the stream");
}

}  // namespace
}  // namespace isapi_fcgi::fcgi
