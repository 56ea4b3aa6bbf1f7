#pragma once
// One request to an ISAPI extension: the EXTENSION_CONTROL_BLOCK and everything it points to,
// the read-ahead, the response translator, the I/O operations the extension starts, its
// completions, and the request's lifecycle (session_state).
//
// Actors and threads:
// - start() and the read-ahead run on the engine connection's strand; HttpExtensionProc then
//   runs on the pool's extension threads (not on a strand: as in IIS, a completion may run
//   while the proc is still inside).
// - Callbacks arrive on any extension thread, the extension's own threads included. Every call
//   that sends or receives becomes an operation in one FIFO per request; one operation at a
//   time is at the engine, so bytes reach the client in call order, a second asynchronous
//   operation waits for the first, and a synchronous WriteClient issued while an asynchronous
//   one is pending goes out after it. A synchronous call blocks its thread on done_cv_ until its
//   operation finished; I/O threads never wait.
// - Completion callbacks are posted to the request's strand on the extension pool: serialized,
//   never inside the call that started the operation. One that finishes while HttpExtensionProc
//   runs is held for the proc's thread to run once the proc returns (held_completion_watch).
// - The deadline actor (request_timer) runs on the connection strand.
// mutex_ guards all mutable state. It is never held while extension code runs or while a thread
// waits for an operation.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/strand.hpp>
#include <boost/container/deque.hpp>
#include <boost/container/options.hpp>
#include <boost/asio/thread_pool.hpp>
#include <isapi/httpext.h>

#include "engine/request.hpp"
#include "isapi/exec_url.hpp"
#include "isapi/request_channel.hpp"
#include "isapi/pool_host.hpp"
#include "isapi/ecb_builder.hpp"
#include "isapi/request_timer.hpp"
#include "isapi/response_translator.hpp"
#include "isapi/send_job.hpp"
#include "isapi/server_variables.hpp"
#include "isapi/session_state.hpp"
#include "isapi/url_map.hpp"

namespace isapi_fcgi::isapi {

/// Where an I/O completion goes: the callback registered with HSE_REQ_IO_COMPLETION, or an
/// operation's own (TransmitFile's pfnHseIO).
struct completion_target {
    PFN_HSE_IO_COMPLETION callback = nullptr;
    PVOID context = nullptr;
};

class isapi_request : public std::enable_shared_from_this<isapi_request>, held_completion_watch::holder {
public:
    using clock = std::chrono::steady_clock;

    /// `depth`: 0 for a request from the web server, n for an EXEC_URL child n levels down.
    isapi_request(std::shared_ptr<request_channel> request, std::shared_ptr<pool_host> pool,
                  std::size_t extension, url_match match, unsigned depth = 0);
    ~isapi_request();
    isapi_request(const isapi_request&) = delete;
    isapi_request& operator=(const isapi_request&) = delete;

    /// On the connection strand: registers the ConnID, reads ahead min(cbTotalBytes,
    /// upload_read_ahead) body bytes, then queues the extension call.
    void start();

    // ---- the ECB's callbacks (any thread) -------------------------------------------------
    BOOL get_server_variable(LPSTR name, LPVOID buffer, LPDWORD size);
    BOOL write_client(LPVOID buffer, LPDWORD bytes, DWORD flags);
    BOOL read_client(LPVOID buffer, LPDWORD size);

