#include "isapi/conn_table.hpp"

namespace isapi_fcgi::isapi {

conn_table& conn_table::instance() {
    static conn_table table;
    return table;
}

std::uint64_t conn_table::add(std::shared_ptr<isapi_request> request, live_request* live) {
    std::lock_guard lock(mutex_);
    std::uint32_t index;
    if (free_.size() > reuse_delay) {
        index = free_.front();
        free_.pop_front();
        ++slots_[index].generation;
    } else {
        index = static_cast<std::uint32_t>(slots_.size());
        slots_.emplace_back();
    }
    auto& s = slots_[index];
    s.what = state::live;
    s.request = std::move(request);
    s.live = live;
    return (std::uint64_t{s.generation} << 32) | (std::uint64_t{index} + 1);
}

std::int64_t conn_table::index_of(std::uint64_t conn_id) const noexcept {
    const std::uint64_t low = conn_id & 0xffffffffu;
    if (low == 0 || low > slots_.size()) return -1;
    const auto index = static_cast<std::int64_t>(low - 1);
    if (slots_[static_cast<std::size_t>(index)].generation != (conn_id >> 32)) return -1;
    return index;
}

conn_table::lookup conn_table::find(std::uint64_t conn_id) const {
    std::lock_guard lock(mutex_);
    const auto index = index_of(conn_id);
    if (index < 0) return {};
    const auto& s = slots_[static_cast<std::size_t>(index)];
    return {s.what, s.request};
}

void conn_table::end(std::uint64_t conn_id, bool returned_pending) {
    std::shared_ptr<isapi_request> last;  // destroyed outside the lock
    std::lock_guard lock(mutex_);
    const auto index = index_of(conn_id);
    if (index < 0) return;
    auto& s = slots_[static_cast<std::size_t>(index)];
    if (s.what != state::live) return;
    s.what = returned_pending ? state::ended : state::ended_not_pending;
    last = std::move(s.request);
    s.live = nullptr;
    free_.push_back(static_cast<std::uint32_t>(index));
}

bool conn_table::take_late_done(std::uint64_t conn_id) {
    std::lock_guard lock(mutex_);
    const auto index = index_of(conn_id);
    if (index < 0) return false;
    auto& s = slots_[static_cast<std::size_t>(index)];
    if (s.what != state::ended_not_pending) return false;
    s.what = state::ended;
    return true;
}

std::vector<std::shared_ptr<live_request>> conn_table::live_requests() const {
    std::vector<std::shared_ptr<live_request>> live;
    std::lock_guard lock(mutex_);
    for (const auto& s : slots_)
        // Shares the request's ownership: the view keeps the request alive.
        if (s.what == state::live) live.push_back(std::shared_ptr<live_request>(s.request, s.live));
    return live;
}

}  // namespace isapi_fcgi::isapi
