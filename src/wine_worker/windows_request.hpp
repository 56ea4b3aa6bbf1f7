#pragma once
// One request inside the Windows worker: the real EXTENSION_CONTROL_BLOCK the DLL gets, its
// callbacks, the body as it streams in from the Linux worker (bounded), and the response going
// back through the same response_translator the Linux host uses.
#include <windows.h>
#include <httpext.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "fcgi/param_set.hpp"
#include "isapi/ecb_builder.hpp"
#include "isapi/exec_url.hpp"
#include "isapi/response_translator.hpp"
#include "isapi/server_variables.hpp"
#include "isapi/session_state.hpp"
#include "isapi/url_map.hpp"
#include "record_pipe.hpp"
#include "work_queue.hpp"

#include "srw_sync.hpp"

namespace isapi_fcgi::wine_worker {

/// What every request of the worker shares.
struct worker_context {
    record_pipe* pipe = nullptr;
    work_queue* threads = nullptr;
    PFN_HTTPEXTENSIONPROC proc = nullptr;
    isapi::server_variables_config variables;
    isapi::response_translator_options translator;
    std::size_t upload_read_ahead = 48 * 1024;
    std::size_t max_buffered_body = 1024 * 1024;  // per request, before the reader waits
    std::atomic<long> unfinished{0};              // requests begun and not yet finished
    bool strict_async = false;                    // a second outstanding async operation fails
    bool send_url_internal = false;               // SEND_URL serves the local URL (X-Accel-Redirect)
    DWORD url_flags = 0x001 | 0x200;              // HSE_URL_FLAGS_*: the pool's url_flags
    // An EXEC_URL child the Linux worker runs or relays gets at most these (the pool's
    // max_params_bytes; wine::exec_entity_bound): beyond, it is answered 431 or 413.
    std::size_t max_exec_params = 64 * 1024;
    std::size_t max_exec_entity = 16u << 20;
    std::string extension_name;                   // as the pool's configuration names it

    /// True the first time `key` comes: the host's "logged once per code and extension".
    bool first_time(const std::string& key) {
        std::lock_guard lock(logged_mutex);
        return logged.insert(key).second;
    }
    srw_mutex logged_mutex;
    std::set<std::string> logged;
};

/// One line to the worker's stderr, which the pool's log receives.
void log_line(const std::string& text);

class windows_request : public std::enable_shared_from_this<windows_request> {
public:
    windows_request(worker_context& context, std::uint16_t id, fcgi::param_set params);
    /// An HSE_REQ_EXEC_URL child the Linux worker mapped to this worker's extension: its output
    /// enters `parent`'s response as the parent's own writes would (its header block passed on
    /// or, with `pass_headers` false, dropped), its body is `entity` or the parent's unread body,
    /// and its end completes the parent's EXEC_URL operation.
    windows_request(std::shared_ptr<windows_request> parent, fcgi::param_set params, std::optional<std::string> entity,
                    bool pass_headers);

    /// The Linux worker's answer to an EXEC_URL of this request or of one of its children (on
    /// the link, a child is its parent's request); the reader thread; never blocks.
    void exec_mapped(const fcgi::param_set& answer);

    /// Output of the child the Linux worker runs for an EXEC_URL of this request or of one of
    /// its children (STDOUT records after an exec_linux answer); the reader thread.
    void linux_child_output(std::string_view bytes);

    /// The reader thread's side: body bytes, the end of the body, an abort.
    void body_arrived(std::string_view bytes);  // waits while max_buffered_body is reached
    void body_ended();
    void abort();

    /// On a pool thread: waits for the read-ahead, builds the ECB, calls HttpExtensionProc.
    void run();

    /// The request an ECB callback's ConnID names; null once it ended.
    static std::shared_ptr<windows_request> find(HCONN conn);

private:
    static BOOL WINAPI get_server_variable(HCONN, LPSTR name, LPVOID buffer, LPDWORD size);
    static BOOL WINAPI write_client(HCONN, LPVOID buffer, LPDWORD bytes, DWORD flags);
    static BOOL WINAPI read_client(HCONN, LPVOID buffer, LPDWORD size);
    static BOOL WINAPI server_support_function(HCONN, DWORD request, LPVOID buffer, LPDWORD size, LPDWORD type);

