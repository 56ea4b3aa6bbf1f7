#pragma once
// The ISAPI host's observer in a worker: counts every request event into the worker's
// scoreboard slot (lock-free, from any thread), tracks the requests in flight with their URLs,
// marks which thread runs which request for crash reports, and tells the supervisor when this
// worker should be recycled (max_requests reached, HSE_REQ_REPORT_UNHEALTHY).
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "isapi/host_observer.hpp"
#include "ops/scoreboard.hpp"

namespace isapi_fcgi::ops {

class worker_observer final : public isapi::host_observer {
public:
    /// Called at most once, from any thread, with the cause and a reason for the log.
    using recycle_request = std::function<void(restart_cause, std::string)>;

    /// `extension_names`: the pool's extensions in configuration order (their scoreboard
    /// indexes are looked up once here). `max_requests` 0: never.
    worker_observer(const scoreboard& board, worker_slot& slot, const std::vector<std::string>& extension_names,
                    unsigned extension_threads, std::uint64_t max_requests, recycle_request on_recycle);

    void request_started(const isapi::request_started_info& info) noexcept override;
    /// Refuses a request in the pool's crash quarantine (crash_quarantine.hpp).
    isapi::admission admit(std::uint64_t serial) noexcept override;
    void request_pending(std::uint64_t serial) noexcept override;
    void request_slow(std::uint64_t serial, std::string_view waiting_on) noexcept override;
    void request_finished(const isapi::request_finished_info& info) noexcept override;
    void extension_code_entered(std::uint64_t serial) noexcept override;
    void extension_code_left(std::uint64_t serial) noexcept override;
    void extension_unhealthy(std::string_view pool, std::string_view extension,
                             std::string_view reason) noexcept override;
    void extension_loading(std::size_t index) noexcept override;
    void extension_loaded(std::size_t index, std::string_view error) noexcept override;
    std::string extension_quarantined(std::size_t index) override;
    std::string extension_stopped(std::size_t index) override;
    void windows_worker_changed(std::size_t index, int pid) noexcept override;
    /// Tells the master (on_windows_crash) in a "wine-crash" message (wine_crash_message.hpp).
    void windows_worker_crashed(std::size_t index, int pid, std::string_view how,
                                std::span<const std::uint64_t> in_flight) noexcept override;

    /// Where windows_worker_crashed sends its message; unset: the crash is only logged.
    void on_windows_crash(std::function<void(std::string)> send) { on_windows_crash_ = std::move(send); }
    /// Status and metrics requests answered beside the extensions.
    void internal_request() noexcept;

    /// Keys every request for the crash quarantine and checks them against the pool's list.
    /// Call before serving (a pool with `crash_quarantine` above 0).
    void enable_crash_quarantine() noexcept { quarantine_ = true; }

private:
    tracked_request* find(std::uint64_t serial) noexcept;
    void ask_recycle(restart_cause cause, std::string reason) noexcept;

    board_header& header_;
    worker_slot& slot_;
    bool quarantine_ = false;
    std::vector<std::uint32_t> name_index_;  // pool extension index -> scoreboard index
    std::uint64_t max_requests_;
    recycle_request on_recycle_;
    std::function<void(std::string)> on_windows_crash_;
    std::atomic<bool> recycle_asked_{false};
};

/// Adds one request duration to an extension's counters (shared with the single-process path).
void count_extension_request(extension_counters& counters, std::chrono::microseconds duration, bool error) noexcept;

}  // namespace isapi_fcgi::ops
