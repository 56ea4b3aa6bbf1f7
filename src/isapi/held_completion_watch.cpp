#include "isapi/held_completion_watch.hpp"

#include <algorithm>

namespace isapi_fcgi::isapi {

held_completion_watch::held_completion_watch(clock::duration grace, clock::duration idle_after)
    : grace_(grace), idle_after_(idle_after), thread_([this](std::stop_token stop) { run(std::move(stop)); }) {}

held_completion_watch::~held_completion_watch() {
    thread_.request_stop();
    thread_.join();
}

void held_completion_watch::watch(holder& who) {
    std::lock_guard lock(mutex_);
    const auto due = clock::now() + grace_;
    entries_.push_back({&who, due});
    if (due < wakes_at_) changed_.notify_one();
}

void held_completion_watch::forget(holder& who) {
    std::unique_lock lock(mutex_);
    // Recent entries are at the back, and only procs still running are listed.
    const auto found = std::find_if(entries_.rbegin(), entries_.rend(), [&who](const entry& e) { return e.who == &who; });
    if (found != entries_.rend()) entries_.erase(std::next(found).base());
    changed_.wait(lock, [this, &who] { return releasing_ != &who; });
}

held_completion_watch::holder* held_completion_watch::take_due(clock::time_point now) {
    if (entries_.empty() || entries_.front().due > now) return nullptr;
    holder* who = entries_.front().who;
    entries_.pop_front();
    return who;
}

void held_completion_watch::run(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    auto last_busy = clock::now();
    while (!stop.stop_requested()) {
        const auto now = clock::now();
        if (holder* who = take_due(now)) {
            releasing_ = who;
            lock.unlock();
            who->release_held_completions();
            lock.lock();
            releasing_ = nullptr;
            changed_.notify_all();  // a forget() may wait for this release
            continue;
        }
        if (!entries_.empty()) {
            last_busy = now;
            wakes_at_ = entries_.front().due;
        } else {
            wakes_at_ = now - last_busy < idle_after_ ? now + grace_ : clock::time_point::max();
        }
        const auto when = wakes_at_;
        // Woken early only by an entry due before `when` (watch() notifies just then).
        const auto earlier_entry = [this, when] { return !entries_.empty() && entries_.front().due < when; };
        if (when == clock::time_point::max())
            changed_.wait(lock, stop, earlier_entry);
        else
            changed_.wait_until(lock, stop, when, earlier_entry);
    }
}

}  // namespace isapi_fcgi::isapi
