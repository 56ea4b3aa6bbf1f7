// Heap allocations on the engine's per-record body path, counted: a STDIN record goes through
// the demultiplexer into the request's stdin_stream and completes the extension's pending read,
// whose next read is armed with a handler like the ISAPI layer's (a shared_ptr and an operation
// id). None of that may allocate once the body is flowing (issue 15: no allocation per record);
// and a read posted from a foreign thread takes its operation's memory (and the idle strand's
// scheduling of it) from the request's slot.
// This binary replaces the global operator new to count; the count is only read around the loops.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>

#include "engine/asio.hpp"
#include "engine/handler_slot.hpp"
#include "engine/inline_function.hpp"
#include "engine/stdin_stream.hpp"
#include "fcgi/demultiplexer.hpp"

namespace {
std::atomic<long> allocations{0};
}

void* operator new(std::size_t size) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace isapi_fcgi::engine {
namespace {

long allocations_now() { return allocations.load(std::memory_order_relaxed); }

std::string record(unsigned type, unsigned id, std::string_view content) {
    std::string out{'\1', static_cast<char>(type), static_cast<char>(id >> 8), static_cast<char>(id),
                    static_cast<char>(content.size() >> 8), static_cast<char>(content.size() & 0xff), '\0', '\0'};
    out += content;
    return out;
}

/// Plays the connection (body into the stream) and the extension (a read always pending).
class body_reader final : public fcgi::demux_handler, public std::enable_shared_from_this<body_reader> {
public:
    explicit body_reader(std::size_t limit) : body(limit) {}

    void arm() {
        body.read(buffer, [self = shared_from_this(), id = ++operation](std::error_code ec, std::size_t n) {
            self->on_read(id, ec, n);
        });
    }
    void on_read(std::uint64_t id, std::error_code ec, std::size_t n) {
        if (ec || id != operation) return;
        received += n;
        if (n > 0) arm();
    }

    void on_begin_request(std::uint16_t, bool) override {}
    void on_unsupported_role(std::uint16_t, std::uint16_t, bool) override {}
    void on_params(std::uint16_t, fcgi::param_set) override {}
    void on_params_too_large(std::uint16_t) override {}
    void on_stdin(std::uint16_t, std::span<const std::byte> data) override {
        if (data.empty()) body.push_end();
        else body.push(data);
    }
    void on_abort_request(std::uint16_t) override {}
    void on_get_values(const fcgi::param_set&) override {}
    void on_unknown_type(std::uint8_t) override {}
    void on_discarded(const fcgi::record_header&, fcgi::discard_reason) override {}

    stdin_stream body;
    std::array<std::byte, 32 * 1024> buffer{};
    std::uint64_t operation = 0;
    std::size_t received = 0;
};

TEST(record_allocations, stdin_records_into_a_pending_read_allocate_nothing) {
    auto reader = std::make_shared<body_reader>(1024 * 1024);
    fcgi::demultiplexer demux(fcgi::demux_limits{}, *reader);
    const std::string head = record(1, 1, std::string("\0\1\1\0\0\0\0\0", 8)) + record(4, 1, "") ;
    ASSERT_FALSE(demux.feed(std::as_bytes(std::span(head))));
    const std::string stdin_record = record(5, 1, std::string(32 * 1024 - 8, 'x'));
    const auto bytes = std::as_bytes(std::span(stdin_record));
    reader->arm();
    ASSERT_FALSE(demux.feed(bytes));  // warm-up: the first record may size what it reuses

    const long before = allocations_now();
    for (int i = 0; i < 64; ++i) ASSERT_FALSE(demux.feed(bytes));
    const long per_64_records = allocations_now() - before;

    EXPECT_EQ(per_64_records, 0) << "heap allocations for 64 STDIN records";
    EXPECT_EQ(reader->received, 65u * (32 * 1024 - 8));
    // The end of the body completes the pending read, whose handler holds the reader.
    const std::string end = record(5, 1, "");
    ASSERT_FALSE(demux.feed(std::as_bytes(std::span(end))));
    EXPECT_EQ(reader.use_count(), 1) << "the last read's handler still holds the reader";
}

TEST(record_allocations, a_completion_of_a_shared_ptr_and_an_id_is_stored_inline) {
    auto owner = std::make_shared<int>(7);
    const long before = allocations_now();
    stdin_stream::read_handler handler = [owner, id = std::uint64_t{3}](std::error_code, std::size_t n) {
        *owner += static_cast<int>(n + id);
    };
    stdin_stream::read_handler moved = std::move(handler);
    EXPECT_EQ(allocations_now() - before, 0);
    EXPECT_FALSE(handler);
    ASSERT_TRUE(moved);
    moved({}, 2);
    EXPECT_EQ(*owner, 12);
}

TEST(record_allocations, a_larger_completion_still_works_from_the_heap) {
    std::array<char, 200> big{};
    big[199] = 'z';
    std::size_t seen = 0;
    stdin_stream::read_handler handler = [big, &seen](std::error_code, std::size_t n) { seen = n + (big[199] == 'z'); };
    stdin_stream::read_handler moved = std::move(handler);
    moved({}, 4);
    EXPECT_EQ(seen, 5u);
    moved = nullptr;
    EXPECT_FALSE(moved);
}

TEST(record_allocations, a_post_to_an_idle_strand_from_a_thread_without_asio_takes_the_slot_not_the_heap) {
    asio::io_context io;
    const strand_type strand(io.get_executor());
    auto owner = std::make_shared<handler_slot>();
    int ran = 0;
    for (int i = 0; i < 3; ++i) {
        // The caller runs no io_context, as an extension thread: Asio has no per-thread cache.
        // The strand is idle, so it schedules itself too (with the operation's allocator).
        const long before = allocations_now();
        asio::post(strand, slot_handler(owner, [&ran, pad = std::array<char, 64>{}] { ran += 1 + pad[0]; }));
        EXPECT_EQ(allocations_now() - before, 0) << "post " << i;
        io.restart();
        io.run();
    }
    EXPECT_EQ(ran, 3);
    EXPECT_EQ(owner.use_count(), 1) << "the operations released the slot's owner";
}

}  // namespace
}  // namespace isapi_fcgi::engine
