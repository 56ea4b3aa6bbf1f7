#include "ops/worker_observer.hpp"

#include <gtest/gtest.h>

#include "ops/status_snapshot.hpp"

namespace isapi_fcgi::ops {
namespace {

scoreboard fresh_board() {
    // As the master does before a worker starts: the slot is reset, then the worker fills it.
    auto board = scoreboard::local();
    reset_slot(board.slot(0), 1, 1);
    board.slot(0).state.store(static_cast<std::uint32_t>(slot_state::ready));
    return board;
}

struct observed {
    scoreboard board = fresh_board();
    std::vector<std::pair<restart_cause, std::string>> recycles;
    worker_observer observer{board, board.slot(0), {"one", "two"}, 4, 3,
                             [this](restart_cause c, std::string r) { recycles.emplace_back(c, std::move(r)); }};
};

TEST(worker_observer, counts_requests_tracks_urls_and_fills_the_histogram) {
    observed o;
    o.observer.request_started({5, "p", "two", 1, "GET", "/two.dll/x?y"});
    o.observer.extension_code_entered(5);
    auto s = take_snapshot(o.board, "p", {});
    ASSERT_EQ(s.workers.size(), 1U);
    ASSERT_EQ(s.workers[0].requests_in_flight.size(), 1U);
    EXPECT_EQ(s.workers[0].requests_in_flight[0].line, "GET /two.dll/x?y");
    EXPECT_EQ(s.workers[0].requests_in_flight[0].extension, "two");
    EXPECT_GE(s.workers[0].requests_in_flight[0].in_code_ms, 0);
    EXPECT_EQ(s.busy_threads, 1U);
    o.observer.extension_code_left(5);
    isapi::request_finished_info done;
    done.serial = 5;
    done.extension_index = 1;
    done.status_sent = 502;
    done.duration = std::chrono::milliseconds(30);
    o.observer.request_finished(done);
    s = take_snapshot(o.board, "p", {});
    EXPECT_EQ(s.in_flight, 0U);
    EXPECT_TRUE(s.workers[0].requests_in_flight.empty());
    EXPECT_EQ(s.status_classes[5], 1U);
    ASSERT_EQ(s.extensions.size(), 2U);
    EXPECT_EQ(s.extensions[1].requests, 1U);
    EXPECT_EQ(s.extensions[1].errors, 1U);
    EXPECT_EQ(s.extensions[1].buckets[5], 1U);  // 30ms: the 50ms bucket
}

TEST(worker_observer, asks_for_a_recycle_once_at_max_requests) {
    observed o;
    for (std::uint64_t serial = 1; serial <= 5; ++serial) o.observer.request_started({serial, "p", "one", 0, "GET", "/"});
    ASSERT_EQ(o.recycles.size(), 1U);
    EXPECT_EQ(o.recycles[0].first, restart_cause::max_requests);
}

TEST(worker_observer, report_unhealthy_asks_for_a_recycle_with_the_reason) {
    observed o;
    o.observer.extension_unhealthy("p", "one", "database pool exhausted");
    ASSERT_EQ(o.recycles.size(), 1U);
    EXPECT_EQ(o.recycles[0].first, restart_cause::unhealthy);
    EXPECT_EQ(o.recycles[0].second, "extension 'one' reported unhealthy: database pool exhausted");
}

TEST(scoreboard, retired_workers_keep_counting_in_the_totals) {
    observed o;
    o.observer.request_started({1, "p", "one", 0, "GET", "/"});
    retire_slot(o.board.header(), o.board.slot(0));
    const auto s = take_snapshot(o.board, "p", {});
    EXPECT_EQ(s.requests, 1U);
    EXPECT_TRUE(s.workers.empty());
}

}  // namespace
}  // namespace isapi_fcgi::ops
