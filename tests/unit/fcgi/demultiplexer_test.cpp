#include "fcgi/demultiplexer.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "fcgi/errc.hpp"
#include "wire.hpp"

namespace isapi_fcgi::fcgi {
namespace {

using namespace std::string_literals;
using log_lines = std::vector<std::string>;

/// Called after each event is logged, with the event's id and kind ("begin", "params",
/// "stdin_end", ...): the place where a test plays the application and ends requests.
using policy = std::function<void(demultiplexer&, std::uint16_t id, std::string_view kind)>;

const char* reason_name(discard_reason r) {
    switch (r) {
    case discard_reason::ended_request: return "ended_request";
    case discard_reason::unknown_request: return "unknown_request";
    case discard_reason::unexpected_type: return "unexpected_type";
    case discard_reason::after_end_of_stream: return "after_end_of_stream";
    }
    return "?";
}

/// Logs every event as one line. STDIN pieces of one run are joined, since how many there are
/// depends on how the input was sliced.
class recorder final : public demux_handler {
public:
    recorder(demultiplexer*& demux, policy hook) : demux_(demux), hook_(std::move(hook)) {}

    log_lines lines;
    bool takes_authorizer = false;

    bool on_begin_authorizer(std::uint16_t id, bool keep_conn) override {
        if (!takes_authorizer) return false;
        add(id, "authorizer", std::to_string(id) + (keep_conn ? " keep" : " close"));
        return true;
    }

    void on_begin_request(std::uint16_t id, bool keep_conn) override {
        add(id, "begin", std::to_string(id) + (keep_conn ? " keep" : " close"));
    }
    void on_unsupported_role(std::uint16_t id, std::uint16_t role, bool keep_conn) override {
        add(id, "role",
            std::to_string(id) + " " + std::to_string(role) + (keep_conn ? " keep" : " close"));
    }
    void on_params(std::uint16_t id, param_set params) override {
        std::string line = std::to_string(id);
        for (std::size_t i = 0; i < params.size(); ++i)
            line += " " + std::string(params[i].name) + "=" + std::string(params[i].value);
        add(id, "params", line);
    }
    void on_params_too_large(std::uint16_t id) override {
        add(id, "too_large", std::to_string(id));
    }
    void on_stdin(std::uint16_t id, std::span<const std::byte> data) override {
        if (data.empty()) return add(id, "stdin_end", std::to_string(id));
        const std::string prefix = "stdin " + std::to_string(id) + " ";
        if (!lines.empty() && lines.back().rfind(prefix, 0) == 0 && last_was_stdin_data_) {
            lines.back() += wire::text(data);
        } else {
            lines.push_back(prefix + wire::text(data));
        }
        last_was_stdin_data_ = true;
        if (hook_) hook_(*demux_, id, "stdin");
    }
    void on_abort_request(std::uint16_t id) override { add(id, "abort", std::to_string(id)); }
    void on_get_values(const param_set& query) override {
        std::string line;
        for (std::size_t i = 0; i < query.size(); ++i)
            line += (i ? "," : "") + std::string(query[i].name) + "=" + std::string(query[i].value);
        add(0, "get_values", line);
    }
    void on_unknown_type(std::uint8_t type) override {
        add(0, "unknown_type", std::to_string(type));
    }
    void on_discarded(const record_header& h, discard_reason reason) override {
        add(h.request_id, "discard",
            "t=" + std::to_string(h.type) + " id=" + std::to_string(h.request_id) + " " +
                reason_name(reason));
    }

private:
    void add(std::uint16_t id, std::string_view kind, const std::string& detail) {
        lines.push_back(std::string(kind) + " " + detail);
        last_was_stdin_data_ = false;
        if (hook_) hook_(*demux_, id, kind);
    }

