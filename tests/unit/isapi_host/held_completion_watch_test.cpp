#include "isapi/held_completion_watch.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace isapi_fcgi::isapi {
namespace {

using namespace std::chrono_literals;

// Counts releases; wait_released() is the event the tests wait on instead of sleeping.
class counting_holder : public held_completion_watch::holder {
public:
    void release_held_completions() override {
        std::lock_guard lock(mutex_);
        ++releases_;
        changed_.notify_all();
    }
    bool wait_released(std::chrono::seconds within = 10s) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, within, [this] { return releases_ > 0; });
    }
    int releases() {
        std::lock_guard lock(mutex_);
        return releases_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int releases_ = 0;
};

TEST(held_completion_watch, a_holder_still_watched_after_the_grace_is_released_once) {
    held_completion_watch watch(1ms);
    counting_holder holder;
    watch.watch(holder);
    ASSERT_TRUE(holder.wait_released());
    watch.forget(holder);
    EXPECT_EQ(holder.releases(), 1);
}

TEST(held_completion_watch, a_holder_forgotten_before_the_grace_is_never_released) {
    held_completion_watch watch(20ms);
    counting_holder forgotten, later;
    watch.watch(forgotten);
    watch.forget(forgotten);
    watch.watch(later);  // due after `forgotten` would have been: its release proves the time passed
    ASSERT_TRUE(later.wait_released());
    EXPECT_EQ(forgotten.releases(), 0);
}

TEST(held_completion_watch, holders_are_released_in_the_order_they_were_watched) {
    held_completion_watch watch(1ms);
    std::mutex mutex;
    std::vector<int> order;
    struct numbered : held_completion_watch::holder {
        numbered(int number, std::mutex& guard, std::vector<int>& released)
            : n(number), m(guard), o(released) {}
        void release_held_completions() override {
            std::lock_guard lock(m);
            o.push_back(n);
        }
        int n;
        std::mutex& m;
        std::vector<int>& o;
    };
    std::vector<std::unique_ptr<numbered>> holders;
    for (int i = 0; i < 50; ++i) {
        holders.push_back(std::make_unique<numbered>(i, mutex, order));
        watch.watch(*holders.back());
    }
    counting_holder last;
    watch.watch(last);
    ASSERT_TRUE(last.wait_released());
    std::lock_guard lock(mutex);
    ASSERT_EQ(order.size(), 50u);
    for (int i = 0; i < 50; ++i) EXPECT_EQ(order[i], i);
}

TEST(held_completion_watch, forget_returns_only_after_a_release_in_progress_has_left) {
    held_completion_watch watch(1ms);
    struct blocking_holder : held_completion_watch::holder {
        void release_held_completions() override {
            std::unique_lock lock(m);
            inside = true;
            cv.notify_all();
            cv.wait(lock, [this] { return let_go; });
            left = true;
        }
        std::mutex m;
        std::condition_variable cv;
        bool inside = false, let_go = false;
        std::atomic<bool> left{false};
    } holder;
    watch.watch(holder);
    {
        std::unique_lock lock(holder.m);
        ASSERT_TRUE(holder.cv.wait_for(lock, 10s, [&] { return holder.inside; }));
    }
    std::atomic<bool> forgot{false};
    bool left_before_forget_returned = false;
    std::thread forgetter([&] {
        watch.forget(holder);
        left_before_forget_returned = holder.left.load();
        forgot = true;
    });
    EXPECT_FALSE(forgot.load());  // the release is still blocked inside
    {
        std::lock_guard lock(holder.m);
        holder.let_go = true;
    }
    holder.cv.notify_all();
    forgetter.join();
    EXPECT_TRUE(left_before_forget_returned);
}

TEST(held_completion_watch, an_idle_watch_wakes_for_a_new_holder) {
    held_completion_watch watch(1ms, 0ms);  // sleeps until notified as soon as it is empty
    counting_holder first;
    watch.watch(first);
    ASSERT_TRUE(first.wait_released());
    counting_holder second;
    watch.watch(second);
    EXPECT_TRUE(second.wait_released(5s));
}

}  // namespace
}  // namespace isapi_fcgi::isapi
