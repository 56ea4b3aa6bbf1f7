#include "isapi/session_state.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace isapi_fcgi::isapi {
namespace {

using done = session_state::done_result;
using submit = session_state::submit_result;

session_state running() {
    session_state s;
    s.proc_started();
    return s;
}

TEST(session_state, a_final_status_finishes_the_request_at_once) {
    auto s = running();
    EXPECT_FALSE(s.should_tear_down());
    s.proc_returned(false);
    EXPECT_TRUE(s.should_end_response());
    EXPECT_TRUE(s.should_tear_down());
}

TEST(session_state, pending_waits_for_done_with_session) {
    auto s = running();
    s.proc_returned(true);
    EXPECT_FALSE(s.should_end_response());
    EXPECT_FALSE(s.should_tear_down());
    EXPECT_EQ(s.done_with_session(), done::accepted);
    EXPECT_TRUE(s.should_end_response());
    EXPECT_TRUE(s.should_tear_down());
}

TEST(session_state, done_before_the_proc_returns_pending_finishes_when_it_returns) {
    auto s = running();
    EXPECT_EQ(s.done_with_session(), done::accepted);
    EXPECT_FALSE(s.should_tear_down()) << "the proc still uses the ECB";
    s.proc_returned(true);
    EXPECT_TRUE(s.should_tear_down());
}

TEST(session_state, one_late_done_after_a_final_status_is_tolerated_then_refused) {
    auto s = running();
    s.proc_returned(false);
    EXPECT_FALSE(s.done_taken());
    EXPECT_EQ(s.done_with_session(), done::not_pending);
    EXPECT_TRUE(s.done_taken());
    EXPECT_EQ(s.done_with_session(), done::duplicate);
}

TEST(session_state, a_done_that_came_before_a_final_status_leaves_none_to_tolerate) {
    // The extension's own thread called DONE_WITH_SESSION while HttpExtensionProc was still
    // returning HSE_STATUS_SUCCESS: that one got TRUE, so the tombstone tolerates no other.
    auto s = running();
    EXPECT_EQ(s.done_with_session(), done::accepted);
    s.proc_returned(false);
    EXPECT_TRUE(s.done_taken());
    EXPECT_EQ(s.done_with_session(), done::duplicate);
}

TEST(session_state, a_second_done_after_pending_is_refused) {
    auto s = running();
    s.proc_returned(true);
    EXPECT_EQ(s.done_with_session(), done::accepted);
    EXPECT_EQ(s.done_with_session(), done::duplicate);
}

TEST(session_state, an_outstanding_operation_defers_the_end_until_its_completion_has_run) {
    auto s = running();
    EXPECT_EQ(s.submit_async(false), submit::started);
    s.proc_returned(true);
    EXPECT_EQ(s.done_with_session(), done::accepted);
    EXPECT_FALSE(s.should_tear_down());
    s.completion_started();
    EXPECT_FALSE(s.should_tear_down()) << "the completion is using the ECB";
    s.completion_finished();
    EXPECT_TRUE(s.should_tear_down());
}

TEST(session_state, a_final_status_with_an_operation_outstanding_waits_for_its_completion) {
    auto s = running();
    EXPECT_EQ(s.submit_async(false), submit::started);
    s.proc_returned(false);
    EXPECT_FALSE(s.should_end_response());
    s.completion_started();
    s.completion_finished();
    EXPECT_TRUE(s.should_end_response());
}

TEST(session_state, a_completion_chaining_the_next_operation_is_not_a_second_outstanding_one) {
    auto s = running();
    s.proc_returned(true);
    EXPECT_EQ(s.submit_async(true), submit::started);
    for (int i = 0; i < 3; ++i) {
        s.completion_started();
        EXPECT_EQ(s.submit_async(true), submit::started) << "chained from completion " << i;
        s.completion_finished();
    }
    EXPECT_EQ(s.outstanding(), 1u);
}

TEST(session_state, a_second_outstanding_operation_is_queued_or_refused_in_strict_mode) {
    auto lenient = running();
    EXPECT_EQ(lenient.submit_async(false), submit::started);
    EXPECT_EQ(lenient.submit_async(false), submit::queued);
    EXPECT_EQ(lenient.outstanding(), 2u);

    auto strict = running();
    EXPECT_EQ(strict.submit_async(true), submit::started);
    EXPECT_EQ(strict.submit_async(true), submit::refused);
    EXPECT_EQ(strict.outstanding(), 1u);
}

TEST(session_state, a_response_ended_early_still_waits_for_the_extension_before_tear_down) {
    auto s = running();
    s.proc_returned(true);
    s.response_ended();  // request_timeout answered 504
    EXPECT_FALSE(s.should_end_response());
    EXPECT_FALSE(s.should_tear_down()) << "the ECB stays valid until DONE_WITH_SESSION";
    EXPECT_EQ(s.done_with_session(), done::accepted);
    EXPECT_FALSE(s.should_end_response());
    EXPECT_TRUE(s.should_tear_down());
}

TEST(session_state, a_skipped_extension_is_finished) {
    session_state s;
    s.proc_skipped();
    EXPECT_TRUE(s.extension_finished());
    EXPECT_TRUE(s.should_tear_down());
}

TEST(session_state, torn_down_once) {
    auto s = running();
    s.proc_returned(false);
    ASSERT_TRUE(s.should_tear_down());
    s.torn_down();
    EXPECT_FALSE(s.should_tear_down());
}

// Every order of: the proc returning PENDING (R), DONE_WITH_SESSION (D), two asynchronous
// operations submitted (1, 2), and their completions starting and finishing (x/X, y/Y; one at a
// time, as on the request's strand; DONE may fall inside a completion). Whatever the order, the
// request is torn down exactly once, at the first moment the proc has returned, DONE was seen and
// nothing is outstanding or completing, and never before. Orders where a submit would follow the
// tear-down are impossible (the ConnID is dead by then) and skipped.
TEST(session_state, every_ordering_tears_down_once_and_never_early) {
    std::string events = "12DRXYxy";
    std::sort(events.begin(), events.end());
    int orderings = 0;
    do {
        const auto pos = [&events](char e) { return events.find(e); };
        if (!(pos('1') < pos('x') && pos('x') < pos('X') && pos('X') < pos('y') && pos('y') < pos('Y') &&
              pos('1') < pos('2') && pos('2') < pos('y')))
            continue;
        auto s = running();
        bool returned = false, done_seen = false, in_completion = false, torn = false, impossible = false;
        int outstanding = 0, tear_downs = 0;
        for (const char e : events) {
            if (torn && (e == '1' || e == '2')) impossible = true;
            switch (e) {
            case 'R': s.proc_returned(true); returned = true; break;
            case 'D': s.done_with_session(); done_seen = true; break;
            case '1':
            case '2': s.submit_async(false); ++outstanding; break;
            case 'x':
            case 'y': s.completion_started(); --outstanding; in_completion = true; break;
            case 'X':
            case 'Y': s.completion_finished(); in_completion = false; break;
            }
            const bool due = returned && done_seen && outstanding == 0 && !in_completion && !torn;
            EXPECT_EQ(s.should_tear_down(), due) << events << " after " << e;
            if (s.should_tear_down()) {
                s.torn_down();
                torn = true;
                ++tear_downs;
            }
        }
        if (impossible) continue;
        ++orderings;
        EXPECT_EQ(tear_downs, 1) << events;
    } while (std::next_permutation(events.begin(), events.end()));
    EXPECT_GT(orderings, 50);
}

}  // namespace
}  // namespace isapi_fcgi::isapi
