// Management records and the roles a responder does not play: GET_VALUES answered from the
// configured limits, UNKNOWN_TYPE for unknown management types, UNKNOWN_ROLE for
// FILTER, and ABORT_REQUEST.
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "support/engine_fixture.hpp"
#include "support/engine_log.hpp"

namespace isapi_fcgi::test {
namespace {

class management : public engine_fixture {};

std::map<std::string, std::string> as_map(const wire::param_list& pairs)
{
    return {pairs.begin(), pairs.end()};
}

TEST_F(management, get_values_reports_the_configured_limits_and_omits_unknown_names)
{
    engine_options options;
    options.max_connections = 7;
    options.max_requests_per_connection = 5;
    start_engine(options);
    auto& client = connect();
    client.get_values({"FCGI_MAX_CONNS", "FCGI_MAX_REQS", "FCGI_MPXS_CONNS", "FCGI_NO_SUCH_VALUE"});
    ASSERT_TRUE(client.read_until([&] { return !client.get_values_results().empty(); }, soon()));
    ASSERT_EQ(client.get_values_results().size(), 1u);
    auto values = client.get_values_results().front();
    EXPECT_EQ(values.size(), 3u) << "unknown names must be omitted";
    std::map<std::string, std::string> expected{
        {"FCGI_MAX_CONNS", "7"}, {"FCGI_MAX_REQS", "5"}, {"FCGI_MPXS_CONNS", "1"}};
    EXPECT_EQ(as_map(values), expected);
    // GET_VALUES may arrive at any time; the connection goes on as before.
    EXPECT_TRUE(ping_works(client));
}

TEST_F(management, get_values_with_only_unknown_names_gets_an_empty_result)
{
    start_engine();
    auto& client = connect();
    client.get_values({"NOT_A_VARIABLE"});
    ASSERT_TRUE(client.read_until([&] { return !client.get_values_results().empty(); }, soon()));
    EXPECT_TRUE(client.get_values_results().front().empty());
    EXPECT_TRUE(ping_works(client));
}

TEST_F(management, get_values_between_multiplexed_records_is_answered_in_place)
{
    start_engine();
    auto& client = connect();
    client.begin(1);
    client.params(1, wire::cgi_params("/ping"), wire::max_content, false);
    client.get_values({"FCGI_MPXS_CONNS"});
    ASSERT_TRUE(client.read_until([&] { return !client.get_values_results().empty(); }, soon()));
    EXPECT_EQ(as_map(client.get_values_results().front()),
              (std::map<std::string, std::string>{{"FCGI_MPXS_CONNS", "1"}}));
    client.params(1, {});
    client.stdin_data(1, {});
    ASSERT_TRUE(client.wait_end(1, soon()));
    EXPECT_EQ(client.state(1).response().body, "pong");
}

TEST_F(management, unknown_management_types_get_unknown_type)
{
    start_engine();
    auto& client = connect();
    client.record(12, 0, {});
    client.record(200, 0, "some content");
    ASSERT_TRUE(client.read_until([&] { return client.unknown_types().size() >= 2; }, soon()));
    EXPECT_EQ(client.unknown_types(), (std::vector<std::uint8_t>{12, 200}));
    EXPECT_TRUE(ping_works(client));
}

TEST_F(management, the_filter_role_gets_unknown_role_and_the_connection_goes_on)
{
    start_engine();
    auto& client = connect();
    // A real client sends the whole request at once; what follows the refused BEGIN_REQUEST
    // belongs to an ended request and is dropped.
    client.begin(1, true, wire::filter);
    client.params(1, wire::cgi_params("/ping"));
    client.stdin_data(1, {});
    ASSERT_TRUE(client.wait_end(1, soon())) << describe(client.state(1));
    EXPECT_EQ(client.state(1).protocol_status, wire::unknown_role);
    EXPECT_TRUE(ping_works(client, 1));
    EXPECT_FALSE(client.eof());
}

TEST_F(management, an_authorizer_asking_about_the_ping_path_is_never_answered_by_the_ping)
{
    // The ISAPI host serves the AUTHORIZER role (docs/front-ends.md); the ping's 200 would let
    // the request through, so it never answers one. A pool without filters denies.
    start_engine();
    auto& client = connect();
    client.begin(1, true, wire::authorizer);
    client.params(1, wire::cgi_params("/ping"));
    ASSERT_TRUE(client.wait_end(1, soon())) << describe(client.state(1));
    EXPECT_EQ(client.state(1).protocol_status, wire::request_complete);
    EXPECT_EQ(client.state(1).response().status, 500) << client.state(1).out;
    EXPECT_EQ(client.state(1).out.find("pong"), std::string::npos);
    EXPECT_TRUE(ping_works(client, 2));
}

TEST_F(management, unknown_role_without_keep_conn_closes_the_connection)
{
    start_engine();
    auto& client = connect();
    client.begin(1, false, wire::filter);
    ASSERT_TRUE(client.wait_end(1, soon()));
    EXPECT_EQ(client.state(1).protocol_status, wire::unknown_role);
    EXPECT_TRUE(client.wait_eof(soon()));
}

TEST_F(management, abort_request_before_params_end_ends_the_request)
{
    start_engine();
    auto& client = connect();
    auto mark = engine().log_mark();
    client.begin(1);
    client.params(1, wire::cgi_params("/ping"), wire::max_content, false);
    client.abort(1);
    ASSERT_TRUE(client.wait_end(1, soon())) << "ABORT_REQUEST must be answered by END_REQUEST";
    EXPECT_EQ(client.state(1).protocol_status, wire::request_complete);
    EXPECT_TRUE(engine().wait_for_log(engine_log::aborted(), soon(), mark));
    EXPECT_TRUE(ping_works(client, 1));
}

TEST_F(management, abort_request_for_an_ended_or_unknown_id_is_ignored)
{
    start_engine();
    auto& client = connect();
    ASSERT_TRUE(ping_works(client, 1));
    client.abort(1);
    client.abort(42);
    EXPECT_TRUE(ping_works(client, 2));
    EXPECT_EQ(client.ended_count(), 2u) << "no END_REQUEST for an abort of an inactive id";
}

}  // namespace
}  // namespace isapi_fcgi::test
