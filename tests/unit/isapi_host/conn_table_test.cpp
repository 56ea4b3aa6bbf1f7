#include "isapi/conn_table.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <set>

namespace isapi_fcgi::isapi {
namespace {

// The table only stores and hands back the pointer, so these tests use a null one: what is
// checked is the handle arithmetic and the tombstones.
using state = conn_table::state;

TEST(conn_table, a_conn_id_is_never_zero_and_names_its_request_while_live) {
    conn_table table;
    const auto id = table.add(nullptr);
    EXPECT_NE(id, 0u);
    EXPECT_EQ(table.find(id).what, state::live);
}

TEST(conn_table, unknown_and_forged_ids_find_nothing) {
    conn_table table;
    const auto id = table.add(nullptr);
    EXPECT_EQ(table.find(0).what, state::unknown);
    EXPECT_EQ(table.find(id + 1).what, state::unknown);             // a slot never handed out
    EXPECT_EQ(table.find(id + (std::uint64_t{1} << 32)).what, state::unknown);  // wrong generation
    EXPECT_EQ(table.find(0xdeadbeefcafe).what, state::unknown);
}

TEST(conn_table, an_ended_request_leaves_a_tombstone_of_its_kind) {
    conn_table table;
    const auto pending = table.add(nullptr);
    const auto final = table.add(nullptr);
    table.end(pending, true);
    table.end(final, false);
    EXPECT_EQ(table.find(pending).what, state::ended);
    EXPECT_EQ(table.find(final).what, state::ended_not_pending);
    EXPECT_FALSE(table.find(final).request);
}

TEST(conn_table, one_late_done_is_taken_for_a_final_status_and_none_after_pending) {
    conn_table table;
    const auto final = table.add(nullptr);
    const auto pending = table.add(nullptr);
    table.end(final, false);
    table.end(pending, true);
    EXPECT_TRUE(table.take_late_done(final));
    EXPECT_FALSE(table.take_late_done(final));
    EXPECT_EQ(table.find(final).what, state::ended);
    EXPECT_FALSE(table.take_late_done(pending));
    const auto live = table.add(nullptr);
    EXPECT_FALSE(table.take_late_done(live)) << "a live request is not a tombstone";
}

TEST(conn_table, slots_are_reused_only_after_the_delay_and_then_with_a_new_generation) {
    conn_table table;
    std::set<std::uint64_t> ended;
    const auto first = table.add(nullptr);
    table.end(first, true);
    ended.insert(first);
    for (std::size_t i = 0; i < conn_table::reuse_delay; ++i) {
        const auto id = table.add(nullptr);
        EXPECT_NE(id & 0xffffffffu, first & 0xffffffffu) << "reused before the delay, at " << i;
        table.end(id, true);
        ended.insert(id);
    }
    const auto reused = table.add(nullptr);
    EXPECT_EQ(reused & 0xffffffffu, first & 0xffffffffu) << "the oldest ended slot comes back first";
    EXPECT_NE(reused, first);
    EXPECT_EQ(table.find(first).what, state::unknown) << "a stale id does not reach the new request";
    EXPECT_EQ(table.find(reused).what, state::live);
    EXPECT_EQ(ended.count(reused), 0u);
}

TEST(conn_table, live_requests_lists_only_live_slots) {
    conn_table table;
    const auto a = table.add(nullptr);
    table.add(nullptr);
    table.end(a, true);
    EXPECT_EQ(table.live_requests().size(), 1u);
}

}  // namespace
}  // namespace isapi_fcgi::isapi