    demultiplexer*& demux_;
    policy hook_;
    bool last_was_stdin_data_ = false;
};

struct outcome {
    log_lines lines;
    std::error_code ec;
    bool mid_record = false;
    std::size_t active = 0;
    friend bool operator==(const outcome&, const outcome&) = default;
};

std::ostream& operator<<(std::ostream& os, const outcome& o) {
    for (const auto& l : o.lines) os << "\n  " << (l.size() > 200 ? l.substr(0, 200) + "..." : l);
    return os << "\n  ec=" << o.ec.message() << " mid=" << o.mid_record << " active=" << o.active;
}

outcome run(std::string_view stream, const std::vector<std::size_t>& cuts, const policy& hook = {},
            demux_limits limits = {}, bool takes_authorizer = false) {
    demultiplexer* demux_ptr = nullptr;
    recorder rec(demux_ptr, hook);
    rec.takes_authorizer = takes_authorizer;
    demultiplexer demux(limits, rec);
    demux_ptr = &demux;
    outcome out;
    std::size_t at = 0;
    auto feed = [&](std::size_t end) {
        if (!out.ec) out.ec = demux.feed(wire::bytes(stream.substr(at, end - at)));
        at = end;
    };
    for (std::size_t cut : cuts) feed(cut);
    feed(stream.size());
    out.lines = std::move(rec.lines);
    out.mid_record = demux.mid_record();
    out.active = demux.active_requests();
    return out;
}

/// Every split into two slices, and byte by byte, must give the events of one whole feed.
outcome grind(std::string_view stream, const policy& hook = {}, demux_limits limits = {}) {
    const auto whole = run(stream, {}, hook, limits);
    for (std::size_t i = 0; i <= stream.size(); ++i) {
        const auto split = run(stream, {i}, hook, limits);
        EXPECT_EQ(split, whole) << "split at " << i;
        if (split != whole) break;
    }
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < stream.size(); ++i) every.push_back(i);
    EXPECT_EQ(run(stream, every, hook, limits), whole) << "byte by byte";
    return whole;
}

/// The application of a real engine: a request ends when its body has been read, or when the
/// demultiplexer says it must be answered at once.
policy end_when_answered() {
    return [](demultiplexer& d, std::uint16_t id, std::string_view kind) {
        if (kind == "stdin_end" || kind == "too_large" || kind == "role") d.request_ended(id);
    };
}

policy end_on(std::string_view at_kind) {
    return [at_kind](demultiplexer& d, std::uint16_t id, std::string_view kind) {
        if (kind == at_kind) d.request_ended(id);
    };
}

std::string pairs_of(std::initializer_list<std::pair<std::string_view, std::string_view>> list) {
    std::string out;
    for (const auto& [n, v] : list) out += wire::pair(n, v);
    return out;
}

constexpr unsigned keep = 1;

// --- the normal flow ---------------------------------------------------------------------------

TEST(demultiplexer, responder_request_with_params_straddling_records) {
    const std::string params = pairs_of({{"REQUEST_METHOD", "POST"},
                                         {"SCRIPT_NAME", "/x.dll"},
                                         {"LONG", std::string(300, 'L')},
                                         {"CONTENT_LENGTH", "11"}});
    const std::string stream = wire::begin_request(1, 1, keep) + wire::params_stream(1, params, 7) +
                               wire::stdin_record(1, "hello ") + wire::stdin_record(1, "world", 3) +
                               wire::stdin_record(1, {});
    const auto out = grind(stream);
    EXPECT_FALSE(out.ec);
    EXPECT_FALSE(out.mid_record);
    EXPECT_EQ(out.active, 1u);  // nobody ended it
    EXPECT_EQ(out.lines, (log_lines{"begin 1 keep",
                                    "params 1 REQUEST_METHOD=POST SCRIPT_NAME=/x.dll LONG=" +
                                        std::string(300, 'L') + " CONTENT_LENGTH=11",
                                    "stdin 1 hello world", "stdin_end 1"}));
}

TEST(demultiplexer, many_params_records_of_one_byte) {
    std::string params;
    std::string expected = "params 9";
    for (int i = 0; i < 8; ++i) {  // about 120 records: enough, and the grind is quadratic
        const std::string name = "N" + std::to_string(i);
        const std::string value(static_cast<std::size_t>(i) * 3, 'v');
        params += wire::pair(name, value);
        expected += " " + name + "=" + value;
    }
    const auto out = grind(wire::begin_request(9) + wire::params_stream(9, params, 1, 7) +
                           wire::stdin_record(9, {}));
    EXPECT_FALSE(out.ec);
    EXPECT_EQ(out.lines, (log_lines{"begin 9 close", expected, "stdin_end 9"}));
}

TEST(demultiplexer, one_params_record_of_65535_bytes) {
    const std::string value(65535 - (1 + 4 + 3), 'q');
    const std::string params = wire::pair("BIG", value);
    ASSERT_EQ(params.size(), 65535u);
    const std::string stream = wire::begin_request(1) + wire::params(1, params, 1) +
                               wire::params(1, {}) + wire::stdin_record(1, {});
    const log_lines expected = {"begin 1 close", "params 1 BIG=" + value, "stdin_end 1"};
    const auto whole = run(stream, {});
    EXPECT_FALSE(whole.ec);
    EXPECT_EQ(whole.lines, expected);
    for (std::size_t cut : {16u, 17u, 24u, 25u, 1000u, 65558u, 65559u, 65560u, 65567u})
        EXPECT_EQ(run(stream, {cut}), whole) << "split at " << cut;
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < stream.size(); ++i) every.push_back(i);
    EXPECT_EQ(run(stream, every), whole);
}

TEST(demultiplexer, empty_params_and_empty_body) {
    const auto out =
        grind(wire::begin_request(1) + wire::params(1, {}) + wire::stdin_record(1, {}));
    EXPECT_EQ(out.lines, (log_lines{"begin 1 close", "params 1", "stdin_end 1"}));
}

