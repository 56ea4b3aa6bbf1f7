// The engine's seam as the ISAPI host will use it: a request_handler running in-process, reading
// the body and writing output from threads other than the I/O threads, driven by a real
// FastCGI client over a real unix socket.
#include "engine/request.hpp"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/errc.hpp"
#include "engine/request_handler.hpp"
#include "engine/server.hpp"
#include "support/fcgi_client.hpp"
#include "support/temp_dir.hpp"

namespace isapi_fcgi::engine {
namespace {

using namespace std::chrono_literals;
using test::deadline_after;

/// Hands each request to the test thread, which then plays the layer above the engine.
class queue_handler final : public request_handler {
public:
    void handle(std::shared_ptr<request> r) override {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(r));
        ready_.notify_all();
    }
    std::shared_ptr<request> next(std::chrono::milliseconds within = 5s) {
        std::unique_lock lock(mutex_);
        if (!ready_.wait_for(lock, within, [&] { return !queue_.empty(); })) return nullptr;
        auto r = queue_.front();
        queue_.erase(queue_.begin());
        return r;
    }

private:
    std::mutex mutex_;
    std::condition_variable ready_;
    std::vector<std::shared_ptr<request>> queue_;
};

class request_seam : public ::testing::Test {
protected:
    void start(std::size_t stdin_limit = 64 * 1024) {
        server_options options;
        pool_options pool;
        listen_address address;
        address.type = listen_address::kind::unix_socket;
        address.path = dir_.file("engine.sock").string();
        address.text = "unix:" + address.path;
        pool.listen.push_back(address);
        pool.io_threads = 2;
        pool.limit.max_stdin_buffer = stdin_limit;
        options.pools.push_back(pool);
        server_ = std::make_unique<server>(options, handler_);
        address_ = address.text;
        thread_ = std::thread([this] { server_->run(); });
    }
    void TearDown() override {
        if (server_) server_->stop();
        if (thread_.joinable()) thread_.join();
    }

    /// Reads the whole body through async_read_stdin, one read at a time, as ISAPI's
    /// ReadClient does; resolves to the body or the first error.
    static std::future<std::pair<std::error_code, std::string>> read_all(std::shared_ptr<request> r) {
        struct reader : std::enable_shared_from_this<reader> {
            std::shared_ptr<request> r;
            std::array<std::byte, 4096> buffer{};
            std::string body;
            std::promise<std::pair<std::error_code, std::string>> done;
            void next() {
                r->async_read_stdin(buffer, [self = shared_from_this()](std::error_code ec, std::size_t n) {
                    if (ec || n == 0) return self->done.set_value({ec, std::move(self->body)});
                    self->body.append(reinterpret_cast<const char*>(self->buffer.data()), n);
                    self->next();
                });
            }
        };
        auto rd = std::make_shared<reader>();
        rd->r = std::move(r);
        auto f = rd->done.get_future();
        rd->next();
        return f;
    }

    test::temp_dir dir_{"seam"};
    std::shared_ptr<queue_handler> handler_ = std::make_shared<queue_handler>();
    std::unique_ptr<server> server_;
    std::thread thread_;
    std::string address_;
};

std::string pattern(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
    return s;
}

TEST_F(request_seam, body_is_streamed_with_backpressure_and_echoed_from_another_thread) {
    start(16 * 1024);
    test::fcgi_client client(address_);
    client.set_receive_buffer(4096);
    const std::string body = pattern(4 << 20);
    client.begin(1);
    client.params(1, test::wire::cgi_params("/echo", "POST"));

    auto r = handler_->next();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->script_name(), "/echo");

    // Nobody reads the body yet: the engine must stop reading the socket instead of buffering
    // 4 MiB, so sending stalls once the kernel buffers are full.
    client.set_read_while_sending(false);
    std::string stdin_records;
    for (std::size_t off = 0; off < body.size(); off += 32768)
        stdin_records += test::wire::encode_record(test::wire::stdin_stream, 1,
                                                   std::string_view(body).substr(off, 32768));
    stdin_records += test::wire::encode_record(test::wire::stdin_stream, 1, {});
    const std::size_t before = client.bytes_sent();
    const auto stalled = client.try_raw(stdin_records, deadline_after(500ms));
    EXPECT_EQ(stalled, std::errc::timed_out) << "the server kept reading a body nobody consumed";
    const std::size_t sent = client.bytes_sent() - before;
    EXPECT_LT(sent, body.size() / 2) << "far more than limit + socket buffers was accepted";

