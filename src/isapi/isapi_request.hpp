#pragma once
// One request to an ISAPI extension: the EXTENSION_CONTROL_BLOCK and everything it points to,
// the read-ahead, the response translator, and the request's lifecycle (session_state). Its
// parts, each with its own state and file: the operations the extension starts
// (operation_queue, run by request_operations.cpp), the output batched for the engine (outbox),
// where completions run (completion_strand), EXEC_URL (exec_url_operation.cpp, behind
// exec_url_parent), and the ServerSupportFunction codes (support_functions.cpp decodes them,
// support_function_operations.cpp acts on the request). The C ABI (BOOL, LPVOID, the last error)
// stops at callbacks.cpp and support_functions.cpp: the members here take spans and answer
// call_result.
//
// Actors and threads:
// - start() and the read-ahead run on the engine connection's strand; HttpExtensionProc then
//   runs on the pool's extension threads (not on a strand: as in IIS, a completion may run
//   while the proc is still inside).
// - Callbacks arrive on any extension thread, the extension's own threads included. Every call
//   that sends or receives becomes an operation in one FIFO per request; one operation at a
//   time is at the engine, so bytes reach the client in call order, a second asynchronous
//   operation waits for the first, and a synchronous WriteClient issued while an asynchronous
//   one is pending goes out after it. A synchronous call blocks its thread in the queue until
//   its operation finished; I/O threads never wait.
// - Completion callbacks are posted to the request's strand on the extension pool: serialized,
//   never inside the call that started the operation. One that finishes while HttpExtensionProc
//   runs is held for the proc's thread to run once the proc returns (held_completion_watch).
// - DONE_WITH_SESSION may come from any thread; it only changes session_state under the mutex.
// - The deadline actor (request_timer) runs on the connection strand.
// mutex_ guards all mutable state, the parts' included (they have no lock of their own). It is
// never held while extension code runs or while a thread waits for an operation.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <isapi/httpext.h>

#include "engine/handler_slot.hpp"
#include "engine/request.hpp"
#include "isapi/call_result.hpp"
#include "isapi/call_url.hpp"
#include "isapi/coarse_deadlines.hpp"
#include "isapi/completion_strand.hpp"
#include "isapi/conn_table.hpp"
#include "isapi/ecb_builder.hpp"
#include "isapi/exec_url.hpp"
#include "isapi/exec_url_parent.hpp"
#include "isapi/held_completion_watch.hpp"
#include "isapi/io_operation.hpp"
#include "isapi/operation_queue.hpp"
#include "isapi/outbox.hpp"
#include "isapi/pool_host.hpp"
#include "isapi/request_channel.hpp"
#include "isapi/request_timer.hpp"
#include "isapi/response_translator.hpp"
#include "isapi/send_job.hpp"
#include "isapi/server_variables.hpp"
#include "isapi/session_state.hpp"
#include "isapi/url_map.hpp"

