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
#include <system_error>
#include <string>
#include <thread>
#include <vector>

#include "fcgi/param_set.hpp"
#include "isapi/pool_options.hpp"
#include "isapi/url_map.hpp"
#include "wine/lent_body.hpp"
#include "wine/pe_image.hpp"
#include "wine/relayed_request.hpp"
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
};

/// An HSE_REQ_EXEC_URL child that ran in the Windows worker ended: what its access-log line shows.
struct child_outcome {
    fcgi::param_set request;  ///< the child's params the line shows (link_protocol's child_log_fields)
    relay_outcome outcome;    ///< its status, bytes, lpszLogData and appended parameters
    unsigned iis_status = 0;  ///< its dwHttpStatusCode
    std::chrono::microseconds duration{};
};

/// A Windows worker that ended while it served (not asked to, not while loading the DLL).
struct worker_crash {
    int pid = 0;
    std::string how;                          ///< "exited with status 5", "was killed by SIGKILL"
    std::vector<std::uint64_t> in_flight;     ///< engine serials of the requests it had unanswered
};

/// HSE_REQ_EXEC_URL: where the pool's URL map sends a Windows worker's child request.
struct child_mapping {
    isapi::url_map_result mapped;
    bool same_extension = false;  ///< mapped to this extension: the child runs in its worker
    bool native = false;          ///< mapped to a native extension: the Linux worker can run it
    bool other_wine = false;      ///< mapped to another Wine extension: relayed to its worker
};

/// HSE_REQ_EXEC_URL: a relayed request's child that a native extension of the pool serves (the
/// Linux worker runs it) or another Wine extension (relayed to that one's Windows worker), with
/// no client connection of its own (docs/wine.md).
struct linux_child {
    std::shared_ptr<relayed_request> parent;  ///< the relayed request: its strand, serial
    fcgi::param_set params;                   ///< the child's, as child_params made them
    std::string entity;                       ///< its body: the entity the parent gave, unless `body`
    std::shared_ptr<lent_body> body;          ///< the parent's unread body, when it gave no entity
    bool pass_headers = true;                 ///< its header block becomes the response's
    unsigned depth = 1;                       ///< its EXEC_URL nesting
    isapi::url_match match;
    using written_handler = std::function<void(std::error_code)>;
    /// Its response bytes, for the parent's response in the Windows worker: `written` runs once
    /// they are in the pipe, or with an error when they cannot go (the parent's response is over).
    std::function<void(std::string bytes, written_handler written)> output;
    /// Its end (once): completes the parent's EXEC_URL with `status` and `win32_error`.
    std::function<void(unsigned status, std::uint32_t win32_error)> ended;
    /// Runs `gone` once (any thread) if the parent is answered (client gone, timed out, its
    /// worker lost) before the child ended; at once when it already was.
    std::function<void(std::function<void()> gone)> watch_parent;
};

class wine_extension {
public:
    using finished_handler = std::function<void(const relay_outcome&)>;
    using child_handler = std::function<void(const child_outcome&)>;
    /// Starts a linux_child (on any thread; the child starts on its parent's strand).
    using child_runner = std::function<void(linux_child)>;
    using crash_handler = std::function<void(const worker_crash&)>;
    using pid_handler = std::function<void(int)>;
    using unhealthy_handler = std::function<void(std::string_view reason)>;
    /// Maps a child request's params (REQUEST_URI, SCRIPT_NAME, REQUEST_METHOD); `skip_current`:
    /// this extension is passed over (HSE_EXEC_URL_IGNORE_CURRENT_INTERCEPTOR).
    using exec_mapper = std::function<child_mapping(const fcgi::param_set& child, bool skip_current)>;

    /// Checks the DLL and starts its Windows worker, waiting (bounded) for it to load the DLL.
    /// A failure is logged once and kept as load_error(); requests then answer 500. A `required`
    /// extension throws std::runtime_error instead.
    /// `on_crash`: told (on a reader thread, before the lost requests are answered) each time a
    /// ready Windows worker ends unasked: what rapid-fail protection and the crash quarantine
    /// count.
    /// `on_pid`: the pid of the Windows worker that serves now, or 0 once it ended (status).
    /// `on_unhealthy`: HSE_REQ_REPORT_UNHEALTHY's reason (on a reader thread, as the report
    /// arrives, whether its request is still relayed or not), as a native extension's goes.
    /// `map_child`: the pool's URL map for HSE_REQ_EXEC_URL children (none: every child URL is
    /// answered as one no extension serves).
    wine_extension(const isapi::extension_options& extension, const isapi::pool_options& pool,
                   crash_handler on_crash = {}, pid_handler on_pid = {}, unhealthy_handler on_unhealthy = {},
                   exec_mapper map_child = {});
    /// stop().
    ~wine_extension();
    wine_extension(const wine_extension&) = delete;
    wine_extension& operator=(const wine_extension&) = delete;

