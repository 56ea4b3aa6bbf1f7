#include "wine/lent_body.hpp"

#include <algorithm>
#include <cstring>

#include <boost/asio/post.hpp>

#include "engine/errc.hpp"

namespace isapi_fcgi::wine {

lent_body::lent_body(engine::strand_type strand, bool piece_in_flight, std::function<void()> want_more)
    : strand_(std::move(strand)), want_more_(std::move(want_more)), piece_in_flight_(piece_in_flight) {}

void lent_body::returned(std::string_view bytes) {
    std::lock_guard lock(mutex_);
    held_.append(bytes);
    serve();
}

void lent_body::returned_end(bool body_ended) {
    std::lock_guard lock(mutex_);
    returned_ = true;
    body_ended_ = body_ended_ || body_ended;
    held_.append(early_);  // read after what the Windows worker had: behind it
    early_.clear();
    serve();
}

void lent_body::piece(std::string_view bytes, bool end) {
    std::lock_guard lock(mutex_);
    piece_in_flight_ = false;
    (returned_ ? held_ : early_).append(bytes);
    body_ended_ = body_ended_ || end;
    serve();
}

void lent_body::unread(std::string_view bytes) {
    std::lock_guard lock(mutex_);
    held_.replace(0, offset_, bytes);
    offset_ = 0;
    consumed_ -= std::min<std::uint64_t>(consumed_, bytes.size());
}

void lent_body::read(std::span<std::byte> buffer, read_handler handler) {
    std::lock_guard lock(mutex_);
    if (waiting_) {
        boost::asio::post(strand_, [h = std::move(handler)]() mutable {
            h(engine::make_error_code(engine::errc::read_in_progress), 0);
        });
        return;
    }
    waiting_buffer_ = buffer;
    waiting_ = std::move(handler);
    serve();
}

void lent_body::cancel_read() {
    std::lock_guard lock(mutex_);
    if (!waiting_) return;
    boost::asio::post(strand_, [h = std::exchange(waiting_, {})]() mutable {
        h(engine::make_error_code(engine::errc::read_cancelled), 0);
    });
}

void lent_body::abort() {
    std::lock_guard lock(mutex_);
    failed_ = true;
    serve();
}

bool lent_body::close() {
    std::lock_guard lock(mutex_);
    failed_ = true;
    serve();
    return returned_;
}

lent_body::leftover lent_body::give_back() {
    std::lock_guard lock(mutex_);
    leftover out;
    out.bytes = held_.substr(offset_);
    out.body_ended = body_ended_;
    out.consumed = consumed_;
    held_.clear();
    offset_ = 0;
    return out;
}

void lent_body::serve() {
    if (!waiting_ || delivery_posted_) return;
    if (!failed_ && offset_ == held_.size()) {
        if (!returned_ || piece_in_flight_) return;  // the bytes ahead of the front end's are on their way
        if (!body_ended_) {
            piece_in_flight_ = true;
            want_more_();  // posts
            return;
        }
    }
    // Delivered on the strand, where close() runs: a byte is either the child's (read before
    // its end) or still here for the parent, never lost in a handler that runs too late.
    delivery_posted_ = true;
    boost::asio::post(strand_, [self = shared_from_this()] { self->deliver(); });
}

void lent_body::deliver() {
    read_handler handler;
    std::error_code ec;
    std::size_t n = 0;
    {
        std::lock_guard lock(mutex_);
        delivery_posted_ = false;
        if (!waiting_) return;  // cancelled meanwhile
        if (failed_) {
            ec = engine::make_error_code(engine::errc::request_aborted);
        } else if (offset_ < held_.size()) {
            n = std::min(waiting_buffer_.size(), held_.size() - offset_);
            std::memcpy(waiting_buffer_.data(), held_.data() + offset_, n);
            offset_ += n;
            consumed_ += n;
            if (offset_ == held_.size()) {
                held_.clear();
                offset_ = 0;
            }
        } else if (!body_ended_) {
            return;  // not possible: serve() posts only with an answer
        }
        handler = std::exchange(waiting_, {});
    }
    handler(ec, n);  // n == 0 without an error: the end of the body
}

}  // namespace isapi_fcgi::wine