namespace isapi_fcgi::isapi {

/// What GET_EXEC_URL_STATUS reports of the last child request.
struct exec_url_status {
    unsigned status = 0;
    std::uint32_t win32_error = 0;
};

class isapi_request final : public std::enable_shared_from_this<isapi_request>,
                            public exec_url_parent,
                            public live_request,
                            public deadline_owner,
                            held_completion_watch::holder {
public:
    using clock = std::chrono::steady_clock;

    /// `functions`: what the ECB points to (callbacks::table()). `depth`: 0 for a request from
    /// the web server, n for an EXEC_URL child n levels down.
    isapi_request(std::shared_ptr<request_channel> request, std::shared_ptr<pool_host> pool,
                  std::size_t extension, url_match match, const ecb_functions& functions, unsigned depth = 0);
    /// A request from the web server with no filter between: its engine_channel lives inside this
    /// object (one allocation fewer per request).
    isapi_request(std::shared_ptr<engine::request> request, std::shared_ptr<pool_host> pool, std::size_t extension,
                  url_match match, const ecb_functions& functions);
    ~isapi_request();
    isapi_request(const isapi_request&) = delete;
    isapi_request& operator=(const isapi_request&) = delete;

    /// On the connection strand: registers the ConnID, reads ahead min(cbTotalBytes,
    /// upload_read_ahead) body bytes, then queues the extension call.
    void start();

    // ---- the ECB's callbacks (any thread; callbacks.cpp decodes the C arguments) ---------------
    /// `size`: the buffer's size in, the value's (or the size needed) out.
    call_result get_server_variable(const char* name, char* buffer, std::uint32_t& size);
    call_result write_client(std::span<const char> data, bool async);
    /// `read`: the bytes read; 0 at the end of the body.
    call_result read_client(std::span<std::byte> into, std::uint32_t& read);

    // ---- what ServerSupportFunction codes do to the request (support_functions.cpp decodes the
    //      arguments; support_function_operations.cpp) -------------------------------------------
    call_result send_response_header(std::string_view what, std::optional<std::string_view> status,
                                     std::optional<std::string_view> headers);
    call_result send_redirect(std::string_view location);
    /// `status`: the extension's final status, when it passed one.
    call_result done_with_session(std::optional<std::uint32_t> status);
    call_result set_completion(completion_target target);
    call_result async_read_client(std::span<std::byte> into);
    /// TRANSMIT_FILE and VECTOR_SEND once decoded. `target` overrides the registered callback.
    call_result send(std::unique_ptr<send_job> job, std::string_view what, bool async, completion_target target);
    bool is_connected();
    call_result append_log_parameter(std::string_view text);
    /// HSE_REQ_SEND_URL: a 302 (IIS 6), or the front end's internal redirect (IIS 4's local
    /// URL served in place) when the extension's `send_url` is `internal`.
    call_result send_url(std::string_view url);
    /// HSE_REQ_SEND_CUSTOM_ERROR: `status` with an empty body, for the front end's error page.
    call_result send_custom_error(std::string_view status, bool async);
    /// HSE_REQ_CLOSE_CONNECTION: the response ends now; the pending operation completes with
    /// ERROR_NETNAME_DELETED and every later one fails with it.
    call_result close_connection();
    /// HSE_REQ_CANCEL_IO: the pending asynchronous operation (and any queued behind it) completes
    /// with ERROR_OPERATION_ABORTED; a write already handed to the web server completes as sent.
    call_result cancel_io();
    /// HSE_REQ_EXEC_URL / EXEC_UNICODE_URL: an asynchronous child request, dispatched in process
    /// to the extension its URL maps to; its output becomes part of this response, and the
    /// registered completion runs when it has ended (exec_url_operation.cpp).
    call_result exec_url(exec_url_request child);
    /// The last child's status; nullopt while none has ended.
    std::optional<exec_url_status> last_exec_url_status() const;

    // ---- exec_url_parent: a child's channel feeding this request; on the connection strand ----
    void child_output(std::uint64_t exec_id, std::span<const std::byte> borrowed, std::string owned,
                      engine::request::write_handler handler) override;
    void child_ended(std::uint64_t exec_id, unsigned status, std::uint32_t win32_error) override;
    request_channel& channel() const noexcept override { return *request_; }
    std::string_view log_context() const noexcept override { return request_->log_context(); }

    /// Shutdown: fails every queued operation and wakes every waiting caller (the engine that
    /// would have completed them has stopped).
    void abandon() override;

    /// True once HttpExtensionProc has been called: before that no callback is valid.
    bool extension_called() const;
    std::uint64_t conn_id() const noexcept override { return conn_id_; }
    std::string_view extension_name() const;
    pool_host& pool() const noexcept override { return *pool_; }
    const fcgi::param_set& params() const noexcept { return request_->params(); }
    /// The document root MAP_URL_TO_PATH maps under; valid once extension_called().
    std::string document_root() const { return variables_->document_root(); }

private:
    using lock_type = std::unique_lock<std::mutex>;

    // lifecycle (isapi_request.cpp)
    void read_ahead();
    /// Moves the read-ahead bytes into a heap buffer of `capacity` bytes.
    void grow_read_ahead(std::size_t capacity);
    void on_read_ahead(std::error_code ec, std::size_t n);
    void enqueue();
    void run();
    void call_extension();
    void after_proc(std::uint32_t status);
    void on_deadline() override;
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
    /// For the slow log and the timeout's log line.
    std::string_view waiting_on() const;
    void write_access_log();
    void notify_finished();

    // operations (request_operations.cpp)
    op_result run_sync(io_op op);
    call_result submit_async(io_op op, completion_target target);
    void pump(lock_type& lock);
    void start_op(lock_type& lock, io_op& op);
    void start_header(lock_type& lock, io_op& op);
    void start_finish(lock_type& lock);
    void start_write(lock_type& lock, io_op& op);
    void start_read(lock_type& lock, io_op& op);
    void continue_send(lock_type& lock, io_op& op);
    /// On a file-reader thread: the next chunk of the front operation's file segment.
    void send_file_chunk(std::uint64_t id, send_job& job);
    /// Sends translated bytes for the front operation; on_sent runs when they are written.
    void send_bytes(lock_type& lock, response_bytes& bytes, std::size_t reported);
    /// Queues out's pieces in order; `last` runs once the last of them is written.
    void queue_response(lock_type& lock, response_bytes& out, engine::request::write_handler last);
    void queue_out(lock_type& lock, outbox::item item);
    /// Posts the outbox's flush to the connection strand, once per batch.
    void post_flush(lock_type& lock);
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
    /// After HttpExtensionProc returned: the watch lets go of the request; true when completions
    /// are held, which drain_held_completions() then runs (holding stays on until it has).
    bool stop_watching_held_completions();
    /// On the strand: runs the held completions, and those held meanwhile, until none is left
    /// (after the proc returned, or once the watch released them).
    void drain_held_completions();
    void release_held_completions() override;
    void run_completion(completion_target target, op_result result);
    /// Ends the front operation if it is a read at the engine, and every queued asynchronous
    /// operation (`all`: synchronous ones too), with `error`.
    void cancel_operations(lock_type& lock, std::uint32_t error, bool all);

    // EXEC_URL (exec_url_operation.cpp)
    /// Starts the front EXEC_URL operation's child, or answers it at once when nothing serves
    /// its URL.
    void start_exec(lock_type& lock, io_op& op);

    std::shared_ptr<request_channel> shared_channel_;  // a filtered request's channel, or a child's
    std::optional<engine_channel> own_channel_;        // else the engine request's, held here
    request_channel* request_;                         // whichever of the two it is
    std::shared_ptr<pool_host> pool_;
    unsigned depth_ = 0;
    std::size_t extension_;
    url_match match_;
    ecb_functions functions_;
    std::uint64_t conn_id_ = 0;
    std::atomic<bool> ecb_built_{false};  // set once, before HttpExtensionProc; never cleared
    clock::time_point started_ = clock::now();
    // The next deadline: far ones wait in the io_context's coarse_deadlines, near ones on the
    // request's own timer, made when first needed. Both set on the connection strand under mutex_.
    std::shared_ptr<request_timer> timer_;
    std::optional<coarse_deadlines::entry> coarse_;
    coarse_deadlines* deadlines_ = nullptr;
    bool deadlines_started_ = false;  // from start(): no deadline before the request is running
    engine::strand_type executor_;  // request_->executor(): a strand, so posts through it allocate no any_io_executor

    // What the ECB points to; alive until the request is torn down.
    std::optional<server_variables> variables_;
    ecb_strings strings_;
    // cbAvailable bytes + an uncounted NUL, in read_ahead_inline_ while a body of unknown length
    // (nginx's GET) may turn out empty, else on the heap. Not a vector: resize() would zero
    // every byte the network is about to overwrite.
    std::array<unsigned char, 64> read_ahead_inline_;
    std::unique_ptr<unsigned char[]> read_ahead_heap_;
    unsigned char* read_ahead_ = read_ahead_inline_.data();
    std::size_t read_ahead_size_ = 0;
    std::size_t read_ahead_capacity_ = 0;  // bytes, the NUL's included
    std::size_t read_ahead_target_ = 0;
    EXTENSION_CONTROL_BLOCK ecb_{};

    mutable std::mutex mutex_;
    session_state state_;
    response_translator translator_;
    operation_queue ops_;
    outbox outbox_;
    completion_strand completions_;
    std::size_t unsent_bytes_ = 0;  // copied for synchronous callers that already returned
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
    bool closed_by_extension_ = false;             // HSE_REQ_CLOSE_CONNECTION
    std::optional<exec_url_status> exec_status_;  // of the last child, for GET_EXEC_URL_STATUS
    std::uint32_t end_status_ = HSE_STATUS_SUCCESS;  // the proc's final status, or DONE_WITH_SESSION's
    unsigned logged_status_ = 200;                   // what the access log records (IIS: dwHttpStatusCode)
    std::string log_data_;                           // lpszLogData once the extension is done
    std::string log_parameters_;
    std::optional<call_url> call_url_;  // what the runtime's call context names (set in start)
    // The memory of the two posts a request makes one at a time across threads: the extension
    // call to the pool (from the I/O thread) and the outbox's flush to the connection strand
    // (from an extension thread; claim_flush() allows one in flight). Asio's per-thread recycling
    // cannot serve a handler freed on another thread, so each went to malloc. The slot's
    // shared_ptr aliases the request, so the handlers need no shared_ptr of their own.
    engine::handler_slot post_slot_;
    std::shared_ptr<engine::handler_slot> post_slot() { return {shared_from_this(), &post_slot_}; }
};

}  // namespace isapi_fcgi::isapi
