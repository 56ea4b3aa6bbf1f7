#pragma once
// A request's output for the engine, batched: one post to the connection strand carries every
// write, the end and the timer's cancellation queued since the last one, in order.
//
// Locking: no lock of its own. push() and take() run under the owning request's mutex (any
// thread); deliver() runs on the connection strand outside it, because the engine may run a
// write handler (which takes that mutex) before returning. Only one flush is posted at a time,
// so the batches reach the engine in the order they were queued.
#include <cstdint>
#include <span>
#include <string>
#include <utility>

#include <boost/container/small_vector.hpp>

#include "engine/request.hpp"
#include "isapi/response_translator.hpp"

namespace isapi_fcgi::isapi {

class request_channel;
class request_timer;

class outbox {
public:
    struct item {
        enum class kind : std::uint8_t { write, end, close, cancel_timer };
        kind what = kind::write;
        std::string owned{};                    // sent when not empty, else `borrowed`
        std::span<const std::byte> borrowed{};  // the extension's buffer, valid until `handler`
        engine::request::write_handler handler{};
    };

    /// Inline room for a whole ordinary response (header, body, end, the timer's cancellation):
    /// a batch of that size allocates nothing, neither here nor in the flush that takes it.
    using batch = boost::container::small_vector<item, 4>;

    void push(item&& it) { items_.push_back(std::move(it)); }
    /// out's pieces in order; `last` runs once the last of them is written.
    void push_response(response_bytes& out, engine::request::write_handler&& last);
    /// True once per batch: the caller posts the flush that take()s it.
    bool claim_flush() noexcept { return !std::exchange(flush_posted_, true); }
    /// The batch to deliver; the next push needs a new flush.
    batch take() {
        flush_posted_ = false;
        batch taken(std::move(items_));
        items_.clear();
        return taken;
    }
    /// On the connection strand, outside the request's lock: hands the batch to the channel.
    static void deliver(batch& items, request_channel& channel, request_timer* timer);

private:
    batch items_;
    bool flush_posted_ = false;
};

}  // namespace isapi_fcgi::isapi