TEST(demultiplexer, keep_conn_is_bit_zero_of_the_flags) {
    const auto out = run(wire::begin_request(1, 1, 0) + wire::begin_request(2, 1, 1) +
                             wire::begin_request(3, 1, 0xff) + wire::begin_request(4, 1, 0xfe),
                         {});
    EXPECT_FALSE(out.ec);
    EXPECT_EQ(out.lines,
              (log_lines{"begin 1 close", "begin 2 keep", "begin 3 keep", "begin 4 close"}));
    EXPECT_EQ(out.active, 4u);
}

TEST(demultiplexer, multiplexed_requests_interleave) {
    const std::string p1 = pairs_of({{"SCRIPT_NAME", "/one"}, {"Q", std::string(40, '1')}});
    const std::string p3 = pairs_of({{"SCRIPT_NAME", "/three"}, {"Q", std::string(40, '3')}});
    const std::string stream =
        wire::begin_request(1, 1, keep) + wire::begin_request(3, 1, keep) +
        wire::params(3, p3.substr(0, 10)) + wire::params(1, p1.substr(0, 30), 2) +
        wire::params(1, p1.substr(30)) + wire::params(1, {}) + wire::stdin_record(1, "a1") +
        wire::params(3, p3.substr(10), 6) + wire::params(3, {}) + wire::stdin_record(3, "b3") +
        wire::stdin_record(1, "c1") + wire::stdin_record(1, {}) + wire::stdin_record(3, {});
    const auto out = grind(stream, end_when_answered());
    EXPECT_FALSE(out.ec);
    EXPECT_EQ(out.active, 0u);
    EXPECT_EQ(out.lines,
              (log_lines{"begin 1 keep", "begin 3 keep",
                         "params 1 SCRIPT_NAME=/one Q=" + std::string(40, '1'), "stdin 1 a1",
                         "params 3 SCRIPT_NAME=/three Q=" + std::string(40, '3'), "stdin 3 b3",
                         "stdin 1 c1", "stdin_end 1", "stdin_end 3"}));
}

TEST(demultiplexer, an_ended_id_can_begin_again) {
    const std::string request = wire::begin_request(1, 1, keep) +
                                wire::params(1, wire::pair("N", "1")) + wire::params(1, {}) +
                                wire::stdin_record(1, {});
    const auto out = grind(request + request, end_when_answered());
    EXPECT_FALSE(out.ec);
    EXPECT_EQ(out.lines, (log_lines{"begin 1 keep", "params 1 N=1", "stdin_end 1", "begin 1 keep",
                                    "params 1 N=1", "stdin_end 1"}));
}

TEST(demultiplexer, abort_request_reaches_the_handler) {
    const auto out =
        grind(wire::begin_request(2) + wire::params(2, {}) + wire::stdin_record(2, "par") +
                  wire::record(wire::abort_request_type, 2, {}) + wire::stdin_record(2, "tial"),
              end_on("abort"));
    EXPECT_FALSE(out.ec);
    EXPECT_EQ(out.lines, (log_lines{"begin 2 close", "params 2", "stdin 2 par", "abort 2",
                                    "discard t=5 id=2 ended_request"}));
}

TEST(demultiplexer, empty_feed_does_nothing) {
    demultiplexer* ptr = nullptr;
    recorder rec(ptr, {});
    demultiplexer demux({}, rec);
    ptr = &demux;
    EXPECT_FALSE(demux.feed({}));
    EXPECT_TRUE(rec.lines.empty());
    EXPECT_FALSE(demux.mid_record());
}

TEST(demultiplexer, mid_record_reports_a_cut_record) {
    const std::string stream = wire::begin_request(1) + wire::params(1, "abc", 5);
    const std::size_t first_end = 16;
    for (std::size_t i = 1; i < stream.size(); ++i) {
        const auto out = run(stream.substr(0, i), {});
        EXPECT_EQ(out.mid_record, i != first_end) << "after " << i << " bytes";
    }
    EXPECT_FALSE(run(stream, {}).mid_record);
}

// --- management records ------------------------------------------------------------------------

TEST(demultiplexer, get_values_reaches_the_handler) {
    const std::string query =
        pairs_of({{"FCGI_MAX_CONNS", ""}, {"FCGI_MAX_REQS", ""}, {"FCGI_MPXS_CONNS", ""}});
    const auto out =
        grind(wire::record(wire::get_values_type, 0, query, 3) + wire::begin_request(1));
    EXPECT_FALSE(out.ec);
    EXPECT_EQ(out.lines, (log_lines{"get_values FCGI_MAX_CONNS=,FCGI_MAX_REQS=,FCGI_MPXS_CONNS=",
                                    "begin 1 close"}));
}

TEST(demultiplexer, empty_get_values) {
    const auto out = run(wire::record(wire::get_values_type, 0, {}), {});
    EXPECT_EQ(out.lines, (log_lines{"get_values "}));
}

