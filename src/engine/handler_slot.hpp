#pragma once
// Memory for an operation that an object posts to its strand at most one at a time from another
// thread (a request's body read, once per STDIN record). Asio recycles handler memory per thread,
// but such a handler is allocated on an extension thread and freed on an I/O thread, so every
// post went to malloc; the slot hands the same block back instead. A second operation while the
// block is taken falls back to the heap, so the slot is an optimisation, never a limit.
//
// slot_handler binds the slot to a handler as its associated allocator. The allocator holds a
// shared_ptr to the slot (aliasing its owner), so the owner outlives the operation's memory even
// when the operation is destroyed unrun at shutdown (Asio destroys the handler before it frees
// the operation's memory).
#include <atomic>
#include <cstddef>
#include <memory>
#include <new>
#include <utility>

namespace isapi_fcgi::engine {

class handler_slot {
public:
    /// The operation itself, and the strand's own scheduling of it: a strand that was idle posts
    /// an invoker to the io_context with the operation's allocator.
    static constexpr std::size_t operation_size = 256;
    static constexpr std::size_t scheduling_size = 128;

    void* allocate(std::size_t bytes) {
        if (bytes <= operation_size && !operation_taken_.exchange(true, std::memory_order_acquire)) return operation_;
        if (bytes <= scheduling_size && !scheduling_taken_.exchange(true, std::memory_order_acquire))
            return scheduling_;
        return ::operator new(bytes);
    }
    void deallocate(void* pointer) noexcept {
        if (pointer == operation_) return operation_taken_.store(false, std::memory_order_release);
        if (pointer == scheduling_) return scheduling_taken_.store(false, std::memory_order_release);
        ::operator delete(pointer);
    }

private:
    alignas(std::max_align_t) std::byte operation_[operation_size];
    alignas(std::max_align_t) std::byte scheduling_[scheduling_size];
    std::atomic<bool> operation_taken_{false};
    std::atomic<bool> scheduling_taken_{false};
};

template <typename T>
class slot_allocator {
public:
    using value_type = T;

    explicit slot_allocator(std::shared_ptr<handler_slot> slot) noexcept : slot_(std::move(slot)) {}
    template <typename U>
    slot_allocator(const slot_allocator<U>& other) noexcept : slot_(other.slot_) {}  // NOLINT: rebinding

    T* allocate(std::size_t n) { return static_cast<T*>(slot_->allocate(n * sizeof(T))); }
    void deallocate(T* pointer, std::size_t) noexcept { slot_->deallocate(pointer); }

    template <typename U>
    bool operator==(const slot_allocator<U>& other) const noexcept { return slot_ == other.slot_; }
    template <typename U>
    bool operator!=(const slot_allocator<U>& other) const noexcept { return slot_ != other.slot_; }

private:
    template <typename U>
    friend class slot_allocator;
    std::shared_ptr<handler_slot> slot_;
};

template <typename Handler>
class slot_handler {
public:
    using allocator_type = slot_allocator<void>;

    slot_handler(std::shared_ptr<handler_slot> slot, Handler handler)
        : slot_(std::move(slot)), handler_(std::move(handler)) {}

    allocator_type get_allocator() const noexcept { return allocator_type(slot_); }
    void operator()() { handler_(); }

private:
    std::shared_ptr<handler_slot> slot_;
    Handler handler_;
};

}  // namespace isapi_fcgi::engine
