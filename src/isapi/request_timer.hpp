#pragma once
// One request's deadline actor (Asio's timeouts/server.cpp pattern). It lives on the request's
// connection strand, an I/O thread, so a deadline fires even while every extension thread is
// busy or hung: that is how a request stuck in the queue still gets its 503 and a hung extension
// its 504. The owner decides what each expiry means and re-arms it for its next deadline.
//
// Typed on the strand itself and calling back through a weak pointer to its owner: no
// any_io_executor (a strand does not fit its small buffer, so each copy allocated) and no
// std::function per arm.
#include <chrono>
#include <memory>

#include "engine/asio.hpp"

namespace isapi_fcgi::isapi {

/// What a request_timer calls on expiry, on the strand. Must not block.
class deadline_owner {
public:
    virtual void on_deadline() = 0;

protected:
    ~deadline_owner() = default;
};

class request_timer : public std::enable_shared_from_this<request_timer> {
public:
    using clock = std::chrono::steady_clock;

    /// `owner` is called while it is alive; the timer never extends its life.
    request_timer(engine::strand_type strand, std::weak_ptr<deadline_owner> owner);

    /// Thread-safe. (Re)arms the timer for `when`; the owner's on_deadline() then runs on the
    /// strand, unless arm() or cancel() is called again first.
    void arm(clock::time_point when);
    /// Thread-safe. Drops the pending expiry, if any.
    void cancel();

private:
    void do_arm(clock::time_point when);

    engine::strand_type strand_;
    engine::asio::basic_waitable_timer<clock, engine::asio::wait_traits<clock>, engine::strand_type> timer_;  // strand only
    std::weak_ptr<deadline_owner> owner_;
};

}  // namespace isapi_fcgi::isapi
