#include "isapi/operation_queue.hpp"

namespace isapi_fcgi::isapi {

io_op* operation_queue::current(std::uint64_t id) noexcept {
    return !ops_.empty() && ops_.front().id == id ? &ops_.front() : nullptr;
}

io_op* operation_queue::next_to_start() noexcept {
    if (running_ || ops_.empty()) return nullptr;
    running_ = true;
    ops_.front().id = ++serial_;
    return &ops_.front();
}

io_op operation_queue::pop_front() {
    io_op op = std::move(ops_.front());
    ops_.erase(ops_.begin());
    running_ = false;
    return op;
}

std::vector<io_op> operation_queue::take_unstarted(bool all) {
    queue_type keep;
    std::vector<io_op> taken;
    for (std::size_t i = 0; i < ops_.size(); ++i) {
        auto& op = ops_[i];
        const bool front_running = i == 0 && running_;
        if (!front_running && op.what != io_op::kind::finish && (all || op.async)) taken.push_back(std::move(op));
        else keep.push_back(std::move(op));
    }
    ops_.swap(keep);
    return taken;
}

io_op* operation_queue::running_read(bool all) noexcept {
    if (ops_.empty() || !running_) return nullptr;
    auto& op = ops_.front();
    return op.what == io_op::kind::read && (all || op.async) ? &op : nullptr;
}

void operation_queue::mark_read_cancelled(std::uint64_t id, std::uint32_t error) noexcept {
    cancelled_read_ = id;
    cancelled_read_error_ = error;
}

std::optional<std::uint32_t> operation_queue::take_read_cancellation(std::uint64_t id) noexcept {
    if (cancelled_read_ != id) return std::nullopt;
    cancelled_read_ = 0;
    return cancelled_read_error_;
}

}  // namespace isapi_fcgi::isapi
