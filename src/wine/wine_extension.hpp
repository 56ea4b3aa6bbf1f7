#pragma once
// A `runtime: wine` extension as the pool's Linux worker serves it: requests mapped to it are
// relayed, as FastCGI records over pipes, to a Windows worker (isapi-wine-worker.exe under
// Wine) that loaded the DLL. This object owns that process: it starts it with the pool, restarts
// it when it dies (its in-flight requests answered 502, logged once with the DLL's name), and
// stops it with the pool, so recycling, graceful stop and reload apply to it unchanged.
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "isapi/pool_options.hpp"
#include "isapi/url_map.hpp"
#include "wine/pe_image.hpp"
#include "wine/worker_process.hpp"

namespace isapi_fcgi::engine {
class request;
}

namespace isapi_fcgi::wine {

/// How a relayed request ended, for the access log, status and metrics.
struct relay_outcome {
    unsigned status = 0;           ///< what the client got; 0: connection closed without a status
    bool client_gone = false;      ///< the client went away first (logged as 499)
    bool timed_out = false;        ///< ended by request_timeout
    std::uint64_t bytes_in = 0;    ///< request body bytes relayed
    std::uint64_t bytes_out = 0;   ///< response body bytes (after the header block)
    std::string log_data{};        ///< what the DLL left in lpszLogData
    std::string log_parameters{};  ///< HSE_APPEND_LOG_PARAMETER
    std::string unhealthy{};       ///< HSE_REQ_REPORT_UNHEALTHY's reason; empty: not reported
};

/// A Windows worker that ended while it served (not asked to, not while loading the DLL).
struct worker_crash {
    int pid = 0;
    std::string how;                          ///< "exited with status 5", "was killed by SIGKILL"
    std::vector<std::uint64_t> in_flight;     ///< engine serials of the requests it had unanswered
};

class wine_extension {
public:
    using finished_handler = std::function<void(const relay_outcome&)>;
    using crash_handler = std::function<void(const worker_crash&)>;
    using pid_handler = std::function<void(int)>;

    /// Checks the DLL and starts its Windows worker, waiting (bounded) for it to load the DLL.
    /// A failure is logged once and kept as load_error(); requests then answer 500. A `required`
    /// extension throws std::runtime_error instead.
    /// `on_crash`: told (on a reader thread, before the lost requests are answered) each time a
    /// ready Windows worker ends unasked: what rapid-fail protection and the crash quarantine
    /// count.
    /// `on_pid`: the pid of the Windows worker that serves now, or 0 once it ended (status).
    wine_extension(const isapi::extension_options& extension, const isapi::pool_options& pool,
                   crash_handler on_crash = {}, pid_handler on_pid = {});
    /// stop().
    ~wine_extension();
    wine_extension(const wine_extension&) = delete;
    wine_extension& operator=(const wine_extension&) = delete;

    const std::string& load_error() const noexcept { return load_error_; }

    /// Relays one request (called on its connection's strand; never blocks). `finished` is
    /// called exactly once, when the request is answered (or its connection closed).
    void handle(std::shared_ptr<engine::request> r, isapi::url_match match, finished_handler finished = {});

    /// The pid of the Windows worker serving now; 0 when there is none.
    int worker_pid();

    /// Ends the Windows worker: closes its input, lets it finish and call TerminateExtension,
    /// SIGKILL after `grace`. Requests still relayed are answered as for a dead worker.
    void stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

private:
    struct relay;
    struct incarnation;

    bool start_worker(std::unique_lock<std::mutex>& lock);
    void read_loop(std::shared_ptr<incarnation> worker);
    void worker_ended(const std::shared_ptr<incarnation>& worker);
    void begin(const std::shared_ptr<relay>& rel);
    void pump_body(const std::shared_ptr<relay>& rel);
    void enqueue(std::shared_ptr<incarnation> worker, std::string bytes, std::function<void()> written = {});
    void write_loop();
    void finish_failed(const std::shared_ptr<relay>& rel, int status, const char* why);
    void timed_out(const std::shared_ptr<relay>& rel);
    void request_message(const std::shared_ptr<relay>& rel, std::string_view message);

    std::string load_error_;  // first: the initialisers below fill it
    const isapi::extension_options settings_;
    const std::vector<std::string> argv_;  // wine loader, worker, DLL, worker options
    const std::vector<std::string> environment_;
    const std::chrono::milliseconds request_timeout_;
    const crash_handler on_crash_;
    const pid_handler on_pid_;

    std::mutex mutex_;  // the fields below
    std::condition_variable changed_;
    std::shared_ptr<incarnation> current_;
    std::vector<std::thread> readers_;  // joined at stop()
    std::chrono::steady_clock::time_point next_start_{};
    bool stopping_ = false;

    // Writes to the worker's stdin, in order, from one thread: never on a connection's strand.
    struct write_item {
        std::shared_ptr<incarnation> worker;
        std::string bytes;
        std::function<void()> written;
    };
    std::mutex write_mutex_;
    std::condition_variable write_ready_;
    std::deque<write_item> writes_;
    bool write_stop_ = false;
    std::thread writer_;
};

}  // namespace isapi_fcgi::wine
