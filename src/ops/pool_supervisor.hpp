#pragma once
// One pool's worker processes, run by the master on its single thread: starts them, replaces a
// dead one at once (logging the signal, the faulting extension and the URLs it had in flight),
// stops respawning after rapid-fail protection trips (and answers 503 on the pool's sockets
// itself), recycles workers (max_requests, max_rss, recycle_interval, REPORT_UNHEALTHY, every
// extension thread stuck past request_timeout) and reloads a generation. Recycling and reload
// always start the new workers first and drain the old ones only once the new ones are ready.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/settings.hpp"
#include "engine/asio.hpp"
#include "ops/listen_sockets.hpp"
#include "ops/rapid_fail_guard.hpp"
#include "ops/scoreboard.hpp"
#include "ops/windows_crash_policy.hpp"
#include "ops/wine_crash_message.hpp"

namespace isapi_fcgi::ops {

class stopped_pool_responder;

/// What every pool shares: the master's loop and the configuration generation in force.
struct supervisor_context {
    engine::asio::io_context& io;
    std::string source;                  ///< the configuration file's name
    std::chrono::milliseconds shutdown_timeout{std::chrono::seconds(30)};
    /// A pool's first generation became ready or stopped, or failed to start fatally.
    std::function<void()> on_progress;
};

class pool_supervisor {
public:
    using clock = std::chrono::steady_clock;
    enum class phase { starting, ready, draining };

    /// `config_fd`: the configuration text for this generation's workers (shared, not owned).
    pool_supervisor(supervisor_context& context, config::pool_settings settings,
                    std::vector<const open_socket*> sockets, std::shared_ptr<int> config_fd);
    ~pool_supervisor();
    pool_supervisor(const pool_supervisor&) = delete;
    pool_supervisor& operator=(const pool_supervisor&) = delete;

    const std::string& name() const noexcept { return settings_.name; }
    const scoreboard& board() const noexcept { return board_; }

    /// Starts the configured number of workers.
    void start();
    /// The master reaped `pid`; false when it is not one of ours.
    bool on_exit(pid_t pid, int status);
    /// Periodic checks: recycling limits, stuck workers, overdue drains.
    void tick();
    /// A new generation with `settings`; the running one keeps serving until it is ready.
    void reload(config::pool_settings settings, std::vector<const open_socket*> sockets, std::shared_ptr<int> config_fd);
    /// Graceful stop: every worker drains; `kill` instead sends SIGKILL.
    void stop(bool kill);
    void reopen_logs();
    /// Marks the last reload as failed (or succeeded) in the status.
    void set_reload_result(const std::string& error);

    bool has_processes() const noexcept { return !workers_.empty(); }
    /// The first generation is up (every worker ready), or the pool stopped trying.
    bool settled() const noexcept { return settled_; }
    /// A worker of the first generation exited with the "fatal" code: start-up failed.
    bool failed_fatally() const noexcept { return fatal_; }
    bool stopped() const noexcept { return stopped_; }
    /// The reload in progress has every new worker ready (or there is none in progress).
    bool reload_settled() const noexcept { return !reload_in_progress_; }

private:
    struct worker {
        std::uint32_t id = 0;
        pid_t pid = -1;
        std::uint64_t generation = 0;
        std::uint32_t slot = 0;
        phase state = phase::starting;
        clock::time_point started;
        clock::time_point drain_deadline;
        std::uint32_t replaced_by = 0;  ///< recycling: the worker started to take over
        std::uint32_t replaces = 0;
        std::optional<restart_cause> retire_cause;
        std::string retire_reason;
        std::string start_error;  ///< "failed <reason>" from a worker that cannot start
        bool killed = false;
        bool recycle_deferred = false;  ///< asked to recycle while no slot was free for its replacement
        std::unique_ptr<engine::asio::posix::stream_descriptor> channel;
        std::unique_ptr<engine::asio::posix::stream_descriptor> output;
        std::string partial_line;
        std::array<char, 4096> channel_buffer{};
        std::array<char, 16384> output_buffer{};
    };

    worker* spawn(std::uint32_t replaces = 0);
    void read_channel(std::uint32_t id);
    void read_output(std::uint32_t id);
    void on_message(worker& w, const std::string& message);
    /// Messages still queued on a dead worker's channel (its last words, e.g. "failed ...").
    void read_last_messages(worker& w);
    void on_ready(worker& w);
    void recycle(worker& w, restart_cause cause, std::string reason);
    /// Recycles the workers deferred for want of a slot, as far as slots are free now.
    void recycle_deferred();
    void drain(worker& w, restart_cause cause, std::string reason, std::chrono::milliseconds bound);
    void report_death(worker& w, int status);
    /// crash_quarantine: the request a crashed worker was running (its slot still says).
    void quarantine_crash(const worker& w);
    void trip_rapid_fail();
    /// A worker's Windows worker (a `runtime: wine` extension) crashed: the crash quarantine
    /// takes its requests in flight, and the extension's own rapid-fail protection counts it;
    /// tripped, it stops that extension only (its URLs answer 503), not the pool.
    void windows_worker_crashed(const worker& w, const wine_crash_message& crash);
    void start_responder();
    void stop_responder();
    void reload_failed(const std::string& why);
    /// `w` died loading the extension with scoreboard index `name_index`: the generation's
    /// next workers skip it (it answers 500) instead of dying the same way.
    void quarantine_extension(const worker& w, int status, std::uint32_t name_index);
    /// The extensions' load state, kept across a reload so that a failed one can restore it.
    void save_load_state();
    void restore_load_state();
    worker* find(std::uint32_t id);
    std::optional<std::uint32_t> free_slot() const;
    std::size_t current_generation_count() const;
    std::string who(const worker& w) const;

    supervisor_context& context_;
    config::pool_settings settings_;
    std::vector<const open_socket*> sockets_;
    std::shared_ptr<int> config_fd_;
    // The generation a failed reload falls back to.
    config::pool_settings previous_settings_;
    std::vector<const open_socket*> previous_sockets_;
    std::shared_ptr<int> previous_config_fd_;
    std::vector<std::string> previous_load_errors_;
    std::vector<std::uint32_t> previous_quarantined_;
    std::vector<std::string> previous_stop_reasons_;
    scoreboard board_;
    rapid_fail_guard guard_;
    windows_crash_policy windows_crashes_;
    std::map<std::uint32_t, std::unique_ptr<worker>> workers_;
    std::uint32_t next_id_ = 1;
    std::uint64_t generation_ = 1;
    bool settled_ = false;
    bool fatal_ = false;
    bool stopped_ = false;
    bool stopping_ = false;
    bool reload_in_progress_ = false;
    std::unique_ptr<stopped_pool_responder> responder_;
};

}  // namespace isapi_fcgi::ops