    BOOL support(DWORD request, LPVOID buffer, LPDWORD size, LPDWORD type);
    BOOL dispatch(DWORD request, LPVOID buffer, LPDWORD size, LPDWORD type);
    BOOL write(const char* data, DWORD size);
    BOOL send_header(const char* status, const char* headers);
    /// A header block the host makes (SEND_URL internal, SEND_CUSTOM_ERROR); FALSE once one went out.
    BOOL send_host_header(const char* status, const char* headers);
    BOOL send_redirect(const char* location, LPDWORD size, bool send_url);
    BOOL send_custom_error(const HSE_CUSTOM_ERROR_INFO& info);
    BOOL done_with_session(const DWORD* status);
    /// CLOSE_CONNECTION: a pending read fails with ERROR_NETNAME_DELETED, the response ends as it
    /// stands; the request itself ends as usual (DONE_WITH_SESSION), as in the Linux host.
    BOOL close_connection();
    /// Reads submitted before now complete with `error` instead of waiting for body bytes.
    void cancel_reads(DWORD error);
    BOOL transmit_file(const HSE_TF_INFO& info);
    BOOL vector_send(const HSE_RESPONSE_VECTOR& vector);
    BOOL get_cert_info_ex(CERT_CONTEXT_EX* out);
    /// The document root's mapping the MAP_URL_TO_PATH codes share: the Linux host's, on
    /// Wine's drive Z:; nullopt when it refuses the URL (a ".." out of the root).
    std::optional<std::string> map_path(std::string_view url) const;
    BOOL map_url_to_path(char* buffer, LPDWORD size);
    /// map_path for the Unicode codes: UTF-16 in and out.
    std::optional<std::u16string> map_unicode_path(std::u16string_view url) const;
    BOOL map_unicode_url_to_path(void* buffer, LPDWORD size);
    BOOL map_unicode_url_to_path_ex(const void* url, LPDWORD size, HSE_UNICODE_URL_MAPEX_INFO* info);
    BOOL map_url_to_path_ex(const char* url, LPDWORD size, HSE_URL_MAPEX_INFO* info);
    BOOL report_unhealthy(const char* reason);
    /// HSE_REQ_EXEC_URL and EXEC_UNICODE_URL: an asynchronous operation whose completion comes
    /// when the child's response ended (exec_finished).
    BOOL exec_url(isapi::exec_url_request child);
    /// EXEC_URL's or EXEC_UNICODE_URL's struct checked as the Linux host checks it, then exec_url.
    BOOL exec_url_call(DWORD request, LPVOID buffer);
    BOOL get_exec_url_status(HSE_EXEC_URL_STATUS* status);
    /// The EXEC_URL operation at the front: asks the Linux worker to map the child's URL.
    void start_exec();
    /// Ends the EXEC_URL operation: GET_EXEC_URL_STATUS reports `status`/`win32`, the
    /// completion gets `completion_error`.
    void exec_finished(unsigned status, DWORD win32, DWORD completion_error);
    /// The "exec" message: the child's URL fields, then (when they fit one record) the rest of
    /// its params, how it nests, and its entity, for a child the Linux worker runs.
    struct pending_exec;
    std::string exec_question(pending_exec& exec) const;
    /// The answer for this request's own EXEC_URL: starts the child or answers for it.
    void start_child(const fcgi::param_set& answer);
    /// Its body is the link's (it is the link's request, or reads its parent's unread body
    /// all the way up): a child the Linux worker runs can be lent it.
    bool reads_link_body() const noexcept;
    /// An exec_linux answer that takes the body: the unread bytes go to the Linux worker.
    void lend_body();
    /// The request the link knows: this one, or the parent of a child, all the way up.
    windows_request& link_request() noexcept { return parent_ ? parent_->link_request() : *this; }
    /// A child's response bytes, into this response; false when they cannot go out.
    bool child_output(std::string_view bytes);
    /// A child's end, for the access-log line the Linux worker writes of it (message_child_log).
    void report_child_end(unsigned status, std::uint64_t bytes_out);
    /// A child's send(): its header block taken apart as the Linux host's child_channel does.
    bool send_to_parent(std::string bytes);
    BOOL unsupported(DWORD code);
    /// FALSE/ERROR_INVALID_PARAMETER for a known code refusing its arguments, logged once.
    BOOL refused(DWORD code);
    BOOL invalid_parameter(DWORD code, const char* why);
    /// `length` bytes (0: to the end) of `file` from `offset` into the response; an error or 0.
    DWORD send_file_range(HANDLE file, std::uint64_t offset, std::uint64_t length, std::uint64_t* sent);
    /// Blocks until body bytes (or the end, or an abort) are there; 0 = end of body.
    DWORD read_body(char* buffer, DWORD size);
    /// An asynchronous read submitted at `generation`: as read_body, or (0, the error) once
    /// cancel_reads came after its submission.
    std::pair<DWORD, DWORD> read_body_async(char* buffer, DWORD size, std::uint64_t generation);
    bool send(const isapi::response_bytes& out);
    /// Ends the request once session_state says so: the extension is finished (a final status,
    /// or PENDING and DONE_WITH_SESSION in either order) and no operation is outstanding or
    /// completing. Then, and never earlier, the ConnID ends and the ECB may be freed.
    void settle();
    /// END_REQUEST with what the response lacks, unless it ended already (CLOSE_CONNECTION).
    void end_response(bool failed);
    /// DONE_WITH_SESSION for a request that ended: TRUE once after a final status.
    static bool late_done_with_session(HCONN conn);

