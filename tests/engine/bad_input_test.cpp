// The issue's bad-input list. For each: the reason is logged, the offending connection is
// closed (or the record answered as the spec says), and a bystander connection opened before
// still works afterwards, as does a new one. Teardown checks that the engine stops cleanly
// with no sanitizer report.
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "support/engine_fixture.hpp"
#include "support/engine_log.hpp"

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

class bad_input : public engine_fixture {
protected:
    void start(engine_options options = {})
    {
        start_engine(std::move(options));
        bystander_ = &connect();
        ASSERT_TRUE(ping_works(*bystander_, 1));
        mark_ = engine().log_mark();
    }

    /// The reason must be logged after the bad input was sent.
    void expect_logged(const std::regex& reason, const char* what)
    {
        EXPECT_TRUE(engine().wait_for_log(reason, soon(), mark_))
            << "no log line about " << what;
    }

    void expect_others_unaffected()
    {
        EXPECT_TRUE(ping_works(*bystander_, 1)) << "the bystander connection was disturbed";
        EXPECT_TRUE(ping_works_on_new_connection()) << "a new connection failed";
        EXPECT_TRUE(engine().running());
    }

    fcgi_client* bystander_ = nullptr;
    std::size_t mark_ = 0;
};

/// Pings on fresh connections, paced, until one is served (200) or the deadline passes: the
/// engine learns of a close asynchronously, so the first attempts may still meet the 503.
bool eventually_served(const std::string& address, deadline until)
{
    while (clock::now() < until) {
        fcgi_client retry(address);
        retry.request(1, wire::cgi_params("/ping"));
        if (retry.wait_end(1, until) && retry.state(1).response().status == 200) {
            return true;
        }
        retry.wait_eof(until);
        std::this_thread::sleep_for(20ms);  // pacing between polls, not synchronisation
    }
    return false;
}

TEST_F(bad_input, wrong_version_byte_closes_the_connection)
{
    start();
    auto& client = connect();
    client.raw(wire::encode_header(2, wire::begin_request, 1, 8, 0)
               + wire::encode_begin_body(wire::responder, wire::keep_conn));
    EXPECT_TRUE(client.wait_eof(soon()));
    expect_logged(engine_log::bad_version(), "the record version");
    EXPECT_EQ(client.ended_count(), 0u);
    expect_others_unaffected();
}

TEST_F(bad_input, a_truncated_header_at_eof_is_logged_and_closed)
{
    start();
    auto& client = connect();
    client.raw(wire::encode_header(1, wire::begin_request, 1, 8, 0).substr(0, 5));
    client.shutdown_write();
    EXPECT_TRUE(client.wait_eof(soon()));
    expect_logged(engine_log::truncated(), "the truncated record header");
    expect_others_unaffected();
}

TEST_F(bad_input, content_shorter_than_announced_then_eof_is_logged_and_closed)
{
    start();
    auto& client = connect();
    client.begin(1);
    client.raw(wire::encode_header(1, wire::params, 1, 100, 4) + std::string(10, 'p'));
    client.shutdown_write();
    EXPECT_TRUE(client.wait_eof(soon()));
    expect_logged(engine_log::truncated(), "the record cut short");
    expect_others_unaffected();
}

TEST_F(bad_input, params_over_max_params_bytes_get_431_and_the_connection_stays_usable)
{
    engine_options options;
    options.max_params_bytes = 1024;
    start(options);
    auto& client = connect();
    client.begin(1);
    // One 4000-byte pair spread over 512-byte records: over the limit before it is complete.
    auto big_cookie = wire::param_list{{"HTTP_COOKIE", std::string(4000, 'c')}};
    client.params(1, wire::cgi_params("/ping", "GET", "", big_cookie), 512);
    client.stdin_data(1, {});
    ASSERT_TRUE(client.wait_end(1, soon())) << describe(client.state(1));
    auto response = client.state(1).response();
    EXPECT_EQ(response.status, 431);
    EXPECT_EQ(client.state(1).protocol_status, wire::request_complete);
    expect_logged(engine_log::params_too_large(), "the params limit");
    EXPECT_TRUE(ping_works(client, 1)) << "KEEP_CONN was set: the connection must stay usable";
    // Many small pairs adding up past the limit are refused the same way.
    wire::param_list many;
    for (int i = 0; i < 100; ++i) {
        many.emplace_back("HTTP_X_" + std::to_string(i), std::string(20, 'v'));
    }
    client.request(2, wire::cgi_params("/ping", "GET", "", many));
    ASSERT_TRUE(client.wait_end(2, soon()));
    EXPECT_EQ(client.state(2).response().status, 431);
    EXPECT_TRUE(ping_works(client, 2));
    expect_others_unaffected();
}

