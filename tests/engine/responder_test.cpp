// The responder basics over real sockets against the isapi-fcgi binary: the ping path, the
// 404 for anything unmapped, the shape of every answer (Status line, padding, terminators),
// and params however they are framed.
#include <string>

#include <gtest/gtest.h>

#include "support/engine_fixture.hpp"
#include "support/engine_log.hpp"

namespace isapi_fcgi::test {
namespace {

class responder : public engine_fixture {};

TEST_F(responder, ping_path_answers_200_pong_with_a_status_line_on_unix_and_tcp)
{
    engine_options options;
    options.listen_tcp = true;
    start_engine(options);
    ASSERT_FALSE(engine().unix_address().empty());
    ASSERT_NE(engine().tcp_port(), 0);

    for (const auto& address : {engine().unix_address(), engine().tcp_address()}) {
        SCOPED_TRACE(address);
        auto& client = connect(address);
        client.request(1, wire::cgi_params("/ping"));
        ASSERT_TRUE(client.wait_end(1, soon())) << describe(client.state(1));
        const auto& state = client.state(1);
        auto response = state.response();
        EXPECT_TRUE(response.header_complete);
        EXPECT_EQ(response.status, 200);
        EXPECT_EQ(response.body, "pong");
        EXPECT_EQ(state.protocol_status, wire::request_complete);
        EXPECT_EQ(state.app_status, 0u);
        EXPECT_TRUE(state.out_closed) << "no empty STDOUT record before END_REQUEST";
        EXPECT_EQ(client.unaligned_records(), 0u) << "records must be padded to 8 bytes";
        if (auto length = response.header("Content-Length")) {
            EXPECT_EQ(*length, std::to_string(response.body.size()));
        }
    }
}

TEST_F(responder, a_small_response_is_written_together_with_its_end_request)
{
    // nginx and HAProxy hand the body to the client as soon as it is complete; a client that
    // then closes before END_REQUEST arrives makes them drop the kept FastCGI connection.
    // Writing STDOUT, its terminator and END_REQUEST in one gathered write avoids that (and
    // saves a syscall per request). A separate write is only seen when the client happens to
    // read in between, so the check repeats.
    engine_options options;
    options.listen_tcp = true;
    start_engine(options);
    for (const auto& address : {engine().unix_address(), engine().tcp_address()}) {
        SCOPED_TRACE(address);
        auto& client = connect(address);
        for (int i = 0; i < 300; ++i) {
            client.request(1, wire::cgi_params(i % 2 == 0 ? "/ping" : "/missing"));
            ASSERT_TRUE(client.wait_end(1, soon()));
        }
        EXPECT_EQ(client.ends_split_from_body(), 0u)
            << "of 300 responses, this many had END_REQUEST written after the body";
    }
}

TEST_F(responder, unmapped_path_gets_404_with_a_clear_body_and_a_log_line)
{
    start_engine();
    auto& client = connect();
    auto mark = engine().log_mark();
    client.request(1, wire::cgi_params("/no/such/thing.dll"));
    ASSERT_TRUE(client.wait_end(1, soon())) << describe(client.state(1));
    auto response = client.state(1).response();
    EXPECT_TRUE(response.header_complete);
    EXPECT_EQ(response.status, 404);
    EXPECT_FALSE(response.body.empty());
    EXPECT_NE(response.body.find("/no/such/thing.dll"), std::string::npos)
        << "the 404 body should name what was asked for: " << response.body;
    EXPECT_EQ(client.state(1).protocol_status, wire::request_complete);
    EXPECT_TRUE(engine().wait_for_log(engine_log::unmapped("/no/such/thing"), soon(), mark))
        << "no log line for the unmapped request";
}

TEST_F(responder, ping_path_and_response_are_configurable)
{
    engine_options options;
    options.ping_path = "/health";
    options.ping_response = "alive";
    start_engine(options);
    auto& client = connect();
    EXPECT_TRUE(ping_works(client, 1, "/health", "alive"));
    client.request(2, wire::cgi_params("/ping"));
    ASSERT_TRUE(client.wait_end(2, soon()));
    EXPECT_EQ(client.state(2).response().status, 404) << "/ping is no longer the ping path";
}

TEST_F(responder, empty_ping_path_disables_the_ping)
{
    engine_options options;
    options.ping_path = "";
    start_engine(options);
    auto& client = connect();
    client.request(1, wire::cgi_params("/ping"));
    ASSERT_TRUE(client.wait_end(1, soon()));
    EXPECT_EQ(client.state(1).response().status, 404);
}

TEST_F(responder, params_split_anywhere_and_padded_any_way_parse_the_same)
{
    start_engine();
    auto& client = connect();
    // A 4-byte-length value too, so both length encodings straddle record boundaries.
    auto params = wire::cgi_params("/ping", "GET", "", {{"HTTP_X_LONG", std::string(3000, 'v')}});
    std::uint16_t id = 1;
    for (std::size_t record_size : {1u, 2u, 3u, 7u, 8u, 127u, 128u, 129u, 4096u, 65535u}) {
        for (auto padding : {wire::padding::none, wire::padding::align8, wire::padding::maximum}) {
            SCOPED_TRACE("record size " + std::to_string(record_size) + ", padding "
                         + std::to_string(static_cast<int>(padding)));
            client.set_padding(padding);
            client.begin(id);
            client.params(id, params, record_size);
            client.stdin_data(id, {});
            ASSERT_TRUE(client.wait_end(id, soon())) << describe(client.state(id));
            auto response = client.state(id).response();
            EXPECT_EQ(response.status, 200);
            EXPECT_EQ(response.body, "pong");
            id = static_cast<std::uint16_t>(id == 1 ? 2 : 1);
        }
    }
}

TEST_F(responder, content_length_may_be_a_number_empty_zero_or_absent)
{
    start_engine();
    auto& client = connect();
    wire::param_list without_length;
    for (const auto& pair : wire::cgi_params("/ping")) {
        if (pair.first != "CONTENT_LENGTH") {
            without_length.push_back(pair);
        }
    }
    struct variant {
        wire::param_list params;
        std::string body;
    };
    std::vector<variant> variants{
        {wire::cgi_params("/ping", "GET", ""), ""},
        {wire::cgi_params("/ping", "GET", "0"), ""},
        {without_length, ""},
        {wire::cgi_params("/ping", "POST", "11"), "hello world"},
        {wire::cgi_params("/ping", "POST", ""), std::string(100000, 'b')},
    };
    for (std::size_t i = 0; i < variants.size(); ++i) {
        SCOPED_TRACE("variant " + std::to_string(i));
        client.request(1, variants[i].params, variants[i].body);
        ASSERT_TRUE(client.wait_end(1, soon())) << describe(client.state(1));
        EXPECT_EQ(client.state(1).response().body, "pong");
    }
    // The connection consumed every body: one more request still goes through.
    EXPECT_TRUE(ping_works(client, 3));
}

TEST_F(responder, a_request_body_larger_than_the_stdin_buffer_does_not_wedge_the_connection)
{
    engine_options options;
    options.max_stdin_buffer = 4096;
    start_engine(options);
    auto& client = connect();
    std::string body(1 << 20, 'x');
    client.begin(1);
    client.params(1, wire::cgi_params("/no-handler", "POST", std::to_string(body.size())));
    client.stdin_data(1, body, 8192);
    ASSERT_TRUE(client.wait_end(1, soon())) << describe(client.state(1));
    EXPECT_EQ(client.state(1).response().status, 404);
    EXPECT_TRUE(ping_works(client, 1));
}

}  // namespace
}  // namespace isapi_fcgi::test
