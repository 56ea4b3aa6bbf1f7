#pragma once
// A pool's filters in one worker: the loaded chain, and the filter sessions of the client
// connections whose requests reach this worker.
//
// A session belongs to the client's TCP connection as the front end reports it (REMOTE_ADDR and
// REMOTE_PORT), not to the FastCGI connection, which front ends share between clients. The
// sidecar never sees the client's connection close: a session ends (SF_NOTIFY_END_OF_NET_SESSION,
// AllocMem blocks freed) once it has had no request for the session timeout, when the host
// sweeps (at each acquire) or when the host ends. A request without REMOTE_PORT gets a session of
// its own, ended at the next sweep.
//
// Threads: acquire() and the sweep run filter code (END_OF_NET_SESSION), so they are called on
// the pool's extension threads, never on I/O threads. A lease holds its session exclusively: a
// session is never notified concurrently (HTTP/2 streams of one client connection take turns).
// A lease may be released on another thread than the one that acquired it (the response side
// ends on the pool's filter threads).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "filters/filter_chain.hpp"
#include "filters/filter_session.hpp"

namespace isapi_fcgi::filters {

struct filter_host_options {
    /// A session with no request for this long ends.
    std::chrono::milliseconds session_timeout{std::chrono::seconds(75)};
    /// Sessions kept at most; beyond, the least recently used idle one ends first.
    std::size_t max_sessions = 16384;
};

class filter_host {
    struct entry;

public:
    using clock = std::chrono::steady_clock;

    /// Loads every filter (filter_chain): throws std::runtime_error naming the one that cannot.
    filter_host(const std::vector<filter_settings>& filters, filter_host_options options);
    /// Ends every session (END_OF_NET_SESSION), then the chain unloads the filters.
    ~filter_host();
    filter_host(const filter_host&) = delete;
    filter_host& operator=(const filter_host&) = delete;

    const filter_chain& chain() const noexcept { return chain_; }
    /// True when some filter registered `event`.
    bool wants(filter_event event) const noexcept { return (chain_.events() & notification_flag(event)) != 0; }

    /// One request's exclusive hold on its client connection's session.
    class lease {
    public:
        lease() = default;
        lease(lease&& other) noexcept : host_(other.host_), entry_(std::move(other.entry_)) {}
        lease& operator=(lease&&) noexcept;
        ~lease();
        filter_session& session() const noexcept;
        explicit operator bool() const noexcept { return entry_ != nullptr; }
        /// Lets the session go (idempotent; any thread); a session of its own ends at the next
        /// sweep.
        void release() noexcept;

    private:
        friend class filter_host;
        filter_host* host_ = nullptr;
        std::shared_ptr<entry> entry_;
    };

    /// Ends the sessions idle for the timeout, then finds or creates the session of the client
    /// connection (`remote_addr`, `remote_port`; an empty port gets a session of its own) and
    /// waits for it to be free. `secure`: the request came over TLS (HTTPS=on).
    lease acquire(std::string_view remote_addr, std::string_view remote_port, bool secure);

    /// Ends the sessions idle since before `now - session_timeout` (every idle one when
    /// `all`). Runs END_OF_NET_SESSION on the calling thread.
    void sweep(clock::time_point now, bool all = false);
    std::size_t sessions() const;

private:
    filter_chain chain_;
    filter_host_options options_;
    mutable std::mutex table_mutex_;
    std::condition_variable released_;  // a session became free
    std::map<std::string, std::shared_ptr<entry>, std::less<>> table_;
    std::uint64_t next_connection_id_ = 1;
};

}  // namespace isapi_fcgi::filters
