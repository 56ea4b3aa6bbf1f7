#pragma once
// What a connection has to send, as records ready for one gathered write. Payloads handed in as
// spans are borrowed, not copied: the owner keeps them alive until their handler runs. Entries
// added while a batch is being written wait in a second vector, so the batch's buffers never
// move; both vectors keep their capacity, so steady state allocates nothing per record.
// Used only on its connection's strand.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "engine/asio.hpp"
#include "engine/inline_function.hpp"
#include "fcgi/protocol.hpp"

namespace isapi_fcgi::engine {

class output_queue {
public:
    /// request::write_handler: callables of up to 32 bytes stay inline.
    using written_handler = inline_function<void(std::error_code), 32>;

    /// Queues `payload` as records of `type` (split at 65535 bytes), borrowing it until
    /// `on_written` runs. An empty payload queues one empty record (a stream terminator).
    void push_stream(fcgi::record_type type, std::uint16_t id, std::span<const std::byte> payload,
                     written_handler on_written = {});
    /// The same for a payload the queue keeps alive itself.
    void push_owned_stream(fcgi::record_type type, std::uint16_t id, std::string payload,
                           written_handler on_written = {});
    /// A complete small record (END_REQUEST, UNKNOWN_TYPE), copied.
    void push_record(std::span<const std::byte> record_bytes);
    /// A complete record of any size, owned (GET_VALUES_RESULT).
    void push_owned_record(std::string record_bytes);

    bool has_pending() const noexcept { return !pending_.empty(); }
    /// Bytes queued or being written, headers and padding included.
    std::size_t queued_bytes() const noexcept { return pending_bytes_ + in_flight_bytes_; }
    bool in_flight() const noexcept { return !in_flight_.empty(); }

    /// Moves every pending entry into a batch and returns its buffers.
    /// Precondition: no batch in flight.
    std::span<const asio::const_buffer> start_batch();
    /// `n` more bytes of the batch reached the socket. Returns the unwritten rest of the batch;
    /// when that is empty the batch is done and its handlers have run with success.
    std::span<const asio::const_buffer> consume(std::size_t n);
    /// Runs every handler, in flight and pending, with `ec` and empties the queue.
    void fail_all(std::error_code ec);

private:
    struct entry {
        std::array<std::byte, 16> head{};  // a record header, or a whole small record
        std::uint8_t head_size = 0;
        asio::const_buffer borrowed;
        std::string owned;
        std::uint8_t padding = 0;
        written_handler on_written;
    };
    entry& add_stream_record(fcgi::record_type type, std::uint16_t id, std::size_t length);
    void finish_batch();

    std::vector<entry> pending_;
    std::vector<entry> in_flight_;
    std::vector<asio::const_buffer> gather_;
    std::size_t gather_next_ = 0;  // first buffer of gather_ not yet fully written
    std::size_t pending_bytes_ = 0;
    std::size_t in_flight_bytes_ = 0;
};

}  // namespace isapi_fcgi::engine
