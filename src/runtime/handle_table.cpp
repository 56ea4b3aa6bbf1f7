#include "runtime/handle_table.hpp"

namespace isapi_fcgi::runtime {

namespace {

constexpr std::uintptr_t tag_bits = 2; // Windows handles are multiples of 4
constexpr std::uint32_t generation_mask = (1u << handle_table::generation_bits) - 1;
constexpr std::uintptr_t slot_mask = (std::uintptr_t{1} << handle_table::slot_bits) - 1;
constexpr std::uintptr_t largest_handle =
    (std::uintptr_t{1} << (tag_bits + handle_table::slot_bits + handle_table::generation_bits)) - 1;

} // namespace

handle_table::handle_table(std::uint32_t capacity)
    : capacity_(capacity < max_slots ? capacity : max_slots) {
    slots_.resize(1);
}

std::uintptr_t handle_table::encode(std::uint32_t slot, std::uint32_t generation) noexcept {
    return (std::uintptr_t{generation & generation_mask} << (tag_bits + slot_bits))
           | (std::uintptr_t{slot} << tag_bits);
}

std::optional<std::uint32_t> handle_table::allocate() {
    const bool full = slots_.size() > capacity_;
    if (!released_.empty() && (released_.size() >= reuse_delay || full)) {
        const std::uint32_t index = released_.front();
        released_.pop_front();
        return index;
    }
    if (full) {
        return std::nullopt;
    }
    slots_.emplace_back();
    return static_cast<std::uint32_t>(slots_.size() - 1);
}

std::optional<std::uintptr_t> handle_table::insert_entry(int fd, void* object, bool is_object) {
    std::lock_guard lock(mutex_);
    const auto index = allocate();
    if (!index) {
        return std::nullopt;
    }
    slot& entry = slots_[*index];
    entry.fd = fd;
    entry.object = object;
    entry.used = true;
    entry.is_object = is_object;
    return encode(*index, entry.generation);
}

std::optional<std::uintptr_t> handle_table::insert(int fd) {
    return insert_entry(fd, nullptr, false);
}

std::optional<std::uintptr_t> handle_table::insert_object(void* object) {
    return insert_entry(-1, object, true);
}

std::optional<std::uint32_t> handle_table::locate(std::uintptr_t handle,
                                                  bool is_object) const noexcept {
    if (handle > largest_handle || (handle & ((std::uintptr_t{1} << tag_bits) - 1)) != 0) {
        return std::nullopt;
    }
    const auto index = static_cast<std::uint32_t>((handle >> tag_bits) & slot_mask);
    const auto generation = static_cast<std::uint32_t>(handle >> (tag_bits + slot_bits));
    if (index == 0 || index >= slots_.size()) {
        return std::nullopt;
    }
    const slot& entry = slots_[index];
    if (!entry.used || entry.generation != generation || entry.is_object != is_object) {
        return std::nullopt;
    }
    return index;
}

void handle_table::free_slot(std::uint32_t index) {
    slot& entry = slots_[index];
    entry = slot{-1, nullptr,
                 static_cast<std::uint16_t>((entry.generation + 1u) & generation_mask), false,
                 false};
    released_.push_back(index);
}

std::optional<int> handle_table::find(std::uintptr_t handle) const {
    std::lock_guard lock(mutex_);
    const auto index = locate(handle, false);
    if (!index) {
        return std::nullopt;
    }
    return slots_[*index].fd;
}

std::optional<int> handle_table::erase(std::uintptr_t handle) {
    std::lock_guard lock(mutex_);
    const auto index = locate(handle, false);
    if (!index) {
        return std::nullopt;
    }
    const int fd = slots_[*index].fd;
    free_slot(*index);
    return fd;
}

std::optional<void*> handle_table::find_object(std::uintptr_t handle) const {
    std::lock_guard lock(mutex_);
    const auto index = locate(handle, true);
    if (!index) {
        return std::nullopt;
    }
    return slots_[*index].object;
}

std::optional<void*> handle_table::erase_object(std::uintptr_t handle) {
    std::lock_guard lock(mutex_);
    const auto index = locate(handle, true);
    if (!index) {
        return std::nullopt;
    }
    void* object = slots_[*index].object;
    free_slot(*index);
    return object;
}

} // namespace isapi_fcgi::runtime