    // ---- what ServerSupportFunction codes do (support_functions.cpp decodes the arguments);
    //      each returns the callback's BOOL and sets the last error on failure ----------------
    BOOL send_response_header(std::string_view what, std::optional<std::string_view> status,
                              std::optional<std::string_view> headers);
    BOOL send_redirect(std::string_view location);
    BOOL done_with_session(const DWORD* status);
    BOOL set_completion(PFN_HSE_IO_COMPLETION callback, PVOID context);
    BOOL async_read_client(LPVOID buffer, LPDWORD size);
    /// TRANSMIT_FILE and VECTOR_SEND once decoded. `target` overrides the registered callback.
    BOOL send(std::unique_ptr<send_job> job, std::string_view what, bool async, completion_target target);
    BOOL is_keep_conn(BOOL* out) const;
    BOOL is_connected(BOOL* out);
    BOOL append_log_parameter(std::string_view text);
    BOOL map_url_to_path(LPVOID buffer, LPDWORD size);
    BOOL map_url_to_path_ex(LPVOID url, LPDWORD size, HSE_URL_MAPEX_INFO* info);
    BOOL map_unicode_url_to_path(LPVOID buffer, LPDWORD size);
    BOOL map_unicode_url_to_path_ex(LPVOID url, LPDWORD size, HSE_UNICODE_URL_MAPEX_INFO* info);
    BOOL get_cert_info_ex(CERT_CONTEXT_EX* out);
    /// HSE_REQ_SEND_URL: a 302 (IIS 6), or the front end's internal redirect (IIS 4's local
    /// URL served in place) when the extension's `send_url` is `internal`.
    BOOL send_url(std::string_view url);
    /// HSE_REQ_SEND_CUSTOM_ERROR: `status` with an empty body, for the front end's error page.
    BOOL send_custom_error(std::string_view status, bool async);
    /// HSE_REQ_CLOSE_CONNECTION: the response ends now; the pending operation completes with
    /// ERROR_NETNAME_DELETED and every later one fails with it.
    BOOL close_connection();
    /// HSE_REQ_CANCEL_IO: the pending asynchronous operation (and any queued behind it) completes
    /// with ERROR_OPERATION_ABORTED; a write already handed to the web server completes as sent.
    BOOL cancel_io();
    /// HSE_REQ_EXEC_URL / EXEC_UNICODE_URL: an asynchronous child request, dispatched in process
    /// to the extension its URL maps to; its output becomes part of this response, and the
    /// registered completion runs when it has ended.
    BOOL exec_url(exec_url_request child);
    BOOL get_exec_url_status(HSE_EXEC_URL_STATUS* out);

    // ---- a child's channel feeding this (its parent) request; on the connection strand --------
    /// Child response bytes for the EXEC_URL operation `exec_id`; `handler` runs once they are
    /// written (or with an error when the operation is over).
    void child_output(std::uint64_t exec_id, std::span<const std::byte> borrowed, std::string owned,
                      engine::request::write_handler handler);
    void child_ended(std::uint64_t exec_id, unsigned status, DWORD win32_error);
    request_channel& channel() const noexcept { return *request_; }
    BOOL report_unhealthy(std::string_view reason);
    /// A code this host does not implement: FALSE/ERROR_INVALID_PARAMETER, logged once per code
    /// and extension.
    BOOL unsupported(DWORD code);
    /// A supported code answered FALSE/ERROR_INVALID_PARAMETER: logged once per code and
    /// extension. Keeps the last error.
    void refused(DWORD code);

    /// Shutdown: fails every queued operation and wakes every waiting caller (the engine that
    /// would have completed them has stopped).
    void abandon();

    /// True once HttpExtensionProc has been called: before that no callback is valid.
    bool extension_called() const;
    std::uint64_t conn_id() const noexcept { return conn_id_; }
    std::string_view log_context() const noexcept { return request_->log_context(); }
    std::string_view extension_name() const;
    pool_host& pool() const noexcept { return *pool_; }

private:
    struct op_result {
        bool ok = true;
        DWORD error = ERROR_SUCCESS;
        DWORD bytes = 0;
    };
    /// A blocked caller's slot, on its own stack.
    struct sync_waiter {
        bool done = false;
        op_result result;
    };
    struct io_op {
        enum class kind : std::uint8_t { write, header, redirect, host_header, read, send, exec, finish };
        kind what = kind::write;
        std::string_view label;                               // the ISAPI call, for log lines
        std::uint64_t id = 0;                                 // set when it starts
        DWORD ecb_status = 200;                               // dwHttpStatusCode at the call
        std::span<const char> data;                           // write
        std::optional<std::string_view> status, headers;      // header (the caller waits)
        std::span<std::byte> into;                            // read
        std::shared_ptr<send_job> job;                        // send (shared with a file read)
        std::string text;                                     // redirect: the location;
                                                              // host_header: the status
        std::string header_text;                              // host_header: its header lines
        sync_waiter* waiter = nullptr;                        // a blocked caller, or
        bool async = false;                                   // a completion to post, or neither
        completion_target target;                             // async: overrides the registered one
        std::shared_ptr<exec_url_request> exec;               // exec: the child asked for
    };
    /// Output for the engine, batched: one post to the connection strand carries every write,
    /// the end and the timer's cancellation queued since the last one, in order.
    struct outgoing {
        enum class kind : std::uint8_t { write, end, close, cancel_timer };
        kind what = kind::write;
        std::string owned{};                    // sent when not empty, else `borrowed`
        std::span<const std::byte> borrowed{};  // the extension's buffer, valid until `handler`
        engine::request::write_handler handler{};
    };
    using lock_type = std::unique_lock<std::mutex>;