TEST_F(bad_input, a_name_value_length_past_the_end_of_the_params_stream_closes_the_connection)
{
    start();
    auto& client = connect();
    client.begin(1);
    // Name length 5, value length 3, but only 2 bytes follow before the stream ends.
    client.params_bytes(1, std::string("\x05\x03" "ab", 4));
    EXPECT_TRUE(client.wait_eof(soon()));
    EXPECT_FALSE(client.state(1).ended) << "a framing error is not a request answer";
    expect_logged(engine_log::name_value_past_end(), "the name-value length");
    expect_others_unaffected();
}

TEST_F(bad_input, a_31_bit_name_value_length_is_refused_without_harm)
{
    // 0x7fffffff: the length that overflowed int arithmetic in libfcgi (CVE-2025-23016). It is
    // both past the end of the stream and over max_params_bytes: either answer is acceptable,
    // a crash or a hang is not.
    start();
    auto& client = connect();
    client.begin(1);
    client.params_bytes(1, std::string("\xff\xff\xff\xff\x01" "a", 6));
    // The engine may already have closed the connection: a failed send is not the point here.
    auto ignored = client.try_raw(wire::encode_record(wire::stdin_stream, 1, {}), soon());
    static_cast<void>(ignored);
    bool answered = client.wait_end(1, soon());
    if (answered) {
        EXPECT_EQ(client.state(1).response().status, 431);
    } else {
        EXPECT_TRUE(client.eof()) << "neither answered nor closed";
    }
    expect_others_unaffected();
}

TEST_F(bad_input, records_for_an_id_never_begun_are_discarded_logged_once_and_harmless)
{
    start();
    auto& client = connect();
    client.stdin_data(7, "stray body");
    client.params(9, wire::cgi_params("/ping"));
    client.record(wire::abort_request, 11, {});
    EXPECT_TRUE(ping_works(client, 1)) << "the connection must stay usable";
    EXPECT_FALSE(client.eof());
    EXPECT_EQ(client.ended_count(), 1u) << "nothing may be answered for ids never begun";
    EXPECT_EQ(engine().count_log(engine_log::unknown_request_id(), mark_), 1u)
        << "logged once per connection";
    // A second connection doing the same is logged again (once per connection).
    auto& other = connect();
    other.stdin_data(7, "stray");
    EXPECT_TRUE(ping_works(other, 1));
    EXPECT_EQ(engine().count_log(engine_log::unknown_request_id(), mark_), 2u);
    expect_others_unaffected();
}

TEST_F(bad_input, a_second_begin_request_for_an_active_id_closes_the_connection)
{
    start();
    auto& client = connect();
    client.begin(1);
    client.params(1, wire::cgi_params("/ping"), wire::max_content, false);
    client.begin(1);
    EXPECT_TRUE(client.wait_eof(soon()));
    expect_logged(engine_log::duplicate_begin(), "the duplicate BEGIN_REQUEST");
    expect_others_unaffected();
}

TEST_F(bad_input, a_peer_that_sends_nothing_is_closed_after_the_idle_timeout)
{
    engine_options options;
    options.idle_timeout = "1s";
    start(options);
    // The bystander would be closed by the same timeout; keep it busy-free but fresh below.
    auto started = clock::now();
    auto& client = connect();
    EXPECT_TRUE(client.wait_eof(deadline_after(scaled(5s)))) << "still open after 5 s";
    auto elapsed = clock::now() - started;
    EXPECT_GE(elapsed, 900ms) << "closed before the idle timeout";
    expect_logged(engine_log::idle_close(), "the idle timeout");
    EXPECT_TRUE(ping_works_on_new_connection());
    EXPECT_TRUE(engine().running());
}

TEST_F(bad_input, a_kept_connection_idle_after_its_request_is_closed_after_the_idle_timeout)
{
    engine_options options;
    options.idle_timeout = "1s";
    start(options);
    auto& client = connect();
    ASSERT_TRUE(ping_works(client, 1));
    auto answered = clock::now();
    EXPECT_TRUE(client.wait_eof(deadline_after(scaled(5s))));
    EXPECT_GE(clock::now() - answered, 900ms);
    EXPECT_TRUE(ping_works_on_new_connection());
}

