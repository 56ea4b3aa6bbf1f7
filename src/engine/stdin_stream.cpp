#include "engine/stdin_stream.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <utility>

namespace isapi_fcgi::engine {

void stdin_stream::push(std::span<const std::byte> data) {
    received_ += data.size();
    if (pending_handler_ && buffered() == 0) {
        const std::size_t direct = std::min(data.size(), pending_buffer_.size());
        std::memcpy(pending_buffer_.data(), data.data(), direct);
        data = data.subspan(direct);
        auto handler = std::exchange(pending_handler_, nullptr);
        if (!data.empty()) append_to_memory(data);
        handler(std::error_code{}, direct);
        return;
    }
    append_to_memory(data);
}

void stdin_stream::push_end() {
    ended_ = true;
    if (pending_handler_ && buffered() == 0) std::exchange(pending_handler_, nullptr)(std::error_code{}, 0);
}

void stdin_stream::fail(std::error_code ec) {
    error_ = ec;
    release_memory();
    file_.close();
    if (pending_handler_) std::exchange(pending_handler_, nullptr)(ec, 0);
}

void stdin_stream::cancel_read(std::error_code ec) {
    if (!pending_handler_) return;
    pending_buffer_ = {};
    std::exchange(pending_handler_, nullptr)(ec, 0);
}

void stdin_stream::read(std::span<std::byte> buffer, read_handler handler) {
    if (error_) return handler(error_, 0);
    if (buffered() > 0 || buffer.empty()) {
        std::error_code ec;
        const std::size_t n = take_buffered(buffer, ec);
        if (ec) fail(ec);
        return handler(ec, n);
    }
    if (ended_) return handler(std::error_code{}, 0);
    pending_buffer_ = buffer;
    pending_handler_ = std::move(handler);
}

std::error_code stdin_stream::spill(const std::string& directory, std::size_t max_file_bytes) {
    if (spill_refused_) return std::make_error_code(std::errc::operation_not_permitted);
    std::error_code ec;
    if (file_.size() + in_memory() > max_file_bytes) ec = std::make_error_code(std::errc::file_too_large);
    else if (!file_.is_open()) ec = file_.open(directory);
    const auto first = first_piece();
    const auto second = second_piece();
    if (!ec) ec = file_.append(first);
    if (!ec && !second.empty()) {
        // The first piece is in the file already: memory keeps only what the file lacks.
        head_ = 0;
        size_ = second.size();
        ec = file_.append(second);
    }
    if (ec) {
        spill_refused_ = true;
        return ec;
    }
    head_ = 0;
    size_ = 0;
    return {};
}

std::size_t stdin_stream::take_buffered(std::span<std::byte> into, std::error_code& ec) {
    // The file holds older bytes than memory: memory is only ever moved to the file's end.
    if (file_.unread() > 0) return file_.take(into, ec);
    return take_from_memory(into);
}

std::span<const std::byte> stdin_stream::first_piece() const noexcept {
    return {ring_.get() + head_, std::min(size_, capacity_ - head_)};
}

std::span<const std::byte> stdin_stream::second_piece() const noexcept {
    return {ring_.get(), size_ - first_piece().size()};
}

std::size_t stdin_stream::take_from_memory(std::span<std::byte> into) noexcept {
    const std::size_t n = std::min(into.size(), in_memory());
    if (n == 0) return 0;
    const std::size_t first = std::min(n, capacity_ - head_);
    std::memcpy(into.data(), ring_.get() + head_, first);
    std::memcpy(into.data() + first, ring_.get(), n - first);
    head_ = (head_ + n) % capacity_;
    size_ -= n;
    if (size_ == 0) {
        head_ = 0;
        // Drained: a finished body gives its memory back, so pending requests stay cheap.
        if (ended_) release_memory();
    }
    return n;
}

void stdin_stream::append_to_memory(std::span<const std::byte> data) {
    if (data.empty()) return;
    if (size_ + data.size() > capacity_) grow_ring(size_ + data.size());
    const std::size_t tail = (head_ + size_) % capacity_;
    const std::size_t first = std::min(data.size(), capacity_ - tail);
    std::memcpy(ring_.get() + tail, data.data(), first);
    std::memcpy(ring_.get(), data.data() + first, data.size() - first);
    size_ += data.size();
}

void stdin_stream::grow_ring(std::size_t at_least) {
    // Rare: the ring settles at the size the connection's pauses allow (about the limit plus
    // one socket read), and keeps it until the body ends.
    const std::size_t capacity = std::bit_ceil(std::max<std::size_t>(at_least, 4096));
    auto bigger = std::make_unique_for_overwrite<std::byte[]>(capacity);
    const auto first = first_piece();
    const auto second = second_piece();
    if (!first.empty()) std::memcpy(bigger.get(), first.data(), first.size());
    if (!second.empty()) std::memcpy(bigger.get() + first.size(), second.data(), second.size());
    ring_ = std::move(bigger);
    capacity_ = capacity;
    head_ = 0;
}

void stdin_stream::release_memory() noexcept {
    ring_.reset();
    capacity_ = 0;
    head_ = 0;
    size_ = 0;
}

}  // namespace isapi_fcgi::engine
