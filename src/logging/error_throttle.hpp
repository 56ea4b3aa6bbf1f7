#pragma once
// Lets a repeating error through at most once per interval and counts the ones held back, so a
// full disk or a vanished log file produces one stderr line per second rather than one per
// log call. Pure: the caller passes the time.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>

namespace isapi_fcgi::logging {

class error_throttle {
public:
    using clock = std::chrono::steady_clock;

    explicit error_throttle(clock::duration interval = std::chrono::seconds(1)) noexcept
        : interval_(interval) {}

    /// Thread-safe. When an error at `now` may be reported, returns how many were held back
    /// since the last report; otherwise counts this one and returns nullopt.
    std::optional<std::uint64_t> admit(clock::time_point now);

private:
    std::mutex mutex_;
    clock::duration interval_;
    std::optional<clock::time_point> last_report_;
    std::uint64_t held_back_ = 0;
};

}  // namespace isapi_fcgi::logging
