#include "fcgi/record_writer.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <map>
#include <utility>
#include <vector>

#include "fcgi/name_value.hpp"
#include "wire.hpp"

namespace isapi_fcgi::fcgi {
namespace {

using namespace std::string_literals;

std::string as_string(std::span<const std::byte> b) { return wire::text(b); }

param_set query_of(std::initializer_list<std::string_view> names) {
    std::string stream;
    for (auto n : names) stream += wire::pair(n, {});
    param_set q;
    EXPECT_FALSE(param_set::parse(stream, q));
    return q;
}

auto lookup_in(std::map<std::string, std::string, std::less<>> values) {
    return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
        auto it = values.find(name);
        if (it == values.end()) return std::nullopt;
        return it->second;
    };
}

TEST(record_writer, end_request_complete_is_golden) {
    const auto r = encode_end_request(1, 0, protocol_status::request_complete);
    EXPECT_EQ(as_string(r),
              "\x01\x03\x00\x01\x00\x08\x00\x00"
              "\x00\x00\x00\x00\x00\x00\x00\x00"s);
}

TEST(record_writer, end_request_carries_app_status_and_protocol_status) {
    const auto r = encode_end_request(0xbeef, 0x01020304, protocol_status::unknown_role);
    EXPECT_EQ(as_string(r),
              "\x01\x03\xbe\xef\x00\x08\x00\x00"
              "\x01\x02\x03\x04\x03\x00\x00\x00"s);
    const auto o = encode_end_request(0xffff, 0xffffffff, protocol_status::overloaded);
    EXPECT_EQ(as_string(o),
              "\x01\x03\xff\xff\x00\x08\x00\x00"
              "\xff\xff\xff\xff\x02\x00\x00\x00"s);
    const auto c = encode_end_request(2, 0, protocol_status::cant_mpx_conn);
    EXPECT_EQ(as_string(c).substr(8), "\x00\x00\x00\x00\x01\x00\x00\x00"s);
}

TEST(record_writer, unknown_type_is_golden) {
    EXPECT_EQ(as_string(encode_unknown_type(42)),
              "\x01\x0b\x00\x00\x00\x08\x00\x00"
              "\x2a\x00\x00\x00\x00\x00\x00\x00"s);
    EXPECT_EQ(as_string(encode_unknown_type(255)).substr(8), "\xff\x00\x00\x00\x00\x00\x00\x00"s);
}

TEST(record_writer, get_values_result_is_golden_and_omits_unknown_names) {
    const auto q = query_of({"FCGI_MAX_CONNS", "BOGUS", "FCGI_MAX_REQS", "FCGI_MPXS_CONNS"});
    const auto out = encode_get_values_result(
        q,
        lookup_in({{"FCGI_MAX_CONNS", "10"}, {"FCGI_MAX_REQS", "50"}, {"FCGI_MPXS_CONNS", "1"}}));
    // 18 + 17 + 18 = 53 content bytes (0x35), padded by 3 to 56.
    EXPECT_EQ(out,
              "\x01\x0a\x00\x00\x00\x35\x03\x00"
              "\x0e\x02"
              "FCGI_MAX_CONNS"
              "10"
              "\x0d\x02"
              "FCGI_MAX_REQS"
              "50"
              "\x0f\x01"
              "FCGI_MPXS_CONNS"
              "1"
              "\x00\x00\x00"s);
}

TEST(record_writer, get_values_result_for_nothing_known_is_an_empty_record) {
    const std::string empty_record = "\x01\x0a\x00\x00\x00\x00\x00\x00"s;
    EXPECT_EQ(encode_get_values_result(query_of({}), lookup_in({})), empty_record);
    EXPECT_EQ(encode_get_values_result(query_of({"A", "B"}), lookup_in({{"C", "1"}})),
              empty_record);
}

TEST(record_writer, get_values_result_pads_every_length_to_eight) {
    for (std::size_t n = 0; n < 16; ++n) {
        const auto out =
            encode_get_values_result(query_of({"K"}), lookup_in({{"K", std::string(n, 'v')}}));
        const std::size_t content = 3 + n;
        EXPECT_EQ(out.size() % 8, 0u);
        EXPECT_EQ(out.size(), 8 + content + (8 - content % 8) % 8);
        EXPECT_EQ(static_cast<unsigned char>(out[6]), (8 - content % 8) % 8);
        EXPECT_EQ(out.substr(8, 3 + n), wire::pair("K", std::string(n, 'v')));
    }
}

TEST(record_writer, get_values_result_stops_before_exceeding_one_record) {
    const std::string big(30000, 'x');
    const auto q = query_of({"FCGI_MAX_CONNS", "FCGI_MAX_REQS", "FCGI_MPXS_CONNS"});
    const auto out = encode_get_values_result(
        q, lookup_in({{"FCGI_MAX_CONNS", big}, {"FCGI_MAX_REQS", big}, {"FCGI_MPXS_CONNS", big}}));
    const std::size_t content =
        static_cast<unsigned char>(out[4]) << 8 | static_cast<unsigned char>(out[5]);
    EXPECT_LE(content, max_content_length);
    EXPECT_EQ(out.size(), 8 + content + static_cast<unsigned char>(out[6]));
    std::vector<std::string> names;
    EXPECT_FALSE(for_each_pair(std::string_view(out).substr(8, content),
                               [&](std::string_view n, std::string_view v) {
                                   names.emplace_back(n);
                                   EXPECT_EQ(v, big);
                               }));
    EXPECT_EQ(names, (std::vector<std::string>{"FCGI_MAX_CONNS", "FCGI_MAX_REQS"}));
}

std::vector<std::pair<std::size_t, std::size_t>> chunks_of(std::size_t total) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    for_each_record_chunk(
        total, [&](std::size_t offset, std::size_t length) { out.emplace_back(offset, length); });
    return out;
}

TEST(record_writer, record_chunks) {
    using chunks = std::vector<std::pair<std::size_t, std::size_t>>;
    EXPECT_EQ(chunks_of(0), chunks{});
    EXPECT_EQ(chunks_of(1), (chunks{{0, 1}}));
    EXPECT_EQ(chunks_of(65535), (chunks{{0, 65535}}));
    EXPECT_EQ(chunks_of(65536), (chunks{{0, 65535}, {65535, 1}}));
    EXPECT_EQ(chunks_of(200000),
              (chunks{{0, 65535}, {65535, 65535}, {131070, 65535}, {196605, 3395}}));
}

}  // namespace
}  // namespace isapi_fcgi::fcgi