TEST(demultiplexer, get_values_between_records_of_a_request) {
    const auto out = grind(wire::begin_request(1) + wire::params(1, wire::pair("A", "1")) +
                           wire::record(wire::get_values_type, 0, wire::pair("FCGI_MAX_REQS", "")) +
                           wire::params(1, {}) + wire::stdin_record(1, {}));
    EXPECT_EQ(out.lines, (log_lines{"begin 1 close", "get_values FCGI_MAX_REQS=", "params 1 A=1",
                                    "stdin_end 1"}));
}

TEST(demultiplexer, unknown_management_types_are_reported) {
    const auto out = grind(wire::record(12, 0, {}) + wire::record(200, 0, "content", 1) +
                           wire::record(255, 7, "with an id") +
                           wire::record(wire::get_values_result_type, 0, {}) +
                           wire::record(wire::unknown_type_type, 0, "12345678"));
    EXPECT_FALSE(out.ec);
    EXPECT_EQ(out.lines, (log_lines{"unknown_type 12", "unknown_type 200", "unknown_type 255",
                                    "unknown_type 10", "unknown_type 11"}));
}

TEST(demultiplexer, get_values_with_a_request_id_is_an_error) {
    const auto out = run(wire::record(wire::get_values_type, 1, {}), {});
    EXPECT_EQ(out.ec, errc::management_with_request_id);
    EXPECT_TRUE(out.lines.empty());
}

TEST(demultiplexer, truncated_get_values_pairs_are_an_error) {
    const auto out = run(wire::record(wire::get_values_type, 0,
                                      "\x05\x00"
                                      "AB"s),
                         {});
    EXPECT_EQ(out.ec, errc::name_value_truncated);
}

// --- roles -------------------------------------------------------------------------------------

TEST(demultiplexer, other_roles_are_unsupported) {
    const auto out = grind(wire::begin_request(1, 2, keep) + wire::begin_request(2, 3) +
                               wire::begin_request(3, 0) + wire::begin_request(4, 0xffff, keep),
                           end_when_answered());
    EXPECT_FALSE(out.ec);
    EXPECT_EQ(out.lines, (log_lines{"role 1 2 keep", "role 2 3 close", "role 3 0 close",
                                    "role 4 65535 keep"}));
    EXPECT_EQ(out.active, 0u);
}

TEST(demultiplexer, unsupported_role_streams_never_reach_the_handler) {
    const std::string rest = wire::params(1, wire::pair("A", "b")) + wire::params(1, {}) +
                             wire::stdin_record(1, "body") + wire::stdin_record(1, {});
    // Answered later: the streams are dropped silently meanwhile.
    const auto later = grind(wire::begin_request(1, 2) + rest);
    EXPECT_FALSE(later.ec);
    EXPECT_EQ(later.lines, (log_lines{"role 1 2 close"}));
    // Answered at once: the streams belong to an ended request.
    const auto at_once = grind(wire::begin_request(1, 2) + rest, end_when_answered());
    EXPECT_FALSE(at_once.ec);
    EXPECT_EQ(at_once.lines,
              (log_lines{"role 1 2 close", "discard t=4 id=1 ended_request",
                         "discard t=4 id=1 ended_request", "discard t=5 id=1 ended_request",
                         "discard t=5 id=1 ended_request"}));
}

TEST(demultiplexer, an_accepted_authorizer_gets_its_params_and_needs_no_stdin) {
    // mod_authnz_fcgi: BEGIN_REQUEST(AUTHORIZER), PARAMS, the empty PARAMS, and no STDIN at all.
    const std::string stream = wire::begin_request(1, 2) + wire::params(1, wire::pair("REMOTE_USER", "bob")) +
                               wire::params(1, {});
    const auto refused = run(stream, {});
    EXPECT_EQ(refused.lines, (log_lines{"role 1 2 close"}));
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        const auto out = run(stream, {cut}, {}, {}, true);
        EXPECT_FALSE(out.ec);
        ASSERT_EQ(out.lines, (log_lines{"authorizer 1 close", "params 1 REMOTE_USER=bob"})) << "cut at " << cut;
        EXPECT_EQ(out.active, 1u);  // until the application answers
    }
}

// --- limits ------------------------------------------------------------------------------------

TEST(demultiplexer, params_exactly_at_the_limit_are_accepted) {
    const std::string params = wire::pair("A", std::string(95, 'x'));  // 1 + 1 + 1 + 95 = 98
    const auto out =
        run(wire::begin_request(1) + wire::params_stream(1, params, 40), {}, {}, {98, 64});
    EXPECT_EQ(out.lines, (log_lines{"begin 1 close", "params 1 A=" + std::string(95, 'x')}));
}

