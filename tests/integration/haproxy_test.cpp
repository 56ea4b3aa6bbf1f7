// A real HAProxy 2.6 in front of the engine: the one common peer that asks GET_VALUES and
// multiplexes requests on its FastCGI connections (FASTCGI.md §0.1).
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/engine_fixture.hpp"
#include "support/engine_log.hpp"
#include "support/fcgi_tap.hpp"
#include "support/haproxy_instance.hpp"
#include "support/http_client.hpp"

namespace isapi_fcgi::test {
namespace {

constexpr std::size_t concurrent = 24;

class behind_haproxy : public engine_fixture {
protected:
    void SetUp() override { start_engine(); }

    void start_haproxy(const std::string& engine_address)
    {
        haproxy_options options;
        options.engine_address = engine_address;
        haproxy_ = std::make_unique<haproxy_instance>(options);
    }

    void TearDown() override
    {
        if (haproxy_) {
            auto end = haproxy_->stop();
            EXPECT_TRUE(ended_cleanly(end, haproxy_->error_log()));
            if (HasFailure()) {
                std::cerr << "--- haproxy log ---\n" << tail(haproxy_->error_log()) << "\n";
            }
            haproxy_.reset();
        }
        engine_fixture::TearDown();
    }

    http_result get(const std::string& path)
    {
        return http_get(haproxy_->dir(), haproxy_->url(path));
    }

    /// Fires `concurrent` requests at once (every fourth to an unmapped path) and checks every
    /// answer.
    void burst()
    {
        std::vector<std::string> urls;
        for (std::size_t i = 0; i < concurrent; ++i) {
            urls.push_back(haproxy_->url(i % 4 == 3 ? "/missing/" + std::to_string(i) : "/ping"));
        }
        auto results = http_get_parallel(haproxy_->dir(), urls);
        for (std::size_t i = 0; i < results.size(); ++i) {
            SCOPED_TRACE("request " + std::to_string(i));
            if (i % 4 == 3) {
                EXPECT_EQ(results[i].status, 404) << results[i].describe();
                EXPECT_NE(results[i].body.find("/missing/"), std::string::npos);
            } else {
                EXPECT_EQ(results[i].status, 200) << results[i].describe();
                EXPECT_EQ(results[i].body, "pong");
            }
        }
    }

    std::unique_ptr<haproxy_instance> haproxy_;
};

TEST_F(behind_haproxy, get_values_is_answered_and_requests_are_served)
{
    start_haproxy(engine().address());
    auto ping = get("/ping");
    EXPECT_EQ(ping.status, 200) << ping.describe();
    EXPECT_EQ(ping.body, "pong");
    auto missing = get("/missing/app.dll");
    EXPECT_EQ(missing.status, 404) << missing.describe();
    EXPECT_NE(missing.body.find("/missing/app.dll"), std::string::npos) << missing.body;
    EXPECT_TRUE(engine().wait_for_log(engine_log::get_values_answered(), soon()))
        << "HAProxy's GET_VALUES was not answered";
}

TEST_F(behind_haproxy, concurrent_requests_share_fewer_connections_than_requests)
{
    start_haproxy(engine().address());
    // Warm up: a connection whose GET_VALUES was answered (MPXS_CONNS=1) exists for the burst.
    auto warm = get("/ping");
    ASSERT_EQ(warm.status, 200) << warm.describe();
    ASSERT_TRUE(engine().wait_for_log(engine_log::get_values_answered(), soon()));
    burst();
    const std::size_t requests = concurrent + 1;
    auto connections = engine().count_log(engine_log::accepted());
    EXPECT_GE(connections, 1u);
    EXPECT_LT(connections, requests) << "every request had its own connection";
}

TEST_F(behind_haproxy, requests_are_multiplexed_on_one_connection)
{
    // The same burst through a relay that watches the records: several requests must be
    // active on one connection at the same time, and GET_VALUES answered on each connection.
    // The tap holds the engine's answers on a connection until two requests are active on it
    // (or 2 s passed): the ping path answers too fast for a burst to overlap on a busy machine.
    fcgi_tap tap(engine().dir() /* the tap's socket lives beside the engine's */,
                 engine().unix_address(), 2);
    start_haproxy(tap.address());
    auto warm = get("/ping");
    ASSERT_EQ(warm.status, 200) << warm.describe();
    burst();
    auto stats = tap.stats_when_quiet(std::chrono::seconds(5));
    RecordProperty("tap_connections", static_cast<int>(stats.connections));
    RecordProperty("tap_max_concurrent_requests", static_cast<int>(stats.max_concurrent_requests));
    EXPECT_EQ(stats.begin_requests, concurrent + 1);
    EXPECT_EQ(stats.end_requests, stats.begin_requests);
    EXPECT_GE(stats.get_values, 1u) << "HAProxy sent no GET_VALUES (option get-values)";
    EXPECT_EQ(stats.get_values_results, stats.get_values) << "a GET_VALUES went unanswered";
    EXPECT_LT(stats.connections, concurrent + 1);
    EXPECT_GE(stats.max_concurrent_requests, 2u)
        << "never more than one request at a time on a connection: HAProxy did not multiplex";
    // Stop HAProxy before the tap goes away with its connections.
    auto end = haproxy_->stop();
    EXPECT_TRUE(ended_cleanly(end, haproxy_->error_log()));
    haproxy_.reset();
}

}  // namespace
}  // namespace isapi_fcgi::test