    // Now consume: the rest must flow, byte for byte.
    auto echoed = read_all(r);
    client.raw(std::string_view(stdin_records).substr(sent));
    ASSERT_EQ(echoed.wait_for(10s), std::future_status::ready);
    auto [ec, received] = echoed.get();
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(received.size(), body.size());
    EXPECT_TRUE(received == body);

    // Respond from this (non-I/O) thread with a borrowed buffer.
    const std::string head = "Status: 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n";
    std::promise<std::error_code> wrote_head, wrote_body;
    r->async_write(std::as_bytes(std::span(head)), [&](std::error_code e) { wrote_head.set_value(e); });
    r->async_write(std::as_bytes(std::span(received)), [&](std::error_code e) { wrote_body.set_value(e); });
    client.set_read_while_sending(true);
    ASSERT_TRUE(client.read_until([&] { return client.state(1).out.size() >= head.size() + body.size(); },
                                  deadline_after(10s)));
    EXPECT_FALSE(wrote_head.get_future().get());
    EXPECT_FALSE(wrote_body.get_future().get());
    r->end(0);
    ASSERT_TRUE(client.wait_end(1, deadline_after(5s)));
    EXPECT_TRUE(client.state(1).out == head + body);
    EXPECT_TRUE(client.state(1).out_closed);
    EXPECT_TRUE(client.violations().empty()) << client.violations().front();
}

}  // namespace
}  // namespace isapi_fcgi::engine

namespace isapi_fcgi::engine {
namespace {

TEST_F(request_seam, closing_the_connection_aborts_the_request_and_fails_its_operations) {
    start();
    auto client = std::make_unique<test::fcgi_client>(address_);
    client->begin(1);
    client->params(1, test::wire::cgi_params("/slow", "POST"));
    client->stdin_data(1, "partial", test::wire::max_content, false);
    auto r = handler_->next();
    ASSERT_TRUE(r);
    std::promise<void> aborted;
    r->on_abort([&] { aborted.set_value(); });
    auto body = read_all(r);
    client->close();
    ASSERT_EQ(aborted.get_future().wait_for(5s), std::future_status::ready);
    EXPECT_TRUE(r->aborted());
    ASSERT_EQ(body.wait_for(5s), std::future_status::ready);
    EXPECT_EQ(body.get().first, errc::request_aborted);
    std::promise<std::error_code> write_result;
    const std::string late = "Status: 200 OK\r\n\r\n";
    r->async_write(std::as_bytes(std::span(late)), [&](std::error_code ec) { write_result.set_value(ec); });
    EXPECT_EQ(write_result.get_future().get(), errc::request_aborted);
    r->end();  // harmless after an abort
}

TEST_F(request_seam, abort_request_record_reaches_the_handler_and_end_answers_it) {
    start();
    test::fcgi_client client(address_);
    client.begin(5);
    client.params(5, test::wire::cgi_params("/long"));
    auto r = handler_->next();
    ASSERT_TRUE(r);
    std::promise<void> aborted;
    r->on_abort([&] { aborted.set_value(); });
    client.abort(5);
    ASSERT_EQ(aborted.get_future().wait_for(5s), std::future_status::ready);
    r->end(3);
    ASSERT_TRUE(client.wait_end(5, deadline_after(5s)));
    EXPECT_EQ(client.state(5).app_status, 3u);
}

TEST_F(request_seam, writes_after_end_fail_and_a_second_end_is_ignored) {
    start();
    test::fcgi_client client(address_);
    client.request(1, test::wire::cgi_params("/x"));
    auto r = handler_->next();
    ASSERT_TRUE(r);
    const std::string out = "Status: 204 No Content\r\n\r\n";
    r->write_copy(out);
    r->end(0);
    r->end(9);
    std::promise<std::error_code> late;
    r->async_write(std::as_bytes(std::span(out)), [&](std::error_code ec) { late.set_value(ec); });
    EXPECT_EQ(late.get_future().get(), errc::request_ended);
    ASSERT_TRUE(client.wait_end(1, deadline_after(5s)));
    EXPECT_EQ(client.state(1).app_status, 0u);
    EXPECT_EQ(client.state(1).out, out);
    // The connection stays usable for the next request (KEEP_CONN).
    client.request(2, test::wire::cgi_params("/y"));
    auto r2 = handler_->next();
    ASSERT_TRUE(r2);
    EXPECT_NE(r2->serial(), r->serial());
    r2->write_copy(out);
    r2->end();
    ASSERT_TRUE(client.wait_end(2, deadline_after(5s)));
}

TEST_F(request_seam, many_requests_answered_concurrently_from_many_threads) {
    start();
    test::fcgi_client client(address_);
    constexpr int count = 32;
    for (int id = 1; id <= count; ++id) {
        client.begin(static_cast<std::uint16_t>(id));
        client.params(static_cast<std::uint16_t>(id), test::wire::cgi_params("/m" + std::to_string(id)));
    }
    std::vector<std::thread> workers;
    for (int i = 0; i < count; ++i) {
        auto r = handler_->next();
        ASSERT_TRUE(r);
        workers.emplace_back([r] {
            const std::string name(r->script_name());
            for (int k = 0; k < 10; ++k) r->write_copy(name + ";");
            r->end(static_cast<std::uint32_t>(r->fcgi_id()));
        });
    }
    for (auto& w : workers) w.join();
    ASSERT_TRUE(client.read_until([&] { return client.ended_count() == count; }, deadline_after(10s)));
    for (int id = 1; id <= count; ++id) {
        const auto& st = client.state(static_cast<std::uint16_t>(id));
        std::string expected;
        for (int k = 0; k < 10; ++k) expected += "/m" + std::to_string(id) + ";";
        EXPECT_EQ(st.out, expected);
        EXPECT_EQ(st.app_status, static_cast<std::uint32_t>(id));
    }
    EXPECT_TRUE(client.violations().empty());
}

}  // namespace
}  // namespace isapi_fcgi::engine

