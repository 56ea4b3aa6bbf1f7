#include "fcgi/record_parser.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fcgi/errc.hpp"
#include "wire.hpp"

namespace isapi_fcgi::fcgi {
namespace {

// What a parser made of a stream. Content pieces are joined because their number depends on
// how the stream was sliced; everything else must not.
struct parse_log {
    std::vector<std::string> events;
    std::error_code ec;
    bool mid_record = false;

    friend bool operator==(const parse_log&, const parse_log&) = default;
};

std::ostream& operator<<(std::ostream& os, const parse_log& log) {
    for (const auto& e : log.events) os << e << " | ";
    return os << "ec=" << log.ec.message() << " mid=" << log.mid_record;
}

class driver {
public:
    /// Feeds one slice: runs the parser until it asks for more, checking progress on the way.
    void feed(std::span<const std::byte> input) {
        while (!log_.ec) {
            const auto step = parser_.next(input, log_.ec);
            ASSERT_LE(step.consumed, input.size());
            if (log_.ec) break;
            input = input.subspan(step.consumed);
            switch (step.what) {
            case record_parser::event::need_more:
                if (input.empty()) return;
                FAIL() << "need_more with input left";
            case record_parser::event::header: {
                const auto& h = parser_.header();
                log_.events.push_back("header t=" + std::to_string(h.type) +
                                      " id=" + std::to_string(h.request_id) +
                                      " len=" + std::to_string(h.content_length) +
                                      " pad=" + std::to_string(h.padding_length));
                break;
            }
            case record_parser::event::content:
                ASSERT_FALSE(step.content.empty());
                ASSERT_EQ(step.content.size(), step.consumed);
                if (log_.events.empty() || log_.events.back().rfind("content ", 0) != 0)
                    log_.events.emplace_back("content ");
                log_.events.back() += wire::text(step.content);
                break;
            case record_parser::event::end_of_record: log_.events.emplace_back("end"); break;
            }
        }
    }

    parse_log finish() {
        log_.mid_record = parser_.mid_record();
        return log_;
    }

