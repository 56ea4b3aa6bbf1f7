#pragma once
// One request's body as the layer above reads it. Bytes that arrive while a read is pending go
// straight into the reader's buffer; the rest wait here, and the connection stops reading from
// the socket once full() (backpressure instead of unbounded buffering). Used only on the
// connection's strand.
#include <cstddef>
#include <span>
#include <system_error>
#include <vector>

#include "engine/inline_function.hpp"

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

    bool read_pending() const noexcept { return static_cast<bool>(pending_handler_); }
    bool full() const noexcept { return buffered() >= limit_; }
    bool complete() const noexcept { return ended_; }
    std::size_t buffered() const noexcept { return buffer_.size() - head_; }
    std::size_t received() const noexcept { return received_; }

private:
    std::size_t take_buffered(std::span<std::byte> into) noexcept;

    std::size_t limit_;
    std::vector<std::byte> buffer_;
    std::size_t head_ = 0;
    std::size_t received_ = 0;
    bool ended_ = false;
    std::error_code error_;
    std::span<std::byte> pending_buffer_;
    read_handler pending_handler_;
};

}  // namespace isapi_fcgi::engine