namespace isapi_fcgi::engine {
namespace {

TEST_F(request_seam, log_context_carries_a_unique_serial_and_the_front_ends_request_id) {
    start();
    test::fcgi_client client(address_);
    auto params = test::wire::cgi_params("/a");
    params.emplace_back("REQUEST_ID", "0123456789abcdef0123456789abcdef");
    client.request(1, params);
    client.request(2, test::wire::cgi_params("/b"));
    auto first = handler_->next();
    auto second = handler_->next();
    ASSERT_TRUE(first && second);
    EXPECT_NE(first->serial(), second->serial());
    EXPECT_EQ(first->log_context(),
              "req=" + std::to_string(first->serial()) + " conn=1 fe=0123456789abcdef0123456789abcdef");
    EXPECT_EQ(second->log_context().find("fe="), std::string_view::npos);
    first->end();
    second->end();
    ASSERT_TRUE(client.read_until([&] { return client.ended_count() == 2; }, deadline_after(5s)));
}

}  // namespace
}  // namespace isapi_fcgi::engine

namespace isapi_fcgi::engine {
namespace {

// The text is formatted by the first caller, which may be any thread (an extension thread's log
// line while the connection strand logs too): every caller gets the same, whole text.
TEST_F(request_seam, log_context_formatted_first_by_racing_threads_reads_the_same_everywhere) {
    start();
    test::fcgi_client client(address_);
    auto params = test::wire::cgi_params("/a");
    params.emplace_back("REQUEST_ID", "fedcba9876543210fedcba9876543210");
    client.request(1, params);
    auto r = handler_->next();
    ASSERT_TRUE(r);
    const std::string expected = "req=" + std::to_string(r->serial()) + " conn=1 fe=fedcba9876543210fedcba9876543210";
    std::array<std::string, 4> seen;
    std::vector<std::thread> threads;
    for (auto& s : seen) threads.emplace_back([&r, &s] { s = std::string(r->log_context()); });
    for (auto& t : threads) t.join();
    for (const auto& s : seen) EXPECT_EQ(s, expected);
    r->end();
    ASSERT_TRUE(client.read_until([&] { return client.ended_count() == 1; }, deadline_after(5s)));
}

}  // namespace
}  // namespace isapi_fcgi::engine

