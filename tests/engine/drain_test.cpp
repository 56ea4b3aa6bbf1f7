// The graceful stop (SIGTERM) as a draining worker lives it, in --single-process mode: new
// connections are refused at once; a kept connection still serves the requests the web server
// sends on it, closes right after the END_REQUEST of such a request (the peer reads our end of
// stream with the answer, before it could send another request), and a connection idle since
// the drain began is closed after drain_grace. Reload and recycling drain the same way (tests/ops
// checks them under load behind nginx and Apache).
#include <signal.h>

#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "support/connect_probe.hpp"
#include "support/engine_fixture.hpp"
#include "support/engine_log.hpp"

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

class drain : public engine_fixture {
protected:
    void begin_drain()
    {
        mark_ = engine().log_mark();
        ASSERT_EQ(::kill(engine().process().pid(), SIGTERM), 0);
        ASSERT_TRUE(engine().wait_for_log(log_pattern("received signal 15; finishing the requests in progress"),
                                          soon(), mark_));
    }

    /// The listener closes when the drain begins (on an I/O thread, just after the log line):
    /// a connect is refused within a short bound, not queued in the backlog until exit.
    ::testing::AssertionResult new_connections_refused(const std::string& address)
    {
        if (wait_connect_refused(address, deadline_after(scaled(3s)))) return ::testing::AssertionSuccess();
        return ::testing::AssertionFailure() << "connect to " << address << " still accepted 3 s after the drain began";
    }

    void expect_exits_by_itself()
    {
        const auto end = engine().process().wait(deadline_after(scaled(10s)));
        ASSERT_TRUE(end) << "still running 10 s after the drain began";
        EXPECT_TRUE(ended_cleanly(*end, engine().log()));
    }

    std::size_t mark_ = 0;
};

TEST_F(drain, a_kept_unix_connection_serves_a_request_sent_during_the_drain_and_closes_after_its_answer)
{
    engine_options options;
    options.drain_grace = "60s";  // so that only the end of the request can close the connection
    start_engine(options);
    auto& client = connect();
    ASSERT_TRUE(ping_works(client, 1));
    begin_drain();
    EXPECT_TRUE(new_connections_refused(engine().address()));
    const auto before = clock::now();
    EXPECT_TRUE(ping_works(client, 1)) << "a request on a kept connection failed during the drain";
    EXPECT_TRUE(client.wait_eof(soon())) << "the connection stayed open after the request that ended the drain";
    EXPECT_LT(clock::now() - before, scaled(5s));
    EXPECT_FALSE(client.reset());
    client.close();  // the engine lingers until the peer closes too
    expect_exits_by_itself();
}

TEST_F(drain, a_kept_tcp_connection_serves_a_request_sent_during_the_drain_and_closes_after_its_answer)
{
    engine_options options;
    options.listen_unix = false;
    options.listen_tcp = true;
    options.drain_grace = "60s";
    start_engine(options);
    auto& client = connect();
    ASSERT_TRUE(ping_works(client, 1));
    begin_drain();
    EXPECT_TRUE(new_connections_refused(engine().address()));
    EXPECT_TRUE(ping_works(client, 1)) << "a request on a kept connection failed during the drain";
    EXPECT_TRUE(client.wait_eof(soon())) << "the connection stayed open after the request that ended the drain";
    EXPECT_FALSE(client.reset());
    client.close();  // the engine lingers until the peer closes too
    expect_exits_by_itself();
}

TEST_F(drain, a_connection_idle_since_the_drain_began_is_closed_after_drain_grace)
{
    engine_options options;
    options.drain_grace = "1s";
    start_engine(options);
    auto& client = connect();
    ASSERT_TRUE(ping_works(client, 1));
    begin_drain();
    const auto began = clock::now();
    EXPECT_TRUE(client.wait_eof(deadline_after(scaled(10s))));
    EXPECT_GE(clock::now() - began, 900ms) << "closed before drain_grace: a request on its way would be lost";
    EXPECT_EQ(client.ended_count(), 1u);
    expect_exits_by_itself();
}

}  // namespace
}  // namespace isapi_fcgi::test
