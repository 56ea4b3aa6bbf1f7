#include "fcgi/param_set.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <memory>
#include <utility>
#include <vector>

#include "fcgi/errc.hpp"
#include "wire.hpp"

namespace isapi_fcgi::fcgi {
namespace {

using namespace std::string_literals;
using pairs = std::vector<std::pair<std::string, std::string>>;

param_set parsed(const pairs& input) {
    std::string stream;
    for (const auto& [n, v] : input) stream += wire::pair(n, v);
    param_set out;
    const auto ec = param_set::parse(stream, out);
    EXPECT_FALSE(ec) << ec.message();
    return out;
}

pairs in_order(const param_set& p) {
    pairs out;
    for (std::size_t i = 0; i < p.size(); ++i) out.emplace_back(p[i].name, p[i].value);
    return out;
}

TEST(param_set, lookup_finds_present_names_only) {
    const auto p =
        parsed({{"REQUEST_METHOD", "GET"}, {"SCRIPT_NAME", "/a.dll"}, {"QUERY_STRING", "x=1"}});
    EXPECT_EQ(p.find("REQUEST_METHOD"), "GET");
    EXPECT_EQ(p.find("SCRIPT_NAME"), "/a.dll");
    EXPECT_EQ(p.find("QUERY_STRING"), "x=1");
    EXPECT_EQ(p.find("PATH_INFO"), std::nullopt);
    EXPECT_EQ(p.find("request_method"), std::nullopt);  // names are case-sensitive
    EXPECT_EQ(p.find("REQUEST_METHO"), std::nullopt);
    EXPECT_EQ(p.get("PATH_INFO", "fallback"), "fallback");
    EXPECT_EQ(p.get("REQUEST_METHOD", "fallback"), "GET");
}

TEST(param_set, iteration_keeps_arrival_order) {
    const pairs input = {{"Z", "1"}, {"A", "2"}, {"M", "3"}, {"B", "4"}};
    const auto p = parsed(input);
    EXPECT_EQ(p.size(), 4u);
    EXPECT_EQ(in_order(p), input);
}

TEST(param_set, empty_stream_gives_an_empty_set) {
    param_set p;
    EXPECT_FALSE(param_set::parse({}, p));
    EXPECT_TRUE(p.empty());
    EXPECT_EQ(p.find(""), std::nullopt);
}

TEST(param_set, empty_values_are_present_not_missing) {
    const auto p = parsed({{"CONTENT_LENGTH", ""}, {"", "nameless"}});
    EXPECT_EQ(p.find("CONTENT_LENGTH"), "");
    EXPECT_EQ(p.find(""), "nameless");
    EXPECT_EQ(p.get("CONTENT_LENGTH", "fallback"), "");
}

TEST(param_set, duplicates_merge_with_comma_in_first_position) {
    const auto p =
        parsed({{"HTTP_ACCEPT", "text/html"}, {"X", "x"}, {"HTTP_ACCEPT", "*/*"}, {"Y", "y"}});
    EXPECT_EQ(in_order(p), (pairs{{"HTTP_ACCEPT", "text/html, */*"}, {"X", "x"}, {"Y", "y"}}));
    EXPECT_EQ(p.find("HTTP_ACCEPT"), "text/html, */*");
}

TEST(param_set, cookie_duplicates_merge_with_semicolon) {
    const auto p = parsed({{"HTTP_COOKIE", "a=1"},
                           {"HTTP_ACCEPT", "x"},
                           {"HTTP_COOKIE", "b=2"},
                           {"HTTP_COOKIE", "c=3"}});
    EXPECT_EQ(p.find("HTTP_COOKIE"), "a=1; b=2; c=3");
    EXPECT_EQ(in_order(p), (pairs{{"HTTP_COOKIE", "a=1; b=2; c=3"}, {"HTTP_ACCEPT", "x"}}));
}

TEST(param_set, several_duplicate_groups_all_merge) {
    const auto p = parsed({{"B", "1"}, {"A", "1"}, {"B", "2"}, {"C", "c"}, {"A", "2"}, {"B", "3"}});
    EXPECT_EQ(in_order(p), (pairs{{"B", "1, 2, 3"}, {"A", "1, 2"}, {"C", "c"}}));
    EXPECT_EQ(p.find("A"), "1, 2");
    EXPECT_EQ(p.find("B"), "1, 2, 3");
    EXPECT_EQ(p.find("C"), "c");
}

TEST(param_set, many_duplicates) {
    pairs input;
    std::string expected;
    for (int i = 0; i < 1000; ++i) {
        input.emplace_back("HTTP_X_FORWARDED_FOR", std::to_string(i));
        if (i) expected += ", ";
        expected += std::to_string(i);
        input.emplace_back("N" + std::to_string(i), "v");
    }
    const auto p = parsed(input);
    EXPECT_EQ(p.size(), 1001u);
    EXPECT_EQ(p[0].name, "HTTP_X_FORWARDED_FOR");
    EXPECT_EQ(p[0].value, expected);
    EXPECT_EQ(p[1].name, "N0");
    EXPECT_EQ(p[1000].name, "N999");
    EXPECT_EQ(p.find("N500"), "v");
}

TEST(param_set, duplicate_empty_values_still_join) {
    const auto p = parsed({{"A", ""}, {"A", ""}, {"HTTP_COOKIE", ""}, {"HTTP_COOKIE", "z"}});
    EXPECT_EQ(p.find("A"), ", ");
    EXPECT_EQ(p.find("HTTP_COOKIE"), "; z");
}

TEST(param_set, binary_bytes_survive) {
    const std::string value = "\0\x01\xff\r\n=;, \x80"s;
    const std::string name = "B\0N"s;
    const auto p = parsed({{name, value}, {"B", "plain"}});
    EXPECT_EQ(p.find(name), value);
    EXPECT_EQ(p.find("B"), "plain");
    EXPECT_EQ(p.find("B\0"s), std::nullopt);
}

TEST(param_set, a_copy_outlives_the_original) {
    auto original = std::make_unique<param_set>(parsed({{"A", "1"}, {"A", "2"}, {"SHORT", "s"}}));
    const param_set copy = *original;
    original.reset();
    EXPECT_EQ(copy.find("A"), "1, 2");
    EXPECT_EQ(copy.find("SHORT"), "s");
}

TEST(param_set, truncated_stream_fails_and_leaves_the_set_empty) {
    param_set p = parsed({{"OLD", "value"}});
    const std::string stream = wire::pair("A", "1") +
                               "\x05\x01"
                               "abc"s;
    EXPECT_EQ(param_set::parse(stream, p), errc::name_value_truncated);
    EXPECT_TRUE(p.empty());
    EXPECT_EQ(p.find("A"), std::nullopt);
    EXPECT_EQ(p.find("OLD"), std::nullopt);
}

// Tiny pairs overflow the first pass's guess of how many pairs there are; the truncated pair
// after them must still fail the parse (the fuzzer found it succeeding).
TEST(param_set, truncated_stream_after_many_tiny_pairs_fails_and_leaves_the_set_empty) {
    std::string stream;
    for (int i = 0; i < 40; ++i) stream += wire::pair("", "");
    stream += "\x05\x4e"
              "NAMEval"s;
    param_set p = parsed({{"OLD", "value"}});
    EXPECT_EQ(param_set::parse(stream, p), errc::name_value_truncated);
    EXPECT_TRUE(p.empty());
    EXPECT_EQ(p.find("OLD"), std::nullopt);
}

TEST(param_set, memory_bytes_covers_the_raw_stream) {
    std::string stream;
    for (int i = 0; i < 50; ++i)
        stream += wire::pair("NAME" + std::to_string(i), std::string(40, 'v'));
    param_set p;
    ASSERT_FALSE(param_set::parse(stream, p));
    EXPECT_GE(p.memory_bytes(), stream.size() + 50 * 2 * sizeof(std::uint32_t));
}

TEST(param_set, index_tells_apart_names_sharing_hash_words) {
    // Names of 7, 8, 9, 16 and 17 bytes that agree on their first words: the index hashes whole
    // 8-byte words plus a tail, so each of these must still be found by itself alone.
    const pairs input = {{"ABCDEFG", "7"},          {"ABCDEFGH", "8"},          {"ABCDEFGHI", "9"},
                         {"ABCDEFGHIJKLMNOP", "16"}, {"ABCDEFGHIJKLMNOPQ", "17"}, {"ABCDEFGHIJKLMNOQ", "16b"}};
    const auto p = parsed(input);
    EXPECT_EQ(in_order(p), input);
    for (const auto& [name, value] : input) EXPECT_EQ(p.find(name), value) << name;
    EXPECT_EQ(p.find("ABCDEFGHIJKLMNOPQR"), std::nullopt);
    EXPECT_EQ(p.find("ABCDEFGHIJKLMNO"), std::nullopt);
    EXPECT_EQ(p.find("ABCDEFGHIJ"), std::nullopt);
}

TEST(param_set, index_finds_every_name_of_a_large_set) {
    // Enough names to grow the index several times, so probing wraps around its end.
    pairs input;
    for (int i = 0; i < 3000; ++i) input.emplace_back("HTTP_X_" + std::to_string(i * 7919), std::to_string(i));
    const auto p = parsed(input);
    ASSERT_EQ(p.size(), input.size());
    for (const auto& [name, value] : input) ASSERT_EQ(p.find(name), value) << name;
    EXPECT_EQ(p.find("HTTP_X_1"), std::nullopt);
}

TEST(param_set, duplicates_interleaved_with_many_names_merge_once_each) {
    pairs input;
    for (int i = 0; i < 100; ++i) {
        input.emplace_back("N" + std::to_string(i), "a");
        input.emplace_back("N" + std::to_string(i % 10), "b" + std::to_string(i));
    }
    const auto p = parsed(input);
    ASSERT_EQ(p.size(), 100u);
    // N3 arrived first as "a", then as b3, b13 (as a duplicate name of its own), ...
    std::string expected_n3 = "a";
    for (int i = 0; i < 100; ++i) {
        if (i == 3) expected_n3 += ", b3";
        if (i % 10 == 3 && i != 3) expected_n3 += ", b" + std::to_string(i);
    }
    EXPECT_EQ(p.find("N3"), expected_n3);
    EXPECT_EQ(p.find("N57"), "a");
    EXPECT_EQ(p[0].name, "N0");
    EXPECT_EQ(p[99].name, "N99");
}

TEST(param_set, reparsing_into_a_used_set_replaces_everything) {
    param_set p = parsed({{"A", "1"}, {"A", "2"}, {"B", "b"}});
    ASSERT_FALSE(param_set::parse(wire::pair("C", "c") + wire::pair("A", "3"), p));
    EXPECT_EQ(in_order(p), (pairs{{"C", "c"}, {"A", "3"}}));
    EXPECT_EQ(p.find("B"), std::nullopt);
}

TEST(param_set, a_default_set_finds_nothing) {
    const param_set p;
    EXPECT_EQ(p.find("A"), std::nullopt);
    EXPECT_EQ(p.get("A", "f"), "f");
}

TEST(param_set, a_literal_name_is_hashed_at_compile_time_as_a_run_time_name) {
    // A literal takes the precomputed-hash path, a string the run-time one: both must land on the
    // same slot for every length class of the hash (under 4, under 8, 8, over 8, over 16 bytes).
    static_assert(param_name("REQUEST_METHOD").hash() == detail::hash_name("REQUEST_METHOD"));
    static_assert(param_name("A").name() == "A");
    const pairs input = {{"", "empty"}, {"A", "1"}, {"ABC", "3"}, {"ABCDE", "5"}, {"ABCDEFGH", "8"},
                         {"REQUEST_METHOD", "GET"}, {"HTTP_ACCEPT_LANGUAGE", "en"}};
    const auto p = parsed(input);
    EXPECT_EQ(p.find(""), "empty");
    EXPECT_EQ(p.find("A"), "1");
    EXPECT_EQ(p.find("ABC"), "3");
    EXPECT_EQ(p.find("ABCDE"), "5");
    EXPECT_EQ(p.find("ABCDEFGH"), "8");
    EXPECT_EQ(p.find("REQUEST_METHOD"), "GET");
    EXPECT_EQ(p.get("HTTP_ACCEPT_LANGUAGE"), "en");
    EXPECT_EQ(p.find("ABCD"), std::nullopt);
    EXPECT_EQ(p.get("request_method", "none"), "none");  // case-sensitive, as before
    for (const auto& [name, value] : input) {
        EXPECT_EQ(p.find(name), value) << name;
        EXPECT_EQ(p.find(std::string_view(name)), value) << name;
        EXPECT_EQ(p.get(name.c_str()), value) << name;
    }
}

TEST(param_set, a_literal_finds_a_merged_duplicate) {
    const auto p = parsed({{"HTTP_COOKIE", "a=1"}, {"HTTP_X", "x"}, {"HTTP_COOKIE", "b=2"}});
    EXPECT_EQ(p.find("HTTP_COOKIE"), "a=1; b=2");
    EXPECT_EQ(p.find(std::string("HTTP_COOKIE")), "a=1; b=2");
    EXPECT_EQ(p.get("HTTP_X"), "x");
}

}  // namespace
}  // namespace isapi_fcgi::fcgi
