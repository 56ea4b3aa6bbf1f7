#pragma once
// One request to an ISAPI extension: the EXTENSION_CONTROL_BLOCK and every string it points
// to, the read-ahead, the response translator, and the callbacks' implementations.
//
// Threads: start() runs on the engine connection's strand; the read-ahead completes there and
// posts run() to the pool's extension threads. Callbacks arrive on extension threads (the
// extension's own threads too) and block on the engine's completions; mutex_ serialises them.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <isapi/httpext.h>

#include "engine/request.hpp"
#include "isapi/pool_host.hpp"
#include "isapi/response_translator.hpp"
#include "isapi/server_variables.hpp"
#include "isapi/url_map.hpp"

namespace isapi_fcgi::isapi {

class isapi_request : public std::enable_shared_from_this<isapi_request> {
public:
    isapi_request(std::shared_ptr<engine::request> request, std::shared_ptr<pool_host> pool,
                  std::size_t extension, url_match match);
    ~isapi_request();
    isapi_request(const isapi_request&) = delete;
    isapi_request& operator=(const isapi_request&) = delete;

    /// Reads ahead min(cbTotalBytes, upload_read_ahead) body bytes, then runs the extension.
    void start();

    // The callbacks, reached through the ConnID registry.
    BOOL get_server_variable(LPSTR name, LPVOID buffer, LPDWORD size);
    BOOL write_client(LPVOID buffer, LPDWORD bytes, DWORD flags);
    BOOL read_client(LPVOID buffer, LPDWORD size);
    BOOL server_support(DWORD code, LPVOID buffer, LPDWORD size, LPDWORD data_type);

    std::uint64_t conn_id() const noexcept { return conn_id_; }

private:
    void read_ahead();
    void on_read_ahead(std::error_code ec, std::size_t n);
    void enqueue();
    void run();
    void after_proc(DWORD status);
    void finish();
    void answer_error(unsigned status, std::string_view why);
    /// Sends translated bytes and waits until the engine has written them. Caller holds mutex_.
    bool send(const response_bytes& bytes);
    BOOL unsupported(DWORD code);
    /// SEND_RESPONSE_HEADER(_EX); caller holds mutex_.
    BOOL send_header(std::string_view what, std::optional<std::string_view> status,
                     std::optional<std::string_view> headers);
    BOOL fail(DWORD error);
    void write_access_log();
    void notify_finished();
    std::string_view ext_name() const;

    std::shared_ptr<engine::request> request_;
    std::shared_ptr<pool_host> pool_;
    std::size_t extension_;
    url_match match_;
    // Built once the read-ahead tells whether the body's length is known (CONTENT_LENGTH of a
    // streamed body reads "" rather than "0"); callbacks only arrive after that.
    std::optional<server_variables> variables_;
    response_translator translator_;
    std::uint64_t conn_id_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point queued_at_{};

    // What the ECB points to; alive until the request is finished.
    std::string method_, query_, path_info_, path_translated_, content_type_;
    std::vector<BYTE> read_ahead_;  // cbAvailable bytes + an uncounted NUL
    std::size_t read_ahead_target_ = 0;
    EXTENSION_CONTROL_BLOCK ecb_{};

    std::mutex mutex_;
    std::uint64_t body_bytes_read_ = 0;
    bool body_ended_ = false;
    bool body_too_large_ = false;
    bool client_gone_ = false;
    bool proc_returned_pending_ = false;
    bool done_with_session_ = false;
    bool finished_ = false;
    std::string log_parameters_;
};

}  // namespace isapi_fcgi::isapi
