#include "engine/connection_registry.hpp"

#include <vector>

#include "engine/connection.hpp"

namespace isapi_fcgi::engine {

std::uint64_t connection_registry::next_id() noexcept {
    std::lock_guard lock(mutex_);
    return next_id_++;
}

void connection_registry::add(const std::shared_ptr<connection>& c) {
    admission mode;
    {
        std::lock_guard lock(mutex_);
        live_.emplace(c->id(), c);
        mode = admission_;
    }
    apply(mode, *c);
}

void connection_registry::remove(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    live_.erase(id);
}

std::vector<std::shared_ptr<connection>> connection_registry::enter(admission mode) {
    std::vector<std::shared_ptr<connection>> open;
    std::lock_guard lock(mutex_);
    // A stop overrides a drain; a drain never relaxes a stop.
    if (mode > admission_) admission_ = mode;
    for (auto& [id, weak] : live_)
        if (auto c = weak.lock()) open.push_back(std::move(c));
    return open;
}

void connection_registry::apply(admission mode, connection& c) {
    switch (mode) {
    case admission::serve: return;
    case admission::drain_serving_kept: return c.drain(true);
    case admission::drain_closing_idle: return c.drain(false);
    case admission::close: return c.close();
    }
}

void connection_registry::close_all() {
    for (auto& c : enter(admission::close)) c->close();
}

void connection_registry::drain_all(bool serve_kept_connections) {
    const auto mode = serve_kept_connections ? admission::drain_serving_kept : admission::drain_closing_idle;
    for (auto& c : enter(mode)) apply(mode, *c);
}

bool connection_registry::empty() {
    std::lock_guard lock(mutex_);
    return live_.empty();
}

}  // namespace isapi_fcgi::engine
