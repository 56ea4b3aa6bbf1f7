#include "logging/error_throttle.hpp"

namespace isapi_fcgi::logging {

std::optional<std::uint64_t> error_throttle::admit(clock::time_point now) {
    const std::lock_guard lock(mutex_);
    if (last_report_ && now - *last_report_ < interval_) {
        ++held_back_;
        return std::nullopt;
    }
    last_report_ = now;
    const std::uint64_t held_back = held_back_;
    held_back_ = 0;
    return held_back;
}

}  // namespace isapi_fcgi::logging