    const std::string& load_error() const noexcept { return load_error_; }

    /// Relays one request (called on its connection's strand; never blocks). `finished` is
    /// called exactly once, when the request is answered (or its connection closed);
    /// `child_finished` once per HSE_REQ_EXEC_URL child that ran in the Windows worker, as it
    /// ends (on a reader thread, before `finished`); `run_child` runs its children that a
    /// native extension or another Wine extension serves (none: they are answered 501).
    void handle(std::shared_ptr<engine::request> r, isapi::url_match match, finished_handler finished = {},
                child_handler child_finished = {}, child_runner run_child = {});
    /// The same for any relayed_request: an HSE_REQ_EXEC_URL child of another Wine extension's
    /// request, called on its strand.
    void handle(std::shared_ptr<relayed_request> r, isapi::url_match match, finished_handler finished = {},
                child_handler child_finished = {}, child_runner run_child = {});

    /// The pid of the Windows worker serving now; 0 when there is none.
    int worker_pid();

    /// Ends the Windows worker: closes its input, lets it finish and call TerminateExtension,
    /// SIGKILL after `grace`. Requests still relayed are answered as for a dead worker.
    void stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

private:
    struct relay;
    struct incarnation;

    /// Starts the first Windows worker and waits (bounded) until it loaded the DLL; sets load_error_.
    void load_first_worker();
    bool start_worker(std::unique_lock<std::mutex>& lock);
    void read_loop(std::shared_ptr<incarnation> worker);
    void worker_ended(const std::shared_ptr<incarnation>& worker);
    void begin(const std::shared_ptr<relay>& rel);
    void pump_body(const std::shared_ptr<relay>& rel);
    /// One piece of the body from the front end (rel->mutex held, no read in flight): to the
    /// Windows worker, or to the child it is lent to.
    void read_body_piece(const std::shared_ptr<relay>& rel, const std::shared_ptr<relayed_request>& request);
    void enqueue(std::shared_ptr<incarnation> worker, std::string bytes, std::function<void()> written = {},
                 std::function<void()> lost = {});
    /// An "exec" answered exec_linux: hands the child to the relay's child_runner.
    void start_linux_child(const std::shared_ptr<relay>& rel, const fcgi::param_set& question,
                           isapi::url_match match);
    /// What a lent_body calls to have one more piece of the front end's body read for its child.
    std::function<void()> want_more(const std::shared_ptr<relay>& rel);
    /// The body held since an "exec" flows again (pump_body, if it waited).
    void release_body(const std::shared_ptr<relay>& rel);
    /// exec_ended on the relay's id: the Windows worker's operation completes with it.
    void send_child_end(const std::shared_ptr<relay>& rel, unsigned status, std::uint32_t win32_error);
    void write_loop();
    void finish_failed(const std::shared_ptr<relay>& rel, int status, const char* why);
    void timed_out(const std::shared_ptr<relay>& rel);
    void request_message(const std::shared_ptr<relay>& rel, std::string_view message);
    /// HSE_REQ_EXEC_URL's "exec" message: maps the child and answers with DATA on its id.
    void answer_exec(const std::shared_ptr<relay>& rel, std::string_view pairs, std::string_view log_context);
    /// HSE_REQ_EXEC_URL's "child_log" message: a child that ran in the Windows worker ended.
    void report_child(const std::shared_ptr<relay>& rel, std::string_view pairs);
    /// Logs the Linux host's line (naming the request when `log_context` does) and hands it on.
    void report_unhealthy(std::string_view log_context, std::string_view reason);

    std::string load_error_;  // first: the initialisers below fill it
    const isapi::extension_options settings_;
    const std::vector<std::string> argv_;  // wine loader, worker, DLL, worker options
    const std::vector<std::string> environment_;
    const std::chrono::milliseconds request_timeout_;
    const crash_handler on_crash_;
    const pid_handler on_pid_;
    const unhealthy_handler on_unhealthy_;
    const exec_mapper map_child_;
    const std::size_t max_exec_params_;  // the pool's max_params_bytes: a child's params beyond it get 431
    const std::size_t max_exec_entity_;  // exec_entity_bound: a child's entity beyond it gets 413

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
        std::function<void()> lost;  // the bytes could not be written
    };
    std::mutex write_mutex_;
    std::condition_variable write_ready_;
    std::deque<write_item> writes_;
    bool write_stop_ = false;
    std::thread writer_;
};

}  // namespace isapi_fcgi::wine
