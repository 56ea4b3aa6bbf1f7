#pragma once
// What the ISAPI host tells the layer above it (status, metrics, the slow log, crash reports,
// recycling). The host calls these from I/O threads, extension-pool threads and the extension's
// own threads, often concurrently: an implementation must be thread-safe, must not block and
// must not throw. Count and record here; log elsewhere.
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace isapi_fcgi::isapi {

/// A request as it is handed to an extension. The views are valid only during the call.
struct request_started_info {
    std::uint64_t serial = 0;        ///< engine::request::serial(), unique in the process
    std::string_view pool;           ///< configured pool name
    std::string_view extension;      ///< configured extension name
    std::size_t extension_index = 0; ///< position in the pool's `extensions` list
    std::string_view method;         ///< REQUEST_METHOD
    std::string_view url;            ///< REQUEST_URI as the front end sent it
};

/// How a request ended. The views are valid only during the call.
struct request_finished_info {
    std::uint64_t serial = 0;
    std::string_view pool;
    std::string_view extension;
    std::size_t extension_index = 0;
    unsigned status_sent = 0;            ///< HTTP status the client got; 0 if none (closed)
    unsigned logged_status = 0;          ///< dwHttpStatusCode, as IIS logs it
    bool was_pending = false;            ///< HttpExtensionProc returned HSE_STATUS_PENDING
    bool timed_out = false;              ///< ended by request_timeout
    std::uint64_t bytes_in = 0;          ///< request body bytes read
    std::uint64_t bytes_out = 0;         ///< response body bytes sent
    std::chrono::microseconds duration{};  ///< from start to END_REQUEST
};

/// Whether a request may run its extension (host_observer::admit).
struct admission {
    bool refused = false;    ///< answer 500 without calling the extension
    bool log_it = false;     ///< the host logs this refusal (the layer above rations the lines)
};

class host_observer {
public:
    virtual ~host_observer() = default;

    /// A mapped request reached the host, before its body is read ahead.
    virtual void request_started(const request_started_info&) noexcept {}
    /// Asked once, before HttpExtensionProc is called for `serial`: the ops layer refuses a
    /// request that crashed a worker a moment ago (its crash quarantine).
    virtual admission admit(std::uint64_t /*serial*/) noexcept { return {}; }
    /// HttpExtensionProc returned HSE_STATUS_PENDING for `serial`.
    virtual void request_pending(std::uint64_t /*serial*/) noexcept {}
    /// The request has run longer than the pool's slow-log threshold; `waiting_on` says what it
    /// waits for (an extension thread, ReadClient, an async completion, DONE_WITH_SESSION...).
    /// At most once per request; the host writes the slow-log line itself.
    virtual void request_slow(std::uint64_t /*serial*/, std::string_view /*waiting_on*/) noexcept {}
    /// The request's END_REQUEST was queued (or its connection closed for it). Exactly once per
    /// request_started.
    virtual void request_finished(const request_finished_info&) noexcept {}

    /// An extension thread enters extension code for `serial` (HttpExtensionProc or an I/O
    /// completion callback) and leaves it again: what "all extension threads are stuck" is
    /// judged from. Not called for threads the extension started itself.
    virtual void extension_code_entered(std::uint64_t /*serial*/) noexcept {}
    virtual void extension_code_left(std::uint64_t /*serial*/) noexcept {}

    /// Start-up, on the thread building the pool: extension `index` (position in the pool's
    /// `extensions`) is about to be loaded (its constructors, DllMain and GetExtensionVersion
    /// run next), then it was loaded (`error` empty) or failed with `error`. A process that
    /// dies in between died in that extension's load.
    virtual void extension_loading(std::size_t /*index*/) noexcept {}
    virtual void extension_loaded(std::size_t /*index*/, std::string_view /*error*/) noexcept {}
    /// Non-empty: extension `index` must not be loaded at all (an earlier process died while
    /// loading it); it is failed with this reason and its URLs answer 500.
    virtual std::string extension_quarantined(std::size_t /*index*/) { return {}; }

    /// Non-empty: extension `index` (a `runtime: wine` one) was stopped by rapid-fail protection
    /// (its Windows worker crashed too often); its URLs answer 503 with this reason logged.
    virtual std::string extension_stopped(std::size_t /*index*/) { return {}; }
    /// The Windows worker of extension `index` ended unasked while serving, with the requests
    /// (serials) it had unanswered: rapid-fail protection and the crash quarantine count it as a
    /// worker crash. Any thread.
    virtual void windows_worker_crashed(std::size_t /*index*/, int /*pid*/, std::string_view /*how*/,
                                        std::span<const std::uint64_t> /*in_flight*/) noexcept {}

    /// Extension `index`'s Windows worker is `pid` now (it loaded the DLL), or none (0). Any thread.
    virtual void windows_worker_changed(std::size_t /*index*/, int /*pid*/) noexcept {}

    /// HSE_REQ_REPORT_UNHEALTHY: the extension asks for its worker to be recycled.
    virtual void extension_unhealthy(std::string_view /*pool*/, std::string_view /*extension*/,
                                     std::string_view /*reason*/) noexcept {}
};

}  // namespace isapi_fcgi::isapi
