#include "engine/stdin_stream.hpp"

#include <algorithm>
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
        if (!data.empty()) buffer_.insert(buffer_.end(), data.begin(), data.end());
        handler(std::error_code{}, direct);
        return;
    }
    if (head_ > 0 && head_ == buffer_.size()) {
        buffer_.clear();
        head_ = 0;
    }
    buffer_.insert(buffer_.end(), data.begin(), data.end());
}

void stdin_stream::push_end() {
    ended_ = true;
    if (pending_handler_ && buffered() == 0) std::exchange(pending_handler_, nullptr)(std::error_code{}, 0);
}

void stdin_stream::fail(std::error_code ec) {
    error_ = ec;
    std::vector<std::byte>().swap(buffer_);
    head_ = 0;
    if (pending_handler_) std::exchange(pending_handler_, nullptr)(ec, 0);
}

void stdin_stream::cancel_read(std::error_code ec) {
    if (!pending_handler_) return;
    pending_buffer_ = {};
    std::exchange(pending_handler_, nullptr)(ec, 0);
}

void stdin_stream::read(std::span<std::byte> buffer, read_handler handler) {
    if (error_) return handler(error_, 0);
    if (buffered() > 0 || buffer.empty()) return handler(std::error_code{}, take_buffered(buffer));
    if (ended_) return handler(std::error_code{}, 0);
    pending_buffer_ = buffer;
    pending_handler_ = std::move(handler);
}

std::size_t stdin_stream::take_buffered(std::span<std::byte> into) noexcept {
    const std::size_t n = std::min(into.size(), buffered());
    std::memcpy(into.data(), buffer_.data() + head_, n);
    head_ += n;
    if (head_ == buffer_.size()) {
        // Drained: a finished body gives its memory back, so pending requests stay cheap.
        if (ended_) std::vector<std::byte>().swap(buffer_);
        else buffer_.clear();
        head_ = 0;
    } else if (head_ > buffer_.size() / 2) {
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(head_));
        head_ = 0;
    }
    return n;
}

}  // namespace isapi_fcgi::engine
