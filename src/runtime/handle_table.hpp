#pragma once
// The registry behind isapi_handle_from_fd / isapi_fd_from_handle: HANDLE values are slot
// numbers with a generation, never fds, so fd 0 is an ordinary entry and a released handle
// stops resolving. The encoding is documented in include/isapi/isapi_runtime.h.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

namespace isapi_fcgi::runtime {

class handle_table {
public:
    static constexpr std::uint32_t slot_bits = 20;
    static constexpr std::uint32_t generation_bits = 9;
    static constexpr std::uint32_t max_slots = (1u << slot_bits) - 1;
    /// A released slot is reused only after this many later releases (or when the table is
    /// full), so a stale handle needs 512 x reuse_delay releases before it can match again.
    static constexpr std::size_t reuse_delay = 1024;

    explicit handle_table(std::uint32_t capacity = max_slots);

    /// The encoded handle for fd, or nullopt when the table is full. fd must be >= 0.
    std::optional<std::uintptr_t> insert(int fd);
    /// The fd of a file handle; nullopt for anything else (an object handle included).
    std::optional<int> find(std::uintptr_t handle) const;
    std::optional<int> erase(std::uintptr_t handle);

    /// A handle for a non-file object (event, thread...) that the caller owns; drawn from the
    /// same slots, so it never equals a file handle and find() never resolves it.
    std::optional<std::uintptr_t> insert_object(void* object);
    std::optional<void*> find_object(std::uintptr_t handle) const;
    std::optional<void*> erase_object(std::uintptr_t handle);

    static std::uintptr_t encode(std::uint32_t slot, std::uint32_t generation) noexcept;

private:
    struct slot {
        int fd = -1;
        void* object = nullptr;
        std::uint16_t generation = 0;
        bool used = false;
        bool is_object = false;
    };

    std::optional<std::uintptr_t> insert_entry(int fd, void* object, bool is_object);
    /// A fresh slot, or nullopt when the table is full. Caller holds mutex_.
    std::optional<std::uint32_t> allocate();
    /// Index of the live slot of that kind `handle` names, or nullopt. Caller holds mutex_.
    std::optional<std::uint32_t> locate(std::uintptr_t handle, bool is_object) const noexcept;
    /// Frees a located slot. Caller holds mutex_.
    void free_slot(std::uint32_t index);

    const std::uint32_t capacity_;
    mutable std::mutex mutex_;
    std::vector<slot> slots_;            // index 0 is never used: a handle is never 0
    std::deque<std::uint32_t> released_; // oldest first, to delay reuse of a slot
};

} // namespace isapi_fcgi::runtime
