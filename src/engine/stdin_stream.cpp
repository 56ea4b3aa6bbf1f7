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
    if (!ec) ec = file_.append(std::span<const std::byte>(buffer_).subspan(head_));
    if (ec) {
        spill_refused_ = true;
        return ec;
    }
    buffer_.clear();
    head_ = 0;
    return {};
}

std::size_t stdin_stream::take_buffered(std::span<std::byte> into, std::error_code& ec) {
    // The file holds older bytes than memory: memory is only ever moved to the file's end.
    if (file_.unread() > 0) return file_.take(into, ec);
    return take_from_memory(into);
}

std::size_t stdin_stream::take_from_memory(std::span<std::byte> into) noexcept {
    const std::size_t n = std::min(into.size(), in_memory());
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