TEST(demultiplexer, params_over_the_limit_are_reported_once) {
    const std::string params = wire::pair("A", std::string(96, 'x'));  // 99 bytes
    const std::string stream = wire::begin_request(1) + wire::params_stream(1, params, 40) +
                               wire::stdin_record(1, "body") + wire::stdin_record(1, {});
    // Not answered at once: no params, no body, nothing after the report.
    const auto later = grind(stream, {}, {98, 64});
    EXPECT_FALSE(later.ec);
    EXPECT_EQ(later.lines, (log_lines{"begin 1 close", "too_large 1"}));
    EXPECT_EQ(later.active, 1u);
    // Answered at once: the rest of the request is discarded as ended.
    const auto at_once = grind(stream, end_when_answered(), {98, 64});
    EXPECT_FALSE(at_once.ec);
    EXPECT_EQ(at_once.lines,
              (log_lines{"begin 1 close", "too_large 1", "discard t=4 id=1 ended_request",
                         "discard t=4 id=1 ended_request", "discard t=5 id=1 ended_request",
                         "discard t=5 id=1 ended_request"}));
}

TEST(demultiplexer, params_limit_is_per_request) {
    const std::string small = wire::pair("S", "1");
    const std::string big = wire::pair("B", std::string(200, 'b'));
    const std::string stream = wire::begin_request(1) + wire::begin_request(2) +
                               wire::params(1, small) + wire::params(2, big) +
                               wire::params(1, small) + wire::params(1, {}) + wire::params(2, {}) +
                               wire::stdin_record(1, {});
    const auto out = grind(stream, {}, {100, 64});
    EXPECT_FALSE(out.ec);
    EXPECT_EQ(out.lines, (log_lines{"begin 1 close", "begin 2 close", "too_large 2",
                                    "params 1 S=1, 1", "stdin_end 1"}));
}

TEST(demultiplexer, default_limit_takes_what_nginx_can_send) {
    const std::string params = wire::pair("BIG", std::string(65535 - 8, 'q'));
    const auto out =
        run(wire::begin_request(1) + wire::params(1, params) + wire::params(1, {}), {});
    ASSERT_EQ(out.lines.size(), 2u);
    EXPECT_EQ(out.lines[1].size(), "params 1 BIG="s.size() + 65527);
}

// --- records that belong to no request ---------------------------------------------------------

TEST(demultiplexer, records_for_ended_ids_are_discarded_as_ended) {
    const std::string stream = wire::begin_request(1) + wire::params(1, {}) +
                               wire::stdin_record(1, "x") + wire::stdin_record(1, "y") +
                               wire::stdin_record(1, {}) +
                               wire::record(wire::abort_request_type, 1, {}) + wire::params(1, {});
    const auto out = grind(stream, end_on("params"));
    EXPECT_FALSE(out.ec);
    EXPECT_EQ(out.lines,
              (log_lines{"begin 1 close", "params 1", "discard t=5 id=1 ended_request",
                         "discard t=5 id=1 ended_request", "discard t=5 id=1 ended_request",
                         "discard t=2 id=1 ended_request", "discard t=4 id=1 ended_request"}));
}

TEST(demultiplexer, records_for_never_begun_ids_are_discarded_as_unknown) {
    const auto out = grind(wire::params(5, wire::pair("A", "b")) + wire::stdin_record(6, "x") +
                           wire::record(wire::abort_request_type, 7, {}) +
                           wire::record(wire::stdout_type, 8, "o"));
    EXPECT_FALSE(out.ec);
    EXPECT_EQ(out.lines,
              (log_lines{"discard t=4 id=5 unknown_request", "discard t=5 id=6 unknown_request",
                         "discard t=2 id=7 unknown_request", "discard t=6 id=8 unknown_request"}));
}

TEST(demultiplexer, only_the_most_recent_ended_ids_are_remembered) {
    std::string stream;
    for (unsigned id = 1; id <= 3; ++id) stream += wire::begin_request(id);
    stream += wire::stdin_record(1, "late") + wire::stdin_record(2, "late") +
              wire::stdin_record(3, "late");
    const policy end_all_at_third_begin = [](demultiplexer& d, std::uint16_t id,
                                             std::string_view kind) {
        if (kind == "begin" && id == 3)
            for (std::uint16_t i = 1; i <= 3; ++i) d.request_ended(i);
    };
    const auto out = run(stream, {}, end_all_at_third_begin, {64 * 1024, 2});
    EXPECT_EQ(out.lines,
              (log_lines{"begin 1 close", "begin 2 close", "begin 3 close",
                         "discard t=5 id=1 unknown_request", "discard t=5 id=2 ended_request",
                         "discard t=5 id=3 ended_request"}));
    const auto none = run(stream, {}, end_all_at_third_begin, {64 * 1024, 0});
    EXPECT_EQ(none.lines.back(), "discard t=5 id=3 unknown_request");
}

