#include "isapi/request_timer.hpp"

namespace isapi_fcgi::isapi {

namespace asio = engine::asio;

request_timer::request_timer(asio::any_io_executor strand) : strand_(strand), timer_(strand) {}

void request_timer::arm(clock::time_point when, std::function<void()> on_expiry) {
    asio::dispatch(strand_, [self = shared_from_this(), when, f = std::move(on_expiry)]() mutable {
        self->do_arm(when, std::move(f));
    });
}

void request_timer::do_arm(clock::time_point when, std::function<void()> on_expiry) {
    timer_.expires_at(when);  // cancels a previous wait
    timer_.async_wait([self = shared_from_this(), f = std::move(on_expiry)](engine::io_error ec) {
        if (ec == asio::error::operation_aborted) return;
        f();
    });
}

void request_timer::cancel() {
    asio::dispatch(strand_, [self = shared_from_this()] { self->timer_.cancel(); });
}

}  // namespace isapi_fcgi::isapi
