#pragma once
// One request's body as the layer above reads it. Bytes that arrive while a read is pending go
// straight into the reader's buffer; the rest wait here, and the connection stops reading from
// the socket once full() (backpressure instead of unbounded buffering), unless it moves them to
// a temporary file with spill() (a connection that multiplexes cannot let one request's
// backpressure stall the others). Reads take the file's bytes first, then memory's, the order
// they arrived in. Memory is a ring: a read never moves the unread rest to the front, so each
// byte is copied once in and once out. Used only on the connection's strand.
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <system_error>

#include "engine/inline_function.hpp"
#include "engine/spill_file.hpp"

namespace isapi_fcgi::engine {

class stdin_stream {
public:
    using read_handler = inline_function<void(std::error_code, std::size_t)>;

    explicit stdin_stream(std::size_t limit) : limit_(limit) {}

    /// Body bytes from the web server.
    void push(std::span<const std::byte> data);
    /// The empty STDIN record: pending and later reads complete with 0 once the buffer is drained.
    void push_end();
    /// The request was aborted: a pending read and every later one fails with `ec`.
    void fail(std::error_code ec);

    /// Completes a pending read with `ec` and 0 bytes, releasing its buffer; later reads work
    /// as before (what has not been read stays buffered). No-op without a pending read.
    void cancel_read(std::error_code ec);

    /// Reads up to buffer.size() bytes. Runs `handler` before returning when bytes, the end of
    /// the body or an error are already there; otherwise when they arrive.
    void read(std::span<std::byte> buffer, read_handler handler);

    /// Moves what memory holds to the end of a temporary file in `directory` (made on first
    /// use), so that full() is false again. Refused, leaving memory as it is, when the file would
    /// grow beyond `max_file_bytes` or cannot be written; after a refusal it is not tried again.
    std::error_code spill(const std::string& directory, std::size_t max_file_bytes);
    bool spill_refused() const noexcept { return spill_refused_; }
    bool spilled() const noexcept { return file_.is_open(); }

    bool read_pending() const noexcept { return static_cast<bool>(pending_handler_); }
    bool full() const noexcept { return in_memory() >= limit_; }
    bool complete() const noexcept { return ended_; }
    std::size_t buffered() const noexcept { return in_memory() + file_.unread(); }
    std::size_t in_memory() const noexcept { return size_; }
    std::size_t in_file() const noexcept { return file_.unread(); }
    std::size_t received() const noexcept { return received_; }

private:
    std::size_t take_buffered(std::span<std::byte> into, std::error_code& ec);
    std::size_t take_from_memory(std::span<std::byte> into) noexcept;
    void append_to_memory(std::span<const std::byte> data);
    void grow_ring(std::size_t at_least);
    void release_memory() noexcept;
    /// The unread bytes in order: the ring's first piece and its wrapped-around second.
    std::span<const std::byte> first_piece() const noexcept;
    std::span<const std::byte> second_piece() const noexcept;

    std::size_t limit_;
    std::unique_ptr<std::byte[]> ring_;
    std::size_t capacity_ = 0;
    std::size_t head_ = 0;  // the oldest unread byte
    std::size_t size_ = 0;  // unread bytes from head_, wrapping at capacity_
    spill_file file_;
    bool spill_refused_ = false;
    std::size_t received_ = 0;
    bool ended_ = false;
    std::error_code error_;
    std::span<std::byte> pending_buffer_;
    read_handler pending_handler_;
};

}  // namespace isapi_fcgi::engine