    /// An asynchronous operation: `work` (on a pool thread, in submission order; null when the
    /// I/O was done at submission) gives its bytes and error, then the completion runs. One
    /// completion of a request at a time; the ISAPI rule (one outstanding operation) and
    /// strict_async are session_state's, as in the Linux host.
    /// An EXEC_URL's child, from the call until the Linux worker's answer starts it.
    struct pending_exec {
        fcgi::param_set params;  // child_params'
        std::optional<std::string> entity;
        bool pass_headers = true;
        bool skip_current = false;  // HSE_EXEC_URL_IGNORE_CURRENT_INTERCEPTOR
        unsigned too_large = 0;     // 431 or 413: its params or entity were left out of "exec"
    };
    struct async_op {
        std::function<std::pair<DWORD, DWORD>()> work;
        DWORD bytes = 0;
        DWORD error = NO_ERROR;
        PFN_HSE_IO_COMPLETION callback = nullptr;
        void* context = nullptr;
        std::shared_ptr<pending_exec> exec{};  // EXEC_URL: it completes when its child ends (exec_finished)
    };
    /// The admission half: FALSE (and why) when the operation may not start now.
    BOOL admit_async(const char* what, PFN_HSE_IO_COMPLETION own_callback);
    void queue_async(async_op op);
    void drain_async();

    worker_context& context_;
    const std::uint16_t id_;
    const fcgi::param_set params_;
    const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    isapi::url_match match_;
    isapi::server_variables variables_;
    isapi::ecb_strings strings_;
    EXTENSION_CONTROL_BLOCK ecb_{};
    std::string read_ahead_;
    HCONN conn_ = nullptr;

    srw_mutex body_mutex_;
    srw_condition body_changed_;
    std::string body_;  // arrived, not yet read
    bool body_ended_ = false;
    std::atomic<bool> aborted_{false};
    std::uint64_t read_generation_ = 0;  // cancel_reads calls so far
    DWORD read_cancel_error_ = NO_ERROR;  // what the reads they cancelled complete with

    srw_mutex output_mutex_;  // the translator and the end, one caller at a time
    isapi::response_translator translator_;
    std::atomic<bool> finished_{false};  // the response ended; written under output_mutex_
    std::atomic<bool> closed_by_extension_{false};

    std::shared_ptr<windows_request> keep_alive_;  // from HttpExtensionProc to the end (settle)
    PFN_HSE_IO_COMPLETION completion_ = nullptr;
    void* completion_context_ = nullptr;

    srw_mutex state_mutex_;  // the fields below
    isapi::session_state state_;
    bool end_failed_ = false;  // the final status, or DONE_WITH_SESSION's, was HSE_STATUS_ERROR
    std::deque<async_op> async_ops_;
    bool draining_ = false;
    bool warned_second_async_ = false;

    srw_mutex log_mutex_;
    std::string log_parameters_;  // HSE_APPEND_LOG_PARAMETER, for the access log

    // HSE_REQ_EXEC_URL. A child's side: the parent (null for a request from the link).
    const std::shared_ptr<windows_request> parent_;
    const unsigned depth_ = 0;           // EXEC_URL nesting: 0 for a request from the engine
    const bool body_from_parent_ = false;
    const bool pass_headers_ = true;
    bool headers_done_ = false;         // under output_mutex_, as the two below
    std::string header_block_;          // the child's CGI header block, until its blank line
    unsigned child_status_ = 200;
    std::uint64_t body_consumed_ = 0;   // under body_mutex_: read-ahead and reads so far
    // The parent's side, under state_mutex_: the EXEC_URL operation at the front, waiting for
    // its child, and what GET_EXEC_URL_STATUS reports of the last child that ended.
    std::optional<async_op> exec_waiting_;
    std::weak_ptr<windows_request> exec_asker_;  // on link_request(): whose question is out
    std::weak_ptr<windows_request> linux_child_asker_;  // on link_request(): whose child the Linux worker runs
    // Under body_mutex_, on link_request(): the body may pass its bound (body_arrived).
    bool exec_question_out_ = false;
    bool linux_child_running_ = false;
    struct exec_status {
        unsigned status = 0;
        DWORD win32 = NO_ERROR;
    };
    std::optional<exec_status> exec_status_;
};

}  // namespace isapi_fcgi::wine_worker
