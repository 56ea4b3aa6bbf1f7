#include "engine/connection_registry.hpp"

#include <vector>

#include "engine/connection.hpp"

namespace isapi_fcgi::engine {

std::uint64_t connection_registry::next_id() noexcept {
    std::lock_guard lock(mutex_);
    return next_id_++;
}

void connection_registry::add(const std::shared_ptr<connection>& c) {
    std::lock_guard lock(mutex_);
    live_.emplace(c->id(), c);
}

void connection_registry::remove(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    live_.erase(id);
}

std::vector<std::shared_ptr<connection>> connection_registry::snapshot() {
    std::vector<std::shared_ptr<connection>> open;
    std::lock_guard lock(mutex_);
    for (auto& [id, weak] : live_)
        if (auto c = weak.lock()) open.push_back(std::move(c));
    return open;
}

void connection_registry::close_all() {
    for (auto& c : snapshot()) c->close();
}

void connection_registry::drain_all(bool serve_kept_connections) {
    for (auto& c : snapshot()) c->drain(serve_kept_connections);
}

bool connection_registry::empty() {
    std::lock_guard lock(mutex_);
    return live_.empty();
}

}  // namespace isapi_fcgi::engine
