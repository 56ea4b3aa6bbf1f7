#pragma once
// One request's operations in call order (ISAPI's ordering: docs/architecture.md,
// "Operations"). One operation at a time is at the engine, the front one; the rest wait. A
// synchronous caller blocks here until its operation is done.
//
// Locking: the queue has no lock of its own. Every member runs under the owning request's mutex
// (the `lock_type&` parameters say so), exactly as when this state was the request's own, so the
// contract is unchanged: one outstanding operation at the engine per request, and a waiter
// woken only under that mutex.
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "isapi/io_operation.hpp"

namespace isapi_fcgi::isapi {

class operation_queue {
public:
    using lock_type = std::unique_lock<std::mutex>;

    void push(io_op&& op) { ops_.push_back(std::move(op)); }
    bool empty() const noexcept { return ops_.empty(); }
    /// The front operation, or nullptr.
    io_op* front() noexcept { return ops_.empty() ? nullptr : &ops_.front(); }
    const io_op* front() const noexcept { return ops_.empty() ? nullptr : &ops_.front(); }
    /// The running front operation (there is one: the caller is starting or continuing it).
    io_op& running() noexcept { return ops_.front(); }
    /// The front operation if it is `id`: an engine completion that finds another (or none) is
    /// for an operation already ended (abandoned at shutdown, cancelled).
    io_op* current(std::uint64_t id) noexcept;
    /// The next operation to start, numbered, once none is running; nullptr while one runs.
    io_op* next_to_start() noexcept;
    /// Removes the front operation; the next may start.
    io_op pop_front();
    /// Removes what has not started (and is not the end of the response), when asynchronous or
    /// `all`, in order.
    std::vector<io_op> take_unstarted(bool all);
    /// The running front operation when it is a read (asynchronous unless `all`).
    io_op* running_read(bool all) noexcept;

    /// A read whose cancellation was asked for: it completes with `error` when the engine
    /// gives its buffer back.
    void mark_read_cancelled(std::uint64_t id, std::uint32_t error) noexcept;
    /// The error `id` completes with, if its cancellation was asked for (once).
    std::optional<std::uint32_t> take_read_cancellation(std::uint64_t id) noexcept;

    /// Blocks the caller (an extension thread, never an I/O thread) until `waiter` is woken.
    void wait(lock_type& lock, sync_waiter& waiter) {
        done_cv_.wait(lock, [&waiter] { return waiter.done; });
    }
    void wake(sync_waiter& waiter, op_result result) {
        waiter.result = result;
        waiter.done = true;
        done_cv_.notify_all();
    }

private:
    // Inline room for two operations: a request whose calls are synchronous (or one
    // asynchronous operation at a time) never has more, so it allocates nothing; the deque this
    // replaces cost two allocations per request. Not a deque, so references do not survive every
    // change, which is enough here: only the front operation is ever referred to (front(),
    // running(), current(), next_to_start()), nobody holds that reference across a push (a push
    // past the inline room moves the elements), and pop_front() moves the front out before
    // anything else happens.
    using queue_type = boost::container::small_vector<io_op, 2>;
    queue_type ops_;
    bool running_ = false;
    std::uint64_t serial_ = 0;
    std::uint64_t cancelled_read_ = 0;     // id of a read whose cancellation was asked for
    std::uint32_t cancelled_read_error_ = 0;  // what it completes with
    std::condition_variable done_cv_;
};

}  // namespace isapi_fcgi::isapi
