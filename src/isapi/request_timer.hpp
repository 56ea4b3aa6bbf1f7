#pragma once
// One request's deadline actor (Asio's timeouts/server.cpp pattern). It lives on the request's
// connection strand, an I/O thread, so a deadline fires even while every extension thread is
// busy or hung: that is how a request stuck in the queue still gets its 503 and a hung extension
// its 504. The owner decides what each expiry means and re-arms it for its next deadline.
#include <chrono>
#include <functional>
#include <memory>

#include "engine/asio.hpp"

namespace isapi_fcgi::isapi {

class request_timer : public std::enable_shared_from_this<request_timer> {
public:
    using clock = std::chrono::steady_clock;

    explicit request_timer(engine::asio::any_io_executor strand);

    /// Thread-safe. (Re)arms the timer for `when`; `on_expiry` then runs on the strand, unless
    /// arm() or cancel() is called again first. `on_expiry` must not block.
    void arm(clock::time_point when, std::function<void()> on_expiry);
    /// Thread-safe. Drops the pending expiry, if any.
    void cancel();

private:
    void do_arm(clock::time_point when, std::function<void()> on_expiry);

    engine::asio::any_io_executor strand_;
    engine::asio::steady_timer timer_;  // strand only
};

}  // namespace isapi_fcgi::isapi