namespace isapi_fcgi::engine {
namespace {

// An output turn (the ISAPI outbox's flush) queues several writes and an end on the strand and
// sends them in one write when the turn ends, with no post. Turns of several requests of one
// connection nest, and writes posted from other threads meanwhile share that connection's
// output: each piece arrives once and in order, and a write's handler never runs inside the call
// that queued it (ISAPI's completions must not run inside WriteClient).
thread_local bool inside_a_queuing_call = false;

TEST_F(request_seam, output_turns_nested_on_the_strand_and_posted_writes_share_a_connection_without_loss) {
    start();
    test::fcgi_client client(address_);
    constexpr int count = 48;
    constexpr int pieces = 20;
    for (int id = 1; id <= count; ++id) {
        client.begin(static_cast<std::uint16_t>(id));
        client.params(static_cast<std::uint16_t>(id), test::wire::cgi_params("/t" + std::to_string(id)));
    }
    std::vector<std::shared_ptr<request>> requests;
    for (int i = 0; i < count; ++i) {
        auto r = handler_->next();
        ASSERT_TRUE(r);
        requests.push_back(std::move(r));
    }
    std::mutex handlers_mutex;
    std::condition_variable handler_ran;
    int handlers_run = 0, handler_errors = 0, handlers_inside_their_call = 0;
    const auto count_handler = [&](std::error_code ec) {
        const bool inside = inside_a_queuing_call;
        std::lock_guard lock(handlers_mutex);
        handler_errors += ec ? 1 : 0;
        handlers_inside_their_call += inside ? 1 : 0;
        ++handlers_run;
        handler_ran.notify_all();
    };
    const auto on_written = [&count_handler](std::error_code ec) { count_handler(ec); };
    const auto write_in_turn = [&](request& r, const std::string& text) {
        inside_a_queuing_call = true;
        r.write_on_strand({}, text, on_written);
        inside_a_queuing_call = false;
    };
    // Requests are taken in pairs: the first of a pair writes from a thread of its own through
    // posted writes, the second pair member's turn nests inside the third's on the strand.
    std::vector<std::thread> threads;
    for (int i = 0; i + 2 < count; i += 3) {
        auto posted = requests[i];
        auto outer = requests[i + 1];
        auto inner = requests[i + 2];
        threads.emplace_back([posted, &on_written] {
            const std::string name(posted->script_name());
            for (int k = 0; k < pieces; ++k) {
                inside_a_queuing_call = true;
                posted->write_copy(name, on_written);
                inside_a_queuing_call = false;
            }
            posted->end(posted->fcgi_id());
        });
        threads.emplace_back([outer, inner, &write_in_turn] {
            boost::asio::post(outer->executor(), [outer, inner, &write_in_turn] {
                outer->begin_output_turn_on_strand();
                const std::string outer_name(outer->script_name());
                const std::string inner_name(inner->script_name());
                for (int k = 0; k < pieces; ++k) {
                    write_in_turn(*outer, outer_name + ";");
                    if (k == pieces / 2) {
                        inner->begin_output_turn_on_strand();
                        for (int j = 0; j < pieces; ++j) write_in_turn(*inner, inner_name + ";");
                        inner->end_on_strand(inner->fcgi_id());
                        inner->end_output_turn_on_strand();
                    }
                }
                outer->end_on_strand(outer->fcgi_id());
                outer->end_output_turn_on_strand();
            });
        });
    }
    for (auto& t : threads) t.join();
    const int answered = count / 3 * 3;
    ASSERT_TRUE(client.read_until([&] { return client.ended_count() == static_cast<std::size_t>(answered); },
                                  deadline_after(10s)));
    for (int id = 1; id <= answered; ++id) {
        const auto& st = client.state(static_cast<std::uint16_t>(id));
        const std::string name = "/t" + std::to_string(id);
        const bool posted = (id - 1) % 3 == 0;
        std::string expected;
        for (int k = 0; k < pieces; ++k) expected += posted ? name : name + ";";
        EXPECT_EQ(st.out, expected) << "request " << id;
        EXPECT_EQ(st.app_status, static_cast<std::uint32_t>(id));
    }
    EXPECT_TRUE(client.violations().empty());
    for (auto& r : requests) r.reset();
    // Every handler runs once, without an error, and outside the call that queued its write.
    const int expected_handlers = answered * pieces;
    {
        std::unique_lock lock(handlers_mutex);
        EXPECT_TRUE(handler_ran.wait_for(lock, 5s, [&] { return handlers_run >= expected_handlers; }));
    }
    // A turn with nothing else on the connection: its own end sends its output.
    client.request(100, test::wire::cgi_params("/last"));
    auto last = handler_->next();
    ASSERT_TRUE(last);
    boost::asio::post(last->executor(), [last, &write_in_turn] {
        last->begin_output_turn_on_strand();
        write_in_turn(*last, "alone");
        last->end_on_strand(7);
        last->end_output_turn_on_strand();
    });
    ASSERT_TRUE(client.read_until([&] { return client.ended_count() == static_cast<std::size_t>(answered) + 1; },
                                  deadline_after(10s)));
    EXPECT_EQ(client.state(100).out, "alone");
    EXPECT_EQ(client.state(100).app_status, 7u);
    std::unique_lock lock(handlers_mutex);
    EXPECT_TRUE(handler_ran.wait_for(lock, 5s, [&] { return handlers_run > expected_handlers; }));
    EXPECT_EQ(handlers_run, expected_handlers + 1);
    EXPECT_EQ(handler_errors, 0);
    EXPECT_EQ(handlers_inside_their_call, 0);
}

}  // namespace
}  // namespace isapi_fcgi::engine
