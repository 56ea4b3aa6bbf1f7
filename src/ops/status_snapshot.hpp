#pragma once
// A consistent copy of one pool's scoreboard, taken by whoever answers the status or metrics
// path (a worker's I/O thread, or the master for a stopped pool), and the plain data the pure
// renderers (status_report, metrics) format.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ops/process_figures.hpp"
#include "ops/scoreboard.hpp"

namespace isapi_fcgi::ops {

struct extension_figures {
    std::string name;
    std::uint64_t requests = 0;
    std::uint64_t errors = 0;
    std::uint64_t duration_us = 0;
    std::array<std::uint64_t, latency_buckets> buckets{};  ///< per bucket, not cumulative
    std::string load_error;  ///< why the generation in force could not load it; "" = loaded
};

struct request_figures {
    std::uint64_t serial = 0;
    std::string line;       ///< method and URL
    std::string extension;
    std::int64_t age_ms = 0;
    bool pending = false;   ///< HttpExtensionProc returned HSE_STATUS_PENDING
    std::int64_t in_code_ms = -1;  ///< how long an extension thread has been in it; -1: none
    bool answered = false;  ///< the request ended (e.g. 504) but its thread is still in extension code
};

/// A worker's Windows worker (a `runtime: wine` extension's process under Wine).
struct windows_worker_figures {
    std::string extension;
    int pid = 0;
    std::uint64_t rss_bytes = 0;  ///< 0 when /proc could not be read
};

struct worker_figures {
    std::uint32_t id = 0;
    int pid = 0;
    std::uint64_t generation = 0;
    slot_state state = slot_state::free;
    std::int64_t started_unix_ms = 0;
    std::uint64_t requests = 0;
    std::uint32_t in_flight = 0;
    std::uint32_t pending = 0;
    std::uint32_t busy_threads = 0;
    std::uint32_t threads = 0;
    std::uint64_t rss_bytes = 0;
    std::optional<process_figures> process;  ///< from /proc; nullopt when unreadable
    std::vector<request_figures> requests_in_flight;
    std::vector<windows_worker_figures> windows_workers;
};

struct restart_figures {
    std::int64_t unix_ms = 0;
    std::uint32_t worker_id = 0;
    int pid = 0;
    std::string cause;
    std::string detail;
};

struct quarantine_figures {
    std::string line;        ///< "GET /scripts/app.dll/x?y"
    std::int64_t remaining_ms = 0;
    std::uint64_t refused = 0;
};

struct pool_snapshot {
    std::string pool;
    std::int64_t started_unix_ms = 0;
    std::int64_t now_unix_ms = 0;
    bool stopped = false;
    std::string stop_reason;
    bool reload_failed = false;
    std::string reload_error;
    std::uint64_t reloads_done = 0;    ///< reloads that took effect
    std::uint64_t reloads_failed = 0;  ///< reloads refused or whose generation could not start
    std::uint64_t generation = 0;
    std::uint32_t configured_workers = 0;

    std::uint64_t requests = 0;
    std::uint64_t finished = 0;
    std::uint64_t pending_total = 0;
    std::uint64_t slow = 0;
    std::uint64_t timed_out = 0;
    std::uint64_t internal = 0;
    std::uint64_t bytes_in = 0;
    std::uint64_t bytes_out = 0;
    std::array<std::uint64_t, 6> status_classes{};  ///< [0] none, [1..5] 1xx..5xx
    std::array<std::uint64_t, status_code_count> status_codes{};  ///< [code - first_status_code]
    std::uint64_t saturated = 0;  ///< times every extension thread of a worker was busy

    std::uint32_t in_flight = 0;
    std::uint32_t pending_now = 0;
    std::uint32_t busy_threads = 0;
    std::uint32_t total_threads = 0;
    std::uint32_t max_busy_threads = 0;
    std::uint32_t workers_ready = 0;
    std::uint32_t workers_starting = 0;
    std::uint32_t workers_draining = 0;

    std::array<std::uint64_t, static_cast<std::size_t>(restart_cause::count)> restarts{};
    std::vector<restart_figures> recent_restarts;  ///< newest first
    std::vector<quarantine_figures> quarantined;    ///< crash_quarantine entries in force
    std::uint64_t quarantined_total = 0;            ///< quarantine periods started
    std::optional<std::uint32_t> listen_queue;      ///< connections waiting for accept()
    std::optional<std::uint32_t> listen_queue_limit;
    std::uint32_t max_listen_queue = 0;             ///< the longest queue seen

    std::vector<extension_figures> extensions;
    std::vector<worker_figures> workers;
};

/// Reads `board` (retrying while the master folds a retired worker in). `listen_fds`: the pool's
/// listening sockets, for the accept-queue figures. `pool` names it.
pool_snapshot take_snapshot(const scoreboard& board, std::string_view pool, std::span<const int> listen_fds);

/// Resident set size of a process from /proc (0 if unknown).
std::uint64_t resident_bytes(int pid);

}  // namespace isapi_fcgi::ops
