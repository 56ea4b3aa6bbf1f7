// Several requests on one connection, records delivered one byte at a time, and FCGI_KEEP_CONN.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/engine_fixture.hpp"
#include "support/engine_log.hpp"

namespace isapi_fcgi::test {
namespace {

class multiplexing : public engine_fixture {};

TEST_F(multiplexing, twenty_interleaved_requests_on_one_connection_are_answered_independently)
{
    start_engine();
    auto& client = connect();
    std::vector<std::uint16_t> ids;
    for (std::uint16_t id = 1; id < 20; ++id) {
        ids.push_back(static_cast<std::uint16_t>(id * 3));
    }
    ids.push_back(65535);
    auto is_ping = [](std::size_t index) { return index % 2 == 0; };
    std::vector<std::string> encoded;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        auto path = is_ping(i) ? std::string("/ping") : "/missing/" + std::to_string(ids[i]);
        encoded.push_back(wire::encode_pairs(wire::cgi_params(path)));
    }

    for (auto id : ids) {
        client.begin(id);
    }
    // Round-robin 7-byte PARAMS records, so every request's pairs are cut and interleaved.
    constexpr std::size_t slice = 7;
    for (std::size_t offset = 0;; offset += slice) {
        bool any = false;
        for (std::size_t i = 0; i < ids.size(); ++i) {
            if (offset < encoded[i].size()) {
                client.params_bytes(ids[i], std::string_view(encoded[i]).substr(offset, slice),
                                    slice, false);
                any = true;
            }
        }
        if (!any) {
            break;
        }
    }
    for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
        client.params_bytes(*it, {}, wire::max_content, true);
    }
    for (auto id : ids) {
        client.stdin_data(id, {});
    }
    ASSERT_TRUE(client.read_until([&] { return client.ended_count() == ids.size(); }, soon()))
        << client.ended_count() << " of " << ids.size() << " requests ended";
    for (std::size_t i = 0; i < ids.size(); ++i) {
        SCOPED_TRACE("id " + std::to_string(ids[i]));
        const auto& state = client.state(ids[i]);
        auto response = state.response();
        EXPECT_EQ(state.protocol_status, wire::request_complete);
        EXPECT_TRUE(state.out_closed);
        if (is_ping(i)) {
            EXPECT_EQ(response.status, 200);
            EXPECT_EQ(response.body, "pong");
        } else {
            EXPECT_EQ(response.status, 404);
            EXPECT_NE(response.body.find("/missing/" + std::to_string(ids[i])), std::string::npos)
                << response.body;
        }
    }
}

TEST_F(multiplexing, a_request_delivered_one_byte_at_a_time_is_answered)
{
    start_engine();
    auto& client = connect();
    client.set_byte_by_byte(true);
    client.set_padding(wire::padding::maximum);
    client.get_values({"FCGI_MPXS_CONNS"});
    client.begin(1);
    auto big = wire::param_list{{"HTTP_X_BIG", std::string(300, 'z')}};
    client.params(1, wire::cgi_params("/ping", "POST", "5", big), 100);
    client.stdin_data(1, "hello", 2);
    ASSERT_TRUE(client.wait_end(1, soon())) << describe(client.state(1));
    EXPECT_EQ(client.state(1).response().body, "pong");
    ASSERT_EQ(client.get_values_results().size(), 1u);
    // Two requests interleaved byte by byte.
    client.set_padding(wire::padding::align8);
    client.begin(2);
    client.begin(3);
    client.params(3, wire::cgi_params("/missing"));
    client.params(2, wire::cgi_params("/ping"));
    client.stdin_data(2, {});
    client.stdin_data(3, {});
    ASSERT_TRUE(client.wait_end(2, soon()));
    ASSERT_TRUE(client.wait_end(3, soon()));
    EXPECT_EQ(client.state(2).response().body, "pong");
    EXPECT_EQ(client.state(3).response().status, 404);
}

TEST_F(multiplexing, without_keep_conn_the_server_closes_after_end_request)
{
    start_engine();
    auto& client = connect();
    client.request(1, wire::cgi_params("/ping"), {}, false);
    ASSERT_TRUE(client.wait_end(1, soon()));
    EXPECT_EQ(client.state(1).response().body, "pong");
    EXPECT_TRUE(client.wait_eof(soon())) << "KEEP_CONN=0: the server must close the connection";
}

TEST_F(multiplexing, with_keep_conn_the_connection_serves_further_requests)
{
    start_engine();
    auto& client = connect();
    for (int round = 0; round < 3; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        EXPECT_TRUE(ping_works(client, 1));
        client.request(1, wire::cgi_params("/missing"));
        ASSERT_TRUE(client.wait_end(1, soon()));
        EXPECT_EQ(client.state(1).response().status, 404);
    }
    EXPECT_FALSE(client.eof());
}

TEST_F(multiplexing, keep_conn_0_on_one_of_several_requests_closes_after_all_are_answered)
{
    // The connection's owner is the web server only while KEEP_CONN is set; once a request
    // without it ends the server closes, but requests already answered stay answered.
    start_engine();
    auto& client = connect();
    client.request(1, wire::cgi_params("/ping"));
    ASSERT_TRUE(client.wait_end(1, soon()));
    client.request(2, wire::cgi_params("/ping"), {}, false);
    ASSERT_TRUE(client.wait_end(2, soon()));
    EXPECT_EQ(client.state(2).response().body, "pong");
    EXPECT_TRUE(client.wait_eof(soon()));
}

TEST_F(multiplexing, requests_beyond_max_requests_per_connection_get_503)
{
    engine_options options;
    options.max_requests_per_connection = 2;
    start_engine(options);
    auto& client = connect();
    auto mark = engine().log_mark();
    // Two requests kept active (their PARAMS are not finished), then a third.
    for (std::uint16_t id : {std::uint16_t{1}, std::uint16_t{2}}) {
        client.begin(id);
        client.params(id, wire::cgi_params("/ping"), wire::max_content, false);
    }
    client.request(3, wire::cgi_params("/ping"));
    ASSERT_TRUE(client.wait_end(3, soon())) << describe(client.state(3));
    auto response = client.state(3).response();
    EXPECT_EQ(response.status, 503);
    EXPECT_TRUE(response.header("Retry-After").has_value());
    EXPECT_EQ(client.state(3).protocol_status, wire::request_complete)
        << "overload is answered in HTTP, never with FCGI_OVERLOADED";
    EXPECT_TRUE(engine().wait_for_log(engine_log::max_requests(), soon(), mark));
    for (std::uint16_t id : {std::uint16_t{1}, std::uint16_t{2}}) {
        client.params(id, {});
        client.stdin_data(id, {});
        ASSERT_TRUE(client.wait_end(id, soon()));
        EXPECT_EQ(client.state(id).response().body, "pong");
    }
}

}  // namespace
}  // namespace isapi_fcgi::test