TEST(demultiplexer, types_a_web_server_never_sends_are_unexpected) {
    const auto out = grind(wire::begin_request(1) + wire::record(wire::stdout_type, 1, "out") +
                           wire::record(wire::stderr_type, 1, {}) +
                           wire::record(wire::end_request_type, 1, "12345678") +
                           wire::record(wire::data_type, 1, "d", 7) + wire::record(0, 1, {}) +
                           wire::record(wire::params_type, 1, {}));
    EXPECT_FALSE(out.ec);
    EXPECT_EQ(out.lines,
              (log_lines{"begin 1 close", "discard t=6 id=1 unexpected_type",
                         "discard t=7 id=1 unexpected_type", "discard t=3 id=1 unexpected_type",
                         "discard t=8 id=1 unexpected_type", "unknown_type 0", "params 1"}));
}

TEST(demultiplexer, streams_after_their_end_are_discarded) {
    const auto out = grind(wire::begin_request(1) + wire::params(1, {}) +
                           wire::params(1, wire::pair("L", "ate")) + wire::params(1, {}) +
                           wire::stdin_record(1, "b") + wire::stdin_record(1, {}) +
                           wire::stdin_record(1, "late") + wire::stdin_record(1, {}));
    EXPECT_FALSE(out.ec);
    EXPECT_EQ(out.lines,
              (log_lines{"begin 1 close", "params 1", "discard t=4 id=1 after_end_of_stream",
                         "discard t=4 id=1 after_end_of_stream", "stdin 1 b", "stdin_end 1",
                         "discard t=5 id=1 after_end_of_stream",
                         "discard t=5 id=1 after_end_of_stream"}));
}

// --- protocol violations -----------------------------------------------------------------------

TEST(demultiplexer, duplicate_begin_request_is_an_error) {
    const auto out = grind(wire::begin_request(1) + wire::begin_request(2) +
                           wire::begin_request(1) + wire::begin_request(3));
    EXPECT_EQ(out.ec, errc::duplicate_begin_request);
    EXPECT_EQ(out.lines, (log_lines{"begin 1 close", "begin 2 close"}));
}

TEST(demultiplexer, begin_request_of_the_wrong_length_is_an_error) {
    for (std::size_t length : {0u, 1u, 7u, 9u, 16u}) {
        const auto out =
            run(wire::record(wire::begin_request_type, 1, std::string(length, '\x01')), {});
        EXPECT_EQ(out.ec, errc::bad_record_length) << length;
        EXPECT_TRUE(out.lines.empty());
    }
}

TEST(demultiplexer, application_records_need_an_id) {
    for (unsigned type : {wire::begin_request_type, wire::abort_request_type, wire::params_type,
                          wire::stdin_type}) {
        const auto out = run(
            wire::begin_request(1) + wire::record(type, 0, type == 1 ? std::string(8, '\0') : ""),
            {});
        EXPECT_EQ(out.ec, errc::application_without_id) << type;
        EXPECT_EQ(out.lines, (log_lines{"begin 1 close"}));
    }
}

TEST(demultiplexer, stdin_before_the_end_of_params_is_an_error) {
    const std::string start = wire::begin_request(1) + wire::params(1, wire::pair("A", "b"));
    EXPECT_EQ(run(start + wire::stdin_record(1, "x"), {}).ec, errc::stdin_before_params_end);
    EXPECT_EQ(run(start + wire::stdin_record(1, {}), {}).ec, errc::stdin_before_params_end);
    const auto rejected = run(wire::begin_request(1) + wire::params(1, std::string(50, '\x01')) +
                                  wire::stdin_record(1, "x"),
                              {}, {}, {10, 64});
    EXPECT_EQ(rejected.ec, errc::stdin_before_params_end);
    EXPECT_EQ(rejected.lines, (log_lines{"begin 1 close", "too_large 1"}));
}

TEST(demultiplexer, bad_version_is_an_error) {
    const auto out = run(wire::begin_request(1) + wire::record(wire::params_type, 1, {}, 0, 2), {});
    EXPECT_EQ(out.ec, errc::bad_version);
    EXPECT_EQ(out.lines, (log_lines{"begin 1 close"}));
}

TEST(demultiplexer, truncated_params_pairs_are_an_error) {
    const auto out = run(wire::begin_request(1) +
                             wire::params(1,
                                          "\x03\x01"
                                          "AB"s) +
                             wire::params(1, {}),
                         {});
    EXPECT_EQ(out.ec, errc::name_value_truncated);
    EXPECT_EQ(out.lines, (log_lines{"begin 1 close"}));
}

// --- the handler ending requests from inside events --------------------------------------------

TEST(demultiplexer, request_ended_inside_on_begin_request) {
    const auto out = grind(wire::begin_request(1) + wire::params(1, {}), end_on("begin"));
    EXPECT_EQ(out.lines, (log_lines{"begin 1 close", "discard t=4 id=1 ended_request"}));
    EXPECT_EQ(out.active, 0u);
}

