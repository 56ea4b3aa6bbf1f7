#pragma once
// IIS rapid-fail protection for one pool: `max_crashes` worker crashes within `interval` stop
// the pool. Pure: the caller passes the time, so tests drive it with a made-up clock.
#include <chrono>
#include <cstddef>
#include <deque>

namespace isapi_fcgi::ops {

class rapid_fail_guard {
public:
    using clock = std::chrono::steady_clock;

    /// `max_crashes` 0 disables the protection.
    rapid_fail_guard(unsigned max_crashes, std::chrono::milliseconds interval) noexcept
        : max_crashes_(max_crashes), interval_(interval) {}

    /// Counts a crash at `now`; true when it trips the guard (the pool must stop respawning).
    bool record_crash(clock::time_point now);
    /// Crashes counted within the interval before `now`.
    std::size_t recent(clock::time_point now);
    /// Forgets every crash (a reload restarts the pool).
    void reset() noexcept { crashes_.clear(); }

    unsigned max_crashes() const noexcept { return max_crashes_; }
    std::chrono::milliseconds interval() const noexcept { return interval_; }

private:
    void forget_before(clock::time_point now);

    unsigned max_crashes_;
    std::chrono::milliseconds interval_;
    std::deque<clock::time_point> crashes_;
};

}  // namespace isapi_fcgi::ops
