#pragma once
// One pool's scoreboard: a shared-memory block that the master and every worker of the pool map
// (php-fpm's scoreboard idea). Each worker writes its own slot with relaxed atomics from any of
// its threads; whoever answers the status or metrics path reads every slot, so the figures cover
// the whole pool and need no round trip to a process that may be busy or hung. The master owns
// the header: restarts and their causes, rapid-fail and reload state, and the totals of retired
// workers (folded in under `seq`, so a reader never counts a retired worker twice).
//
// Everything in the block is a lock-free atomic (text too, as 8-byte words), so concurrent
// readers and writers are well defined; a crashing worker cannot leave a lock held.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace isapi_fcgi::ops {

inline constexpr std::size_t max_extensions = 32;
inline constexpr std::size_t max_tracked_requests = 256;  ///< per worker, for URLs in flight
inline constexpr std::size_t max_events = 16;             ///< recent restarts kept
inline constexpr std::size_t max_quarantined = 16;        ///< crash-quarantined requests kept
/// Latency histogram upper bounds in microseconds; one more bucket holds the rest (+Inf).
inline constexpr std::uint64_t latency_bounds_us[] = {1'000,   2'500,   5'000,     10'000,    25'000,
                                                      50'000,  100'000, 250'000,   500'000,   1'000'000,
                                                      2'500'000, 5'000'000, 10'000'000, 30'000'000};
inline constexpr std::size_t latency_buckets = std::size(latency_bounds_us) + 1;
/// Responses are counted per status code from 100 to 599 (index code - 100).
inline constexpr int first_status_code = 100;
inline constexpr std::size_t status_code_count = 500;

/// Text held as relaxed atomic words: readers may see a torn mix of two values, never UB.
template <std::size_t Bytes>
struct shared_text {
    static_assert(Bytes % 8 == 0);
    std::atomic<std::uint64_t> words[Bytes / 8];
    void store(std::string_view text) noexcept;
    std::string load() const;
};

using counter = std::atomic<std::uint64_t>;

/// Why a worker was replaced, as status and metrics name it.
enum class restart_cause : std::uint32_t {
    crash,             ///< killed by a signal
    exit,              ///< exited without being asked to
    max_requests,
    max_rss,
    recycle_interval,
    unhealthy,         ///< HSE_REQ_REPORT_UNHEALTHY
    request_timeout,   ///< every extension thread stuck past request_timeout
    reload,            ///< SIGHUP: a new generation replaced it
    windows_worker_crash,  ///< a `runtime: wine` extension's Windows worker ended unasked
    count
};
std::string_view to_string(restart_cause cause) noexcept;

struct extension_counters {
    counter requests;
    counter errors;  ///< 5xx or no response
    counter duration_us;
    counter buckets[latency_buckets];
};

/// What a worker adds up; also the header's totals of retired workers.
struct request_counters {
    counter requests;   ///< handed to an extension
    counter finished;
    counter pending;    ///< returned HSE_STATUS_PENDING
    counter slow;       ///< passed the slow-log threshold
    counter timed_out;  ///< ended by request_timeout
    counter status_classes[6];  ///< [0]: no status (connection closed), [1..5]: 1xx..5xx
    counter status_codes[status_code_count];  ///< [code - first_status_code]
    counter saturated;  ///< times every extension thread became busy (php-fpm's max children reached)
    counter bytes_in;
    counter bytes_out;
    counter internal;   ///< status and metrics requests answered by the ops layer
    extension_counters extensions[max_extensions];
};

/// One request in flight, for status `?full`, crash reports and stuck detection.
struct tracked_request {
    std::atomic<std::uint64_t> serial;  ///< 0: free
    std::atomic<std::uint32_t> extension;
    std::atomic<std::uint32_t> pending;
    /// Who still needs the entry: bit 0 the request (until it ends), bit 1 an extension thread
    /// (until it leaves extension code). Whoever clears the last bit frees it; so a request
    /// answered 504 stays listed while its thread is stuck.
    std::atomic<std::uint32_t> holders;
    std::atomic<std::int64_t> started_ms;      ///< CLOCK_MONOTONIC, shared by every process
    std::atomic<std::int64_t> in_code_since_ms;  ///< 0: no extension thread runs it now
    std::atomic<std::uint64_t> quarantine_key;   ///< crash_quarantine.hpp; 0: quarantine off
    shared_text<256> line;                     ///< "GET /scripts/app.dll/x?y"
};

enum class slot_state : std::uint32_t { free, starting, ready, draining };
std::string_view to_string(slot_state state) noexcept;

struct worker_slot {
    std::atomic<std::uint32_t> state;
    std::atomic<std::int32_t> pid;
    std::atomic<std::uint32_t> worker_id;
    std::atomic<std::uint64_t> generation;
    std::atomic<std::int64_t> started_unix_ms;
    std::atomic<std::uint32_t> extension_threads;
    std::atomic<std::uint32_t> busy_threads;
    std::atomic<std::uint32_t> max_busy_threads;
    std::atomic<std::uint32_t> in_flight;
    std::atomic<std::uint32_t> pending_now;
    /// The worker's extensions: index into the header's names, and where each is mapped.
    std::atomic<std::uint32_t> extension_count;
    std::atomic<std::uint32_t> extension_name_index[max_extensions];
    std::atomic<std::uint64_t> extension_lo[max_extensions];
    std::atomic<std::uint64_t> extension_hi[max_extensions];
    /// Written by the worker's fatal-signal handler, read by the master after the worker died.
    std::atomic<std::int32_t> fault_signal;
    std::atomic<std::uint64_t> fault_address;
    std::atomic<std::uint64_t> fault_pc;
    std::atomic<std::uint64_t> fault_serial;  ///< request the faulting thread was running, 0: none
    request_counters totals;
    tracked_request requests[max_tracked_requests];
    /// Scoreboard index + 1 of the extension this worker is loading (its DllMain or
    /// GetExtensionVersion runs); 0 otherwise. A worker that dies with it set died in that load.
    std::atomic<std::uint32_t> loading_extension;
    /// Per extension (the worker's order): the pid of its Windows worker (`runtime: wine`) while
    /// one serves; 0 otherwise.
    std::atomic<std::int32_t> windows_pid[max_extensions];
};