    // lifecycle
    void read_ahead();
    void on_read_ahead(std::error_code ec, std::size_t n);
    void enqueue();
    void run();
    void call_extension();
    void after_proc(DWORD status);
    void on_deadline();
    void arm_next_deadline(lock_type& lock);
    /// Acts on session_state: queues the end of the response, tears the request down.
    void settle(lock_type& lock);
    void tear_down(lock_type& lock);
    /// Answers `status` with a short body and ends the response now; nothing if a header went
    /// out (then the connection is closed when `abort_if_sent`).
    /// `log_it` false: the caller rations the log lines (a quarantined request's repeats).
    void answer_error(lock_type& lock, unsigned status, std::string_view why, bool abort_if_sent,
                      bool log_it = true);
    void end_response(lock_type& lock, bool close_connection);
    bool response_closed() const noexcept;

    // operations
    op_result run_sync(io_op op);
    BOOL submit_async(io_op op, completion_target target);
    void pump(lock_type& lock);
    void start_op(lock_type& lock, io_op& op);
    void start_write(lock_type& lock, io_op& op);
    void start_read(lock_type& lock, io_op& op);
    void continue_send(lock_type& lock, io_op& op);
    /// Starts the front EXEC_URL operation's child, or answers it at once when nothing serves
    /// its URL.
    void start_exec(lock_type& lock, io_op& op);
    /// On a file-reader thread: the next chunk of the front operation's file segment.
    void send_file_chunk(std::uint64_t id, send_job& job);
    /// Sends translated bytes for the front operation; on_sent runs when they are written.
    void send_bytes(lock_type& lock, response_bytes& bytes, std::size_t reported);
    /// Queues out's pieces in order; `last` runs once the last of them is written.
    void queue_response(lock_type& lock, response_bytes& out, engine::request::write_handler last);
    void queue_out(lock_type& lock, outgoing item);
    /// On the connection strand: hands the batch to the engine.
    void flush_outbox();
    void on_sent(std::uint64_t id, std::error_code ec, std::size_t reported);
    /// A synchronous caller's copied bytes went out (or failed) after it returned.
    void on_accepted_sent(std::error_code ec, std::size_t size);
    void on_read(std::uint64_t id, std::error_code ec, std::size_t n);
    void complete_front(lock_type& lock, op_result result);
    /// Wakes the operation's synchronous caller or posts its completion.
    void complete(lock_type& lock, io_op& op, op_result result);
    void post_completion(lock_type& lock, completion_target target, op_result result);
    using completion_strand_type = boost::asio::strand<boost::asio::thread_pool::executor_type>;
    /// The request's strand on the extension pool, created on first use.
    completion_strand_type& completion_strand(lock_type& lock);
    /// After HttpExtensionProc returned: the watch lets go of the request; true when completions
    /// are held, which drain_held_completions() then runs (holding stays on until it has).
    bool stop_watching_held_completions();
    /// On the strand: runs the held completions, and those held meanwhile, until none is left
    /// (after the proc returned, or once the watch released them).
    void drain_held_completions();
    void release_held_completions() override;
    void run_completion(completion_target target, op_result result);
    BOOL fail(DWORD error);
    /// Ends the front operation if it is a read at the engine, and every queued asynchronous
    /// operation (`all`: synchronous ones too), with `error`.
    void cancel_operations(lock_type& lock, DWORD error, bool all);
    /// The document-root mapping MAP_URL_TO_PATH and its variants share.
    std::optional<std::string> map_path(std::string_view url);
    /// For the slow log and the timeout's log line.
    std::string_view waiting_on() const;