    const record_parser& parser() const { return parser_; }

private:
    record_parser parser_;
    parse_log log_;
};

parse_log parse_in_slices(std::string_view stream, const std::vector<std::size_t>& cuts) {
    driver d;
    std::size_t at = 0;
    for (std::size_t cut : cuts) {
        d.feed(wire::bytes(stream.substr(at, cut - at)));
        at = cut;
    }
    d.feed(wire::bytes(stream.substr(at)));
    return d.finish();
}

/// Beast's parsegrind: the stream split into two slices at every point, and byte by byte,
/// must give exactly the events of one whole feed.
parse_log grind(std::string_view stream) {
    const auto whole = parse_in_slices(stream, {});
    for (std::size_t i = 0; i <= stream.size(); ++i) {
        const auto split = parse_in_slices(stream, {i});
        EXPECT_EQ(split, whole) << "split at " << i;
        if (split != whole) break;
    }
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < stream.size(); ++i) every.push_back(i);
    EXPECT_EQ(parse_in_slices(stream, every), whole) << "byte by byte";
    return whole;
}

std::string h(unsigned type, unsigned id, std::size_t len, unsigned pad) {
    return "header t=" + std::to_string(type) + " id=" + std::to_string(id) +
           " len=" + std::to_string(len) + " pad=" + std::to_string(pad);
}

TEST(record_parser, one_record) {
    const auto log = grind(wire::record(wire::stdin_type, 1, "hello", 3));
    EXPECT_EQ(log.events, (std::vector<std::string>{h(5, 1, 5, 3), "content hello", "end"}));
    EXPECT_FALSE(log.ec);
    EXPECT_FALSE(log.mid_record);
}

TEST(record_parser, zero_length_records) {
    const auto log =
        grind(wire::record(wire::params_type, 1, {}) + wire::record(wire::stdin_type, 2, {}, 5) +
              wire::record(wire::params_type, 3, {}));
    EXPECT_EQ(log.events, (std::vector<std::string>{h(4, 1, 0, 0), "end", h(5, 2, 0, 5), "end",
                                                    h(4, 3, 0, 0), "end"}));
    EXPECT_FALSE(log.mid_record);
}

TEST(record_parser, every_padding_length_is_skipped) {
    for (unsigned pad = 0; pad <= 255; ++pad) {
        const std::string stream = wire::record(wire::stdin_type, 7, "abc", pad) +
                                   wire::record(wire::stdin_type, 7, "Z", pad) +
                                   wire::record(wire::params_type, 7, {}, pad);
        const std::vector<std::string> expected = {h(5, 7, 3, pad), "content abc", "end",
                                                   h(5, 7, 1, pad), "content Z",   "end",
                                                   h(4, 7, 0, pad), "end"};
        EXPECT_EQ(parse_in_slices(stream, {}).events, expected) << "pad " << pad;
        std::vector<std::size_t> every;
        for (std::size_t i = 1; i < stream.size(); ++i) every.push_back(i);
        EXPECT_EQ(parse_in_slices(stream, every).events, expected)
            << "pad " << pad << " byte by byte";
    }
}

TEST(record_parser, mixed_stream_grinds) {
    std::string body(3000, '\0');
    for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>(i * 7);
    const std::string stream =
        wire::begin_request(1, 1, 1) + wire::params(1, wire::pair("A", "b"), 6) +
        wire::params(1, {}) + wire::stdin_record(1, body, 255) + wire::record(200, 0, "??", 1) +
        wire::stdin_record(1, {}) +
        wire::record(wire::get_values_type, 0, wire::pair("FCGI_MAX_REQS", ""));
    const auto log = grind(stream);
    EXPECT_FALSE(log.ec);
    EXPECT_FALSE(log.mid_record);
    ASSERT_EQ(log.events.size(), 19u);
    EXPECT_EQ(log.events[9], "content " + body);
    EXPECT_EQ(log.events[11], h(200, 0, 2, 1));
}

TEST(record_parser, maximum_content_and_padding) {
    const std::string content(65535, 'm');
    const std::string stream =
        wire::record(wire::stdin_type, 0xffff, content, 255) + wire::stdin_record(1, "x");
    const std::vector<std::string> expected = {
        h(5, 0xffff, 65535, 255), "content " + content, "end", h(5, 1, 1, 0), "content x", "end"};
    EXPECT_EQ(parse_in_slices(stream, {}).events, expected);
    EXPECT_EQ(parse_in_slices(stream, {1, 8, 9, 65542, 65543, 65797}).events, expected);
    EXPECT_EQ(parse_in_slices(stream, {65543 + 254}).events, expected);
}

TEST(record_parser, content_is_a_view_into_the_input) {
    const std::string stream = wire::stdin_record(1, "payload");
    record_parser p;
    std::error_code ec;
    auto input = wire::bytes(stream);
    auto step = p.next(input, ec);
    ASSERT_EQ(step.what, record_parser::event::header);
    input = input.subspan(step.consumed);
    step = p.next(input, ec);
    ASSERT_EQ(step.what, record_parser::event::content);
    EXPECT_EQ(step.content.data(), input.data());
    EXPECT_EQ(step.content.size(), 7u);
}

TEST(record_parser, bad_version_is_an_error) {
    for (unsigned version : {0u, 2u, 255u}) {
        const std::string stream =
            wire::stdin_record(1, "ok") + wire::record(wire::stdin_type, 1, "x", 0, version);
        const auto whole = parse_in_slices(stream, {});
        EXPECT_EQ(whole.ec, errc::bad_version);
        EXPECT_EQ(whole.events, (std::vector<std::string>{h(5, 1, 2, 0), "content ok", "end"}));
        for (std::size_t i = 0; i <= stream.size(); ++i)
            EXPECT_EQ(parse_in_slices(stream, {i}), whole);
    }
}

TEST(record_parser, mid_record_tracks_record_boundaries) {
    const std::string stream =
        wire::record(wire::stdin_type, 1, "abcd", 2) + wire::record(wire::params_type, 1, {});
    driver d;
    EXPECT_FALSE(d.parser().mid_record());
    // Every strict prefix that is not a record boundary leaves the parser mid-record.
    for (std::size_t i = 0; i < stream.size(); ++i) {
        d.feed(wire::bytes(stream.substr(i, 1)));
        const std::size_t fed = i + 1;
        const bool at_boundary = fed == 14 || fed == stream.size();
        EXPECT_EQ(d.parser().mid_record(), !at_boundary) << "after " << fed << " bytes";
    }
}

TEST(record_parser, empty_input_asks_for_more) {
    record_parser p;
    std::error_code ec;
    const auto step = p.next({}, ec);
    EXPECT_FALSE(ec);
    EXPECT_EQ(step.what, record_parser::event::need_more);
    EXPECT_EQ(step.consumed, 0u);
    EXPECT_FALSE(p.mid_record());
}

}  // namespace
}  // namespace isapi_fcgi::fcgi
