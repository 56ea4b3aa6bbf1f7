#include "isapi/outbox.hpp"

#include "isapi/request_channel.hpp"
#include "isapi/request_timer.hpp"

namespace isapi_fcgi::isapi {

void outbox::push_response(response_bytes& out, engine::request::write_handler&& last) {
    const bool has_view = !out.body_view.empty();
    const bool has_copy = !out.body_copy.empty();
    // `last` goes to exactly one of these (the last one queued), so it is moved, never copied:
    // a copied std::function would allocate its captures again.
    if (!out.header_bytes.empty()) {
        item it{.owned = std::move(out.header_bytes)};
        if (!has_view && !has_copy) it.handler = std::move(last);
        push(std::move(it));
    }
    if (has_copy) {
        item it{.owned = std::move(out.body_copy)};
        if (!has_view) it.handler = std::move(last);
        push(std::move(it));
    }
    if (has_view) push({.borrowed = std::as_bytes(out.body_view), .handler = std::move(last)});
}

void outbox::deliver(batch& items, request_channel& channel, request_timer* timer) {
    // One write for the whole batch at the end, not a post per batch: the handlers of its writes
    // run in end_output_turn(), after every write_on_strand() here returned, and outside the
    // request's lock (flush_outbox() holds none), so they may take it.
    struct output_turn {
        request_channel& channel;
        explicit output_turn(request_channel& c) noexcept : channel(c) { channel.begin_output_turn(); }
        ~output_turn() { channel.end_output_turn(); }
        output_turn(const output_turn&) = delete;
        output_turn& operator=(const output_turn&) = delete;
    } turn(channel);
    for (auto& it : items) {
        switch (it.what) {
        case item::kind::write: channel.write_on_strand(it.borrowed, std::move(it.owned), std::move(it.handler)); break;
        case item::kind::end: channel.end_on_strand(); break;
        case item::kind::close: channel.close_connection(); break;
        case item::kind::cancel_timer:
            if (timer) timer->cancel();
            break;
        }
    }
}

}  // namespace isapi_fcgi::isapi
