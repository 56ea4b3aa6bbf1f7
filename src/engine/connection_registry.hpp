#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace isapi_fcgi::engine {

class connection;

/// The live connections of a server, for closing them all at stop. Connections register when
/// they start and are forgotten when destroyed; the registry never keeps one alive.
class connection_registry {
public:
    std::uint64_t next_id() noexcept;
    void add(const std::shared_ptr<connection>& c);
    void remove(std::uint64_t id);
    void close_all();
    /// Every connection closes once its requests have ended (idle ones at once).
    void drain_all(bool serve_kept_connections);
    bool empty();

private:
    std::vector<std::shared_ptr<connection>> snapshot();

    std::mutex mutex_;
    std::uint64_t next_id_ = 1;
    std::unordered_map<std::uint64_t, std::weak_ptr<connection>> live_;
};

}  // namespace isapi_fcgi::engine
