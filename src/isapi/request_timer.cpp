#include "isapi/request_timer.hpp"

namespace isapi_fcgi::isapi {

namespace asio = engine::asio;

request_timer::request_timer(engine::strand_type strand, std::weak_ptr<deadline_owner> owner)
    : strand_(strand), timer_(strand), owner_(std::move(owner)) {}

void request_timer::arm(clock::time_point when) {
    asio::dispatch(strand_, [self = shared_from_this(), when] { self->do_arm(when); });
}

void request_timer::do_arm(clock::time_point when) {
    timer_.expires_at(when);  // cancels a previous wait
    timer_.async_wait([self = shared_from_this()](engine::io_error ec) {
        if (ec == asio::error::operation_aborted) return;
        if (auto owner = self->owner_.lock()) owner->on_deadline();
    });
}

void request_timer::cancel() {
    asio::dispatch(strand_, [self = shared_from_this()] { self->timer_.cancel(); });
}

}  // namespace isapi_fcgi::isapi