// Half a record is input the engine waits for, bounded by `read`, not by the much longer `idle`:
// a peer (or an attacker) cannot hold a connection for 300 s with 4 bytes.
class half_sent : public bad_input {
protected:
    /// Starts the engine with a 1 s read timeout; `send_half` leaves something incomplete on a
    /// new connection, which must then be closed after the timeout with `logged` logged once.
    void expect_closed_after_the_read_timeout(const std::function<void(fcgi_client&)>& send_half,
                                              const std::string& logged)
    {
        engine_options options;
        options.read_timeout = "1s";
        start(options);
        auto& client = connect();
        send_half(client);
        const auto sent = clock::now();
        EXPECT_TRUE(client.wait_eof(deadline_after(scaled(10s)))) << "still open: the idle timeout (300 s) applied";
        EXPECT_GE(clock::now() - sent, 900ms) << "closed before the read timeout";
        const auto pattern = log_pattern(logged);
        EXPECT_TRUE(engine().wait_for_log(pattern, soon(), mark_));
        EXPECT_EQ(engine().count_log(pattern, mark_), 1u) << "logged once";
        expect_others_unaffected();
    }
};

TEST_F(half_sent, half_a_header_on_a_kept_connection_is_closed_after_the_read_timeout)
{
    expect_closed_after_the_read_timeout(
        [this](fcgi_client& client) {
            ASSERT_TRUE(ping_works(client, 1));
            client.raw(wire::encode_header(1, wire::begin_request, 2, 8, 0).substr(0, 4));
        },
        R"(closing connection: a FastCGI record stayed incomplete for 1s \(timeouts\.read\))");
}

TEST_F(half_sent, a_partial_params_stream_is_closed_after_the_read_timeout)
{
    expect_closed_after_the_read_timeout(
        [](fcgi_client& client) {
            // One complete PARAMS record, but not the empty one that ends the stream.
            client.begin(1);
            client.params(1, wire::cgi_params("/ping"), wire::max_content, false);
        },
        R"(closing connection: the PARAMS of request id 1 stayed incomplete for 1s)");
}

TEST_F(bad_input, a_peer_that_stops_reading_is_closed_after_the_write_timeout)
{
    engine_options options;
    options.write_timeout = "1s";
    start(options);
    auto& client = connect();
    client.set_read_while_sending(false);
    client.set_receive_buffer(4096);
    client.set_allow_truncated_close(true);  // the engine abandons a write in progress
    // Pipeline pings without reading any answer until the server stops reading too (its
    // output is stuck), which a bounded engine must do instead of buffering without limit.
    std::string batch;
    for (int i = 0; i < 50; ++i) {
        batch += wire::encode_record(wire::begin_request, 1,
                                     wire::encode_begin_body(wire::responder, wire::keep_conn));
        batch += wire::encode_stream(wire::params, 1,
                                     wire::encode_pairs(wire::cgi_params("/ping")));
        batch += wire::encode_record(wire::params, 1, {});
        batch += wire::encode_record(wire::stdin_stream, 1, {});
    }
    constexpr std::size_t give_up_after = 64u << 20;
    std::error_code stopped;
    while (!stopped && client.bytes_sent() < give_up_after) {
        client.expect_pipelined(1, 50);
        stopped = client.try_raw(batch, deadline_after(500ms));
    }
    ASSERT_TRUE(stopped) << "the engine read " << client.bytes_sent()
                         << " bytes of requests whose answers nobody read (engine RSS now "
                         << engine().process().resident_kib() << " KiB)";
    // The server's writes made no progress for the write timeout: it must give up.
    EXPECT_TRUE(engine().wait_for_log(engine_log::write_stalled(), deadline_after(scaled(10s)),
                                      mark_))
        << "no log line about the stalled writes (send stopped with: " << stopped.message() << ")";
    EXPECT_TRUE(client.wait_eof(deadline_after(scaled(10s))))
        << "the connection was not closed; received " << client.bytes_received() << " bytes";
    expect_others_unaffected();
}

TEST_F(bad_input, connections_beyond_max_connections_get_503_with_retry_after_and_are_closed)
{
    engine_options options;
    options.max_connections = 2;
    start(options);  // the bystander is the first connection
    auto& second = connect();
    ASSERT_TRUE(ping_works(second, 1));
    auto& third = connect();
    third.request(1, wire::cgi_params("/ping"));
    ASSERT_TRUE(third.wait_end(1, soon())) << describe(third.state(1));
    auto response = third.state(1).response();
    EXPECT_EQ(response.status, 503);
    EXPECT_TRUE(response.header("Retry-After").has_value()) << third.state(1).out;
    EXPECT_EQ(third.state(1).protocol_status, wire::request_complete)
        << "overload is answered in HTTP, never with FCGI_OVERLOADED";
    EXPECT_TRUE(third.wait_eof(soon())) << "the connection over the limit must be closed";
    // The engine half-closes and lingers until the peer closes too; a socket still open on
    // our side still counts against max_connections.
    third.close();
    expect_logged(engine_log::max_connections(), "max_connections");
    EXPECT_TRUE(ping_works(*bystander_, 1));
    EXPECT_TRUE(ping_works(second, 1));

    // Once a connection goes away its slot is free again. The engine sees the close
    // asynchronously: wait for its log line, then poll with a few paced attempts (each
    // attempt is itself a connection the engine must count and release).
    auto before_close = engine().log_mark();
    second.close();
    ASSERT_TRUE(engine().wait_for_log(engine_log::peer_closed(), soon(), before_close));
    bool served = eventually_served(engine().address(), soon());
    EXPECT_TRUE(served) << "a freed connection slot was not reused";
}

