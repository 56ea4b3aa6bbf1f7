#pragma once
// HSE_REQ_EXEC_URL from a Windows worker's request, for a child the Linux worker runs (a native
// extension's) or relays (another Wine extension's) without an entity: the parent's unread body,
// lent to the child (docs/wine.md, "Child requests"). The child reads first what the Windows
// worker held and sent back over the link, then the rest of the front end's body, piece by
// piece as it asks (the parent's relay reads it for the child); when the child ends, what it
// left unread goes back to the Windows worker, ahead of the body's rest. Bounded: what the
// Windows worker held (its own bound) plus at most one body piece.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "engine/request.hpp"

namespace isapi_fcgi::wine {

class lent_body : public std::enable_shared_from_this<lent_body> {
public:
    using read_handler = engine::request::read_handler;

    /// `want_more`: asks the parent's relay to read one more piece of the front end's body for
    /// the child (it comes back through piece()); called under this object's lock: it must post.
    /// `piece_in_flight`: a piece the relay read before the lending is still on its way here.
    lent_body(engine::strand_type strand, bool piece_in_flight, std::function<void()> want_more);

    // The Windows worker's unread bytes as they come back over the link (the reader thread),
    // then their end, with whether the body had ended there.
    void returned(std::string_view bytes);
    void returned_end(bool body_ended);
    /// A piece of the front end's body the relay read for the child; `end`: there is no more.
    void piece(std::string_view bytes, bool end);
    /// Bytes the child read and gives back unread (the last it read, in order): read next.
    void unread(std::string_view bytes);

    /// The child's read (its strand): its handler runs on the strand, never inside the call.
    /// A read completes with bytes (never more than one read's worth is taken at a time), 0 at
    /// the body's end, or an error once the child ended or the parent was answered.
    void read(std::span<std::byte> buffer, read_handler handler);
    void cancel_read();
    /// The parent was answered (client gone, timeout): a waiting read, and later ones, fail.
    void abort();

    struct leftover {
        std::string bytes;       ///< what the child left unread, in order
        bool body_ended = false; ///< the body's end is known (after `bytes`)
        std::uint64_t consumed = 0;  ///< bytes the child read
    };
    /// The child ended: reads fail from now on; true once all the Windows worker's bytes came
    /// back (returned_end), when give_back() has everything it left.
    bool close();
    /// What the child left, for the Windows worker (after close() said true).
    leftover give_back();

private:
    /// Under the lock: a waiting read is answered on the strand (deliver) once it can be, or
    /// the relay is asked for a piece.
    void serve();
    void deliver();

    const engine::strand_type strand_;
    const std::function<void()> want_more_;
    std::mutex mutex_;  // everything below
    std::string held_;
    std::size_t offset_ = 0;       // held_[offset_..] is unread
    std::string early_;            // a piece read before the Windows worker's bytes all came back
    bool returned_ = false;        // the Windows worker's bytes are all here
    bool body_ended_ = false;
    bool piece_in_flight_ = false;
    bool failed_ = false;          // aborted or given back
    bool delivery_posted_ = false;
    std::uint64_t consumed_ = 0;
    std::span<std::byte> waiting_buffer_;
    read_handler waiting_;
};

}  // namespace isapi_fcgi::wine
