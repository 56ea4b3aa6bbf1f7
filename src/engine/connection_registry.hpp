#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace isapi_fcgi::engine {

class connection;

/// The live connections of a server, for draining or closing them all. Connections register
/// when they start and are forgotten when destroyed; the registry never keeps one alive.
///
/// A connection can register after the drain or stop began: the kernel handed it to a pending
/// accept just before the listener closed, and its peer is already sending a request on it. It
/// gets what the others got (drained: its request is served; stopped: closed), decided under
/// the same lock as the snapshot the others were drained from, so none is missed.
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
    enum class admission { serve, drain_serving_kept, drain_closing_idle, close };

    std::vector<std::shared_ptr<connection>> enter(admission mode);
    static void apply(admission mode, connection& c);

    std::mutex mutex_;
    std::uint64_t next_id_ = 1;
    admission admission_ = admission::serve;
    std::unordered_map<std::uint64_t, std::weak_ptr<connection>> live_;
};

}  // namespace isapi_fcgi::engine
