#include "ops/crash_quarantine.hpp"

#include <gtest/gtest.h>

#include "ops/status_snapshot.hpp"
#include "ops/worker_observer.hpp"

namespace isapi_fcgi::ops {
namespace {

TEST(crash_quarantine, the_key_is_extension_method_normalised_url_and_query) {
    const auto key = quarantine_key(1, "GET", "/scripts/app.dll/crash?id=7");
    EXPECT_NE(key, 0U);
    // The same request spelled otherwise: escapes decoded, dot segments and doubled slashes.
    EXPECT_EQ(quarantine_key(1, "GET", "/scripts/app.dll/%63rash?id=7"), key);
    EXPECT_EQ(quarantine_key(1, "GET", "/scripts/./app.dll//crash?id=7"), key);
    EXPECT_EQ(quarantine_key(1, "GET", "/scripts/x/../app.dll/crash?id=7"), key);
    // Anything else is another request.
    EXPECT_NE(quarantine_key(1, "GET", "/scripts/app.dll/crash?id=8"), key);
    EXPECT_NE(quarantine_key(1, "GET", "/scripts/app.dll/crash"), key);
    EXPECT_NE(quarantine_key(1, "POST", "/scripts/app.dll/crash?id=7"), key);
    EXPECT_NE(quarantine_key(2, "GET", "/scripts/app.dll/crash?id=7"), key);
    // The query is kept as sent (IIS does not normalise it either).
    EXPECT_NE(quarantine_key(1, "GET", "/scripts/app.dll/crash?id=%37"), key);
    // The field boundaries count: method "GE" + URL "T/x" is not method "GET" + URL "/x".
    EXPECT_NE(quarantine_key(1, "GE", "T/x"), quarantine_key(1, "GET", "/x"));
    // A URL that cannot be normalised still has a key of its own.
    EXPECT_NE(quarantine_key(1, "GET", "/a/%zz"), quarantine_key(1, "GET", "/a/%yy"));
}

TEST(crash_quarantine, refuses_for_the_period_and_says_which_refusal_is_the_first) {
    auto board = scoreboard::local();
    auto& header = board.header();
    const auto now = monotonic_ms();
    const auto key = quarantine_key(0, "GET", "/a.dll/segv");
    EXPECT_FALSE(check_quarantine(header, key, now).refused);
    EXPECT_TRUE(quarantine(header, key, "GET /a.dll/segv", now + 60'000));
    const auto first = check_quarantine(header, key, now);
    EXPECT_TRUE(first.refused);
    EXPECT_TRUE(first.first);
    const auto second = check_quarantine(header, key, now + 59'999);
    EXPECT_TRUE(second.refused);
    EXPECT_FALSE(second.first);
    EXPECT_FALSE(check_quarantine(header, key + 1, now).refused);
    EXPECT_FALSE(check_quarantine(header, key, now + 60'000).refused) << "the period is over";
    // Quarantined again while in force: the same entry, a longer period, refusals still counted.
    EXPECT_FALSE(quarantine(header, key, "GET /a.dll/segv", now + 90'000));
    EXPECT_TRUE(check_quarantine(header, key, now + 60'000).refused);
    EXPECT_EQ(header.quarantined_total.load(), 1U);
    const auto snapshot = take_snapshot(board, "p", {});
    ASSERT_EQ(snapshot.quarantined.size(), 1U);
    EXPECT_EQ(snapshot.quarantined[0].line, "GET /a.dll/segv");
    EXPECT_EQ(snapshot.quarantined[0].refused, 3U);
}

TEST(crash_quarantine, a_full_list_gives_up_the_entry_that_ends_first) {
    auto board = scoreboard::local();
    auto& header = board.header();
    const auto now = monotonic_ms();
    for (std::uint64_t i = 0; i < max_quarantined; ++i)
        EXPECT_TRUE(quarantine(header, 100 + i, "GET /x", now + 10'000 + static_cast<std::int64_t>(i)));
    EXPECT_TRUE(quarantine(header, 999, "GET /new", now + 60'000));
    EXPECT_FALSE(check_quarantine(header, 100, now).refused) << "the oldest entry was replaced";
    EXPECT_TRUE(check_quarantine(header, 101, now).refused);
    EXPECT_TRUE(check_quarantine(header, 999, now).refused);
}

TEST(crash_quarantine, the_worker_observer_refuses_a_quarantined_request_once_keyed) {
    auto board = scoreboard::local();
    reset_slot(board.slot(0), 1, 1);
    worker_observer observer{board, board.slot(0), {"one", "two"}, 4, 0, nullptr};
    observer.enable_crash_quarantine();
    observer.request_started({7, "p", "two", 1, "GET", "/two.dll/segv"});
    EXPECT_FALSE(observer.admit(7).refused);
    quarantine(board.header(), quarantine_key(board.extension_name_index("two"), "GET", "/two.dll/%73egv"),
               "GET /two.dll/segv", monotonic_ms() + 60'000);
    const auto refused = observer.admit(7);
    EXPECT_TRUE(refused.refused);
    EXPECT_TRUE(refused.log_it);
    observer.request_started({8, "p", "two", 1, "GET", "/two.dll/segv"});
    EXPECT_TRUE(observer.admit(8).refused);
    EXPECT_FALSE(observer.admit(8).log_it) << "logged once per period";
    observer.request_started({9, "p", "one", 0, "GET", "/two.dll/segv"});
    EXPECT_FALSE(observer.admit(9).refused) << "another extension";
}

}  // namespace
}  // namespace isapi_fcgi::ops