TEST(demultiplexer, request_ended_inside_on_params) {
    const auto out =
        grind(wire::begin_request(1) + wire::params(1, wire::pair("A", "1")) + wire::params(1, {}) +
                  wire::stdin_record(1, "body") + wire::stdin_record(1, {}),
              end_on("params"));
    EXPECT_FALSE(out.ec);
    EXPECT_EQ(out.lines,
              (log_lines{"begin 1 close", "params 1 A=1", "discard t=5 id=1 ended_request",
                         "discard t=5 id=1 ended_request"}));
}

TEST(demultiplexer, request_ended_inside_on_stdin) {
    const std::string stream = wire::begin_request(1) + wire::params(1, {}) +
                               wire::stdin_record(1, "abcdef") + wire::stdin_record(1, "ghi") +
                               wire::stdin_record(1, {});
    // The first piece ends the request, so the rest of that record is not delivered; how long the
    // first piece is depends on the slicing, so this is checked on one whole feed and byte by byte.
    const auto whole = run(stream, {}, end_on("stdin"));
    EXPECT_FALSE(whole.ec);
    EXPECT_EQ(
        whole.lines,
        (log_lines{"begin 1 close", "params 1", "stdin 1 abcdef", "discard t=5 id=1 ended_request",
                   "discard t=5 id=1 ended_request", "discard t=5 id=1 ended_request"}));
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < stream.size(); ++i) every.push_back(i);
    const auto bytewise = run(stream, every, end_on("stdin"));
    EXPECT_EQ(bytewise.lines,
              (log_lines{"begin 1 close", "params 1", "stdin 1 a", "discard t=5 id=1 ended_request",
                         "discard t=5 id=1 ended_request", "discard t=5 id=1 ended_request"}));
}

TEST(demultiplexer, request_ended_for_another_id) {
    const policy end_one_when_three_ends = [](demultiplexer& d, std::uint16_t id,
                                              std::string_view kind) {
        if (kind == "stdin_end" && id == 3) {
            d.request_ended(1);
            d.request_ended(3);
        }
    };
    const std::string stream = wire::begin_request(1) + wire::begin_request(3) +
                               wire::params(1, {}) + wire::params(3, {}) +
                               wire::stdin_record(3, {}) + wire::stdin_record(1, "x") +
                               wire::stdin_record(1, {});
    const auto out = grind(stream, end_one_when_three_ends);
    EXPECT_FALSE(out.ec);
    EXPECT_EQ(out.active, 0u);
    EXPECT_EQ(out.lines,
              (log_lines{"begin 1 close", "begin 3 close", "params 1", "params 3", "stdin_end 3",
                         "discard t=5 id=1 ended_request", "discard t=5 id=1 ended_request"}));
}

TEST(demultiplexer, request_ended_for_an_unknown_id_is_harmless) {
    const policy end_strangers = [](demultiplexer& d, std::uint16_t, std::string_view) {
        d.request_ended(77);
        d.request_ended(0);
    };
    const auto out = grind(wire::begin_request(1) + wire::params(1, {}) + wire::stdin_record(1, {}),
                           end_strangers);
    EXPECT_EQ(out.lines, (log_lines{"begin 1 close", "params 1", "stdin_end 1"}));
    EXPECT_EQ(out.active, 1u);
}

// --- realistic connections ---------------------------------------------------------------------

std::string nginx_params(std::string_view uri, std::string_view method, std::size_t body_length) {
    return pairs_of({{"QUERY_STRING", "a=1&b=2"},
                     {"REQUEST_METHOD", method},
                     {"CONTENT_TYPE", body_length ? "application/x-www-form-urlencoded" : ""},
                     {"CONTENT_LENGTH", body_length ? std::to_string(body_length) : ""},
                     {"SCRIPT_NAME", uri},
                     {"REQUEST_URI", uri},
                     {"DOCUMENT_URI", uri},
                     {"DOCUMENT_ROOT", "/srv/www"},
                     {"SERVER_PROTOCOL", "HTTP/1.1"},
                     {"REQUEST_SCHEME", "http"},
                     {"GATEWAY_INTERFACE", "CGI/1.1"},
                     {"SERVER_SOFTWARE", "nginx/1.22.1"},
                     {"REMOTE_ADDR", "127.0.0.1"},
                     {"REMOTE_PORT", "40522"},
                     {"SERVER_ADDR", "127.0.0.1"},
                     {"SERVER_PORT", "8080"},
                     {"SERVER_NAME", "localhost"},
                     {"SCRIPT_FILENAME", "/srv/www/app.dll"},
                     {"HTTP_HOST", "localhost:8080"},
                     {"HTTP_USER_AGENT", "curl/7.88.1"},
                     {"HTTP_ACCEPT", "*/*"},
                     {"HTTP_COOKIE", "session=abc"},
                     {"HTTP_COOKIE", "theme=dark"}});
}

