#include "isapi/conn_registry.hpp"

namespace isapi_fcgi::isapi {

conn_registry& conn_registry::instance() {
    static conn_registry registry;
    return registry;
}

std::uint64_t conn_registry::add(std::shared_ptr<isapi_request> request) {
    std::lock_guard lock(mutex_);
    const std::uint64_t id = next_++;
    live_.emplace(id, std::move(request));
    return id;
}

std::shared_ptr<isapi_request> conn_registry::find(std::uint64_t conn_id) {
    std::lock_guard lock(mutex_);
    const auto it = live_.find(conn_id);
    return it == live_.end() ? nullptr : it->second;
}

void conn_registry::remove(std::uint64_t conn_id) {
    std::shared_ptr<isapi_request> last;  // destroyed outside the lock
    std::lock_guard lock(mutex_);
    if (auto it = live_.find(conn_id); it != live_.end()) {
        last = std::move(it->second);
        live_.erase(it);
    }
}

}  // namespace isapi_fcgi::isapi
