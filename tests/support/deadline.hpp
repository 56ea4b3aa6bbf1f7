#pragma once
// Every wait in the tests is bounded: helpers take an absolute deadline on the steady clock.
#include <chrono>

namespace isapi_fcgi::test {

using clock = std::chrono::steady_clock;
using deadline = clock::time_point;

inline deadline deadline_after(std::chrono::milliseconds span) { return clock::now() + span; }

/// Milliseconds left until `when` (0 once passed), for poll(2).
inline int poll_timeout_ms(deadline when)
{
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(when - clock::now()).count();
    if (left <= 0) {
        return 0;
    }
    return left > 1000000 ? 1000000 : static_cast<int>(left);
}

/// Sanitizer builds run several times slower; start-up and shutdown bounds scale with this.
inline std::chrono::milliseconds scaled(std::chrono::milliseconds span)
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    return span * 4;
#else
    return span;
#endif
}

}  // namespace isapi_fcgi::test