TEST(demultiplexer, nginx_keep_alive_connection_grinds) {
    // nginx: id 1 always, keep_conn, all params in one padded record, body in padded records.
    const std::string body(700, 'B');
    std::string stream;
    stream += wire::begin_request(1, 1, keep) +
              wire::padded_record(wire::params_type, 1, nginx_params("/app.dll", "GET", 0)) +
              wire::params(1, {}) + wire::stdin_record(1, {});
    stream += wire::begin_request(1, 1, keep) +
              wire::padded_record(wire::params_type, 1,
                                  nginx_params("/app.dll/upload", "POST", body.size())) +
              wire::params(1, {}) + wire::padded_record(wire::stdin_type, 1, body.substr(0, 333)) +
              wire::padded_record(wire::stdin_type, 1, body.substr(333)) +
              wire::stdin_record(1, {});
    const auto out = grind(stream, end_when_answered());
    EXPECT_FALSE(out.ec);
    EXPECT_FALSE(out.mid_record);
    EXPECT_EQ(out.active, 0u);
    ASSERT_EQ(out.lines.size(), 7u);
    EXPECT_EQ(out.lines[0], "begin 1 keep");
    EXPECT_TRUE(out.lines[1].ends_with(" HTTP_ACCEPT=*/* HTTP_COOKIE=session=abc; theme=dark"))
        << out.lines[1];
    EXPECT_NE(out.lines[1].find(" REQUEST_METHOD=GET "), std::string::npos);
    EXPECT_EQ(out.lines[2], "stdin_end 1");
    EXPECT_EQ(out.lines[3], "begin 1 keep");
    EXPECT_NE(out.lines[4].find(" CONTENT_LENGTH=700 "), std::string::npos);
    EXPECT_EQ(out.lines[5], "stdin 1 " + body);
    EXPECT_EQ(out.lines[6], "stdin_end 1");
}

TEST(demultiplexer, cgi_fcgi_connection_grinds) {
    // cgi-fcgi: no keep_conn, params in fixed-size records with pairs cut anywhere, body in
    // unpadded records of whatever one read returned.
    const std::string params = nginx_params("/cgi.dll", "PUT", 21);
    const std::string stream = wire::begin_request(1) + wire::params_stream(1, params, 64) +
                               wire::stdin_record(1, "first read, ") +
                               wire::stdin_record(1, "second") + wire::stdin_record(1, "!!!") +
                               wire::stdin_record(1, {});
    const auto out = grind(stream, end_when_answered());
    EXPECT_FALSE(out.ec);
    ASSERT_EQ(out.lines.size(), 4u);
    EXPECT_EQ(out.lines[0], "begin 1 close");
    EXPECT_EQ(out.lines[1].rfind("params 1 QUERY_STRING=a=1&b=2 REQUEST_METHOD=PUT ", 0), 0u);
    EXPECT_EQ(out.lines[2], "stdin 1 first read, second!!!");
    EXPECT_EQ(out.lines[3], "stdin_end 1");
}

TEST(demultiplexer, haproxy_multiplexed_connection_grinds) {
    // HAProxy: GET_VALUES at connect, odd ids multiplexed, keep_conn, an aborted request.
    const std::string query = pairs_of({{"FCGI_MAX_REQS", ""}, {"FCGI_MPXS_CONNS", ""}});
    const std::string stream =
        wire::record(wire::get_values_type, 0, query) + wire::begin_request(1, 1, keep) +
        wire::params(1, pairs_of({{"REQUEST_URI", "/a"}})) + wire::begin_request(3, 1, keep) +
        wire::params(3, pairs_of({{"REQUEST_URI", "/b"}})) + wire::params(1, {}) +
        wire::params(3, {}) + wire::stdin_record(3, "three") +
        wire::record(wire::abort_request_type, 1, {}) + wire::stdin_record(1, "late one") +
        wire::stdin_record(3, {}) + wire::begin_request(5, 1, keep) + wire::params(5, {}) +
        wire::stdin_record(5, {});
    const policy haproxy_app = [](demultiplexer& d, std::uint16_t id, std::string_view kind) {
        if (kind == "stdin_end" || kind == "abort") d.request_ended(id);
    };
    const auto out = grind(stream, haproxy_app);
    EXPECT_FALSE(out.ec);
    EXPECT_EQ(out.lines,
              (log_lines{"get_values FCGI_MAX_REQS=,FCGI_MPXS_CONNS=", "begin 1 keep",
                         "begin 3 keep", "params 1 REQUEST_URI=/a", "params 3 REQUEST_URI=/b",
                         "stdin 3 three", "abort 1", "discard t=5 id=1 ended_request",
                         "stdin_end 3", "begin 5 keep", "params 5", "stdin_end 5"}));
}

}  // namespace
}  // namespace isapi_fcgi::fcgi