TEST_F(bad_input, a_connection_closed_by_the_peer_frees_its_max_connections_slot)
{
    engine_options options;
    options.max_connections = 2;
    start(options);
    auto& second = connect();
    ASSERT_TRUE(ping_works(second, 1));
    second.close();
    ASSERT_TRUE(engine().wait_for_log(engine_log::peer_closed(), soon(), mark_));
    EXPECT_TRUE(eventually_served(engine().address(), soon()));
}

TEST_F(bad_input, a_connection_closed_by_the_engine_frees_its_max_connections_slot)
{
    engine_options options;
    options.max_connections = 2;
    start(options);
    auto& second = connect();
    second.request(1, wire::cgi_params("/ping"), {}, false);
    ASSERT_TRUE(second.wait_end(1, soon()));
    ASSERT_TRUE(second.wait_eof(soon()));
    second.close();  // the engine lingers until the peer closes its side too
    EXPECT_TRUE(eventually_served(engine().address(), soon()));
}

TEST_F(bad_input, a_peer_that_never_closes_after_keep_conn_0_is_dropped_after_the_linger_time)
{
    engine_options options;
    options.max_connections = 2;
    options.linger_timeout = "300ms";
    start(options);
    auto& second = connect();
    second.request(1, wire::cgi_params("/ping"), {}, false);
    ASSERT_TRUE(second.wait_end(1, soon()));
    ASSERT_TRUE(second.wait_eof(soon()));
    // `second` stays open on our side: the engine must not hold the slot beyond the linger time.
    EXPECT_TRUE(eventually_served(engine().address(), soon()));
}

TEST_F(bad_input, a_refused_connection_does_not_keep_holding_a_max_connections_slot)
{
    engine_options options;
    options.max_connections = 2;
    start(options);
    auto& second = connect();
    ASSERT_TRUE(ping_works(second, 1));
    {
        fcgi_client refused(engine().address());
        refused.request(1, wire::cgi_params("/ping"));
        ASSERT_TRUE(refused.wait_end(1, soon()));
        ASSERT_EQ(refused.state(1).response().status, 503);
        ASSERT_TRUE(refused.wait_eof(soon()));
    }
    auto before_close = engine().log_mark();
    second.close();
    ASSERT_TRUE(engine().wait_for_log(engine_log::peer_closed(), soon(), before_close));
    EXPECT_TRUE(eventually_served(engine().address(), soon()));
}

TEST_F(bad_input, stdin_after_an_early_answer_is_discarded_silently)
{
    start();
    auto& client = connect();
    std::string body(300000, 'b');
    client.begin(1);
    client.params(1, wire::cgi_params("/missing", "POST", std::to_string(body.size())));
    ASSERT_TRUE(client.wait_end(1, soon()));
    ASSERT_EQ(client.state(1).response().status, 404);
    auto mark = engine().log_mark();
    client.stdin_data(1, body, 32768);
    EXPECT_TRUE(ping_works(client, 2)) << "the rest of the body must be consumed and dropped";
    EXPECT_EQ(engine().count_log(engine_log::warning_or_worse(), mark), 0u)
        << "records for an ended request must be discarded silently:\n"
        << testing::PrintToString(
               engine().process().log_lines(engine_log::warning_or_worse(), mark));
}

TEST_F(bad_input, a_client_vanishing_mid_request_aborts_it_and_the_engine_carries_on)
{
    start();
    {
        auto& client = connect();
        client.begin(1);
        client.params(1, wire::cgi_params("/ping"), wire::max_content, false);
        client.begin(2);
        client.params(2, wire::cgi_params("/missing", "POST", "1000"));
        client.stdin_data(2, std::string(100, 'x'), wire::max_content, false);
        ASSERT_TRUE(client.wait_end(2, soon()));
        client.close();
    }
    expect_logged(engine_log::aborted(), "the abort");
    expect_others_unaffected();
}

}  // namespace
}  // namespace isapi_fcgi::test