    void write_access_log();
    void notify_finished();

    std::shared_ptr<request_channel> request_;
    std::shared_ptr<pool_host> pool_;
    unsigned depth_ = 0;
    std::size_t extension_;
    url_match match_;
    std::uint64_t conn_id_ = 0;
    std::atomic<bool> ecb_built_{false};  // set once, before HttpExtensionProc; never cleared
    clock::time_point started_ = clock::now();
    std::shared_ptr<request_timer> timer_;
    engine::strand_type executor_;  // request_->executor(): a strand, so posts through it allocate no any_io_executor

    // What the ECB points to; alive until the request is torn down.
    std::optional<server_variables> variables_;
    ecb_strings strings_;
    // cbAvailable bytes + an uncounted NUL. Not a vector: resize() would zero every byte the
    // network is about to overwrite.
    std::unique_ptr<BYTE[]> read_ahead_;
    std::size_t read_ahead_size_ = 0;
    std::size_t read_ahead_capacity_ = 0;  // bytes, the NUL's included
    std::size_t read_ahead_target_ = 0;
    EXTENSION_CONTROL_BLOCK ecb_{};

    mutable std::mutex mutex_;
    std::condition_variable done_cv_;
    session_state state_;
    response_translator translator_;
    // Boost's deque allocates nothing until the first operation, and its blocks hold four
    // operations (std::deque's 512-byte blocks hold two): fewer allocations per request while a
    // pending request's memory stays small.
    using op_queue = boost::container::deque<io_op, void,
                                             boost::container::deque_options_t<boost::container::block_size<4u>>>;
    op_queue ops_;
    bool op_running_ = false;
    std::uint64_t op_serial_ = 0;
    std::size_t unsent_bytes_ = 0;  // copied for synchronous callers that already returned
    std::vector<outgoing> outbox_;
    bool flush_posted_ = false;
    std::optional<completion_strand_type> strand_;
    struct held_completion {
        completion_target target;
        op_result result;
    };
    std::vector<held_completion> held_;  // finished while the proc ran
    bool holding_ = false;  // from the proc's start until the watch releases or the drain ends
    bool hold_watched_ = false;
    completion_target registered_;
    enum class phase : std::uint8_t { reading_ahead, queued, running, done };
    phase phase_ = phase::reading_ahead;
    clock::time_point queued_at_{};
    clock::time_point proc_started_at_{};
    std::uint64_t body_bytes_read_ = 0;
    bool body_ended_ = false;
    bool body_too_large_ = false;
    bool client_gone_ = false;
    bool timed_out_ = false;
    bool slow_logged_ = false;
    bool warned_second_async_ = false;
    bool finish_queued_ = false;
    bool closed_by_extension_ = false;           // HSE_REQ_CLOSE_CONNECTION
    std::uint64_t cancelled_read_ = 0;           // id of a read whose cancellation was asked for
    DWORD cancelled_read_error_ = ERROR_SUCCESS;  // what it completes with
    std::optional<HSE_EXEC_URL_STATUS> exec_status_;  // of the last child, for GET_EXEC_URL_STATUS
    DWORD end_status_ = HSE_STATUS_SUCCESS;  // the proc's final status, or DONE_WITH_SESSION's
    unsigned logged_status_ = 200;           // what the access log records (IIS: dwHttpStatusCode)
    std::string log_data_;                   // lpszLogData once the extension is done
    std::string log_parameters_;
    std::string call_url_;  // "METHOD URI", what the runtime's call context names (set in start)
};

}  // namespace isapi_fcgi::isapi