enum class pool_state : std::uint32_t { running, stopped };

/// A request that crashed a worker, answered 500 without running the extension until
/// `until_ms` (crash_quarantine.hpp). The master writes entries; workers only read them and
/// count their refusals.
struct quarantine_entry {
    std::atomic<std::int64_t> until_ms;  ///< CLOCK_MONOTONIC; 0 (or past): free
    std::atomic<std::uint64_t> key;
    std::atomic<std::uint64_t> refused;  ///< requests answered 500 in this period
    shared_text<256> line;               ///< the request, for the log and status
};

struct restart_event {
    std::atomic<std::int64_t> unix_ms;
    std::atomic<std::uint32_t> worker_id;
    std::atomic<std::int32_t> pid;
    std::atomic<std::uint32_t> cause;
    shared_text<248> detail;
};

struct board_header {
    std::atomic<std::uint64_t> magic;
    std::atomic<std::uint32_t> slot_count;
    std::atomic<std::uint32_t> seq;  ///< odd while the master folds a retired worker in
    std::atomic<std::int64_t> started_unix_ms;
    std::atomic<std::uint32_t> state;
    std::atomic<std::uint64_t> generation;
    std::atomic<std::uint32_t> configured_workers;
    std::atomic<std::uint32_t> reload_failed;
    shared_text<512> reload_error;
    shared_text<248> stop_reason;
    std::atomic<std::uint64_t> restarts[static_cast<std::size_t>(restart_cause::count)];
    std::atomic<std::uint64_t> event_count;
    restart_event events[max_events];
    std::atomic<std::uint32_t> extension_names_used;
    shared_text<64> extension_names[max_extensions];
    std::atomic<std::uint32_t> max_busy_threads;  ///< the highest any worker reached
    request_counters retired;
    quarantine_entry quarantine[max_quarantined];
    std::atomic<std::uint64_t> quarantined_total;  ///< quarantine periods started
    /// Per extension name index: why its load failed in the generation in force ("" = loaded or
    /// not tried yet), written by the workers (and the master for a load that killed a worker).
    shared_text<248> extension_load_error[max_extensions];
    /// Per extension name index, set by the master: a worker died loading it, so the next
    /// workers of the generation do not load it (it answers 500).
    std::atomic<std::uint32_t> extension_quarantined[max_extensions];
    /// Per extension name index, set by the master: why rapid-fail protection stopped this
    /// `runtime: wine` extension ("" = not stopped); its URLs answer 503 until a reload.
    shared_text<248> extension_stop_reason[max_extensions];
    /// Reloads the master gave a verdict on: [0] in force, [1] failed (the old generation kept).
    std::atomic<std::uint64_t> reloads[2];
    /// The longest accept queue a status or metrics request has seen (php-fpm's max listen queue).
    std::atomic<std::uint32_t> max_listen_queue;
};

/// A mapping of one pool's block. Movable, not copyable; unmaps on destruction.
class scoreboard {
public:
    /// Creates a block (memfd, close-on-exec) with `slots` worker slots. Throws std::system_error.
    static scoreboard create(std::string_view pool, std::uint32_t slots);
    /// Maps the block a master handed over as `fd` (a worker); throws std::system_error.
    static scoreboard attach(int fd);
    /// Ordinary memory with one slot, for --single-process (no descriptor).
    static scoreboard local();

    scoreboard() = default;
    scoreboard(scoreboard&& other) noexcept;
    scoreboard& operator=(scoreboard&& other) noexcept;
    scoreboard(const scoreboard&) = delete;
    scoreboard& operator=(const scoreboard&) = delete;
    ~scoreboard();

    explicit operator bool() const noexcept { return header_ != nullptr; }
    int fd() const noexcept { return fd_; }
    board_header& header() const noexcept { return *header_; }
    std::uint32_t slot_count() const noexcept { return header_->slot_count.load(std::memory_order_relaxed); }
    worker_slot& slot(std::uint32_t index) const noexcept { return slots_[index]; }

    /// The header's index of an extension name, adding it when new; max_extensions when full.
    std::uint32_t extension_name_index(std::string_view name) const noexcept;

private:
    void map(int fd, std::size_t size, bool fresh);

    int fd_ = -1;
    void* base_ = nullptr;
    std::size_t size_ = 0;
    board_header* header_ = nullptr;
    worker_slot* slots_ = nullptr;
};

/// Clears a slot for a new worker (master, before the worker starts).
void reset_slot(worker_slot& slot, std::uint32_t worker_id, std::uint64_t generation) noexcept;
/// Adds a retired worker's counters to the header's totals and frees its slot (master).
void retire_slot(board_header& header, worker_slot& slot) noexcept;
/// Appends a restart event and counts its cause (master).
void record_restart(board_header& header, restart_cause cause, std::uint32_t worker_id, int pid,
                    std::string_view detail) noexcept;

/// Milliseconds of CLOCK_MONOTONIC (the same clock in every process) and of the wall clock.
std::int64_t monotonic_ms() noexcept;
std::int64_t unix_ms() noexcept;

}  // namespace isapi_fcgi::ops
