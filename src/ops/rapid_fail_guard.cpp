#include "ops/rapid_fail_guard.hpp"

namespace isapi_fcgi::ops {

void rapid_fail_guard::forget_before(clock::time_point now) {
    while (!crashes_.empty() && now - crashes_.front() >= interval_) crashes_.pop_front();
}

bool rapid_fail_guard::record_crash(clock::time_point now) {
    if (max_crashes_ == 0) return false;
    forget_before(now);
    crashes_.push_back(now);
    return crashes_.size() >= max_crashes_;
}

std::size_t rapid_fail_guard::recent(clock::time_point now) {
    forget_before(now);
    return crashes_.size();
}

}  // namespace isapi_fcgi::ops
