#pragma once
// One request inside the Windows worker: the real EXTENSION_CONTROL_BLOCK the DLL gets, its
// callbacks, the body as it streams in from the Linux worker (bounded), and the response going
// back through the same response_translator the Linux host uses.
#include <windows.h>
#include <httpext.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "fcgi/param_set.hpp"
#include "isapi/ecb_builder.hpp"
#include "isapi/response_translator.hpp"
#include "isapi/server_variables.hpp"
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
};

class windows_request : public std::enable_shared_from_this<windows_request> {
public:
    windows_request(worker_context& context, std::uint16_t id, fcgi::param_set params);

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
    BOOL write(const char* data, DWORD size);
    BOOL send_header(const char* status, const char* headers);
    BOOL transmit_file(const HSE_TF_INFO& info);
    /// Blocks until body bytes (or the end, or an abort) are there; 0 = end of body.
    DWORD read_body(char* buffer, DWORD size);
    bool send(const isapi::response_bytes& out);
    /// The extension is done with the request (return, or DONE_WITH_SESSION after PENDING).
    void finish(bool failed);
    void complete_async(DWORD bytes, DWORD error);

    worker_context& context_;
    const std::uint16_t id_;
    const fcgi::param_set params_;
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

    srw_mutex output_mutex_;  // the translator and the end, one caller at a time
    isapi::response_translator translator_;
    std::atomic<bool> finished_{false};  // written under output_mutex_

    std::shared_ptr<windows_request> keep_alive_;  // from HttpExtensionProc to finish()
    PFN_HSE_IO_COMPLETION completion_ = nullptr;
    void* completion_context_ = nullptr;
};

}  // namespace isapi_fcgi::wine_worker
