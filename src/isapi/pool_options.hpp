#pragma once
// What the ISAPI host is told about each pool: its extensions, filters, script maps and the
// options every request of the pool shares. The host's own vocabulary: src/ops maps the
// configuration (config/settings.hpp) onto it, so the host never reads the YAML's structs.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace isapi_fcgi::isapi {

/// Where an extension's code runs: dlopen'ed into this process, or a Windows PE .dll loaded by
/// a Windows worker (isapi-wine-worker.exe) this process runs under Wine.
enum class extension_runtime { native, wine };

/// One ISAPI extension: loaded from `path` at start-up, answering the URL paths in `urls`.
struct extension_options {
    std::string name;
    std::string path;               ///< absolute path of the .so (runtime wine: the .dll)
    std::vector<std::string> urls;  ///< e.g. /scripts/app.dll; matched on whole segments
    bool required = false;          ///< GetExtensionVersion returning FALSE stops start-up
    bool streaming = false;         ///< adds X-Accel-Buffering: no, so nginx passes output on at once
    extension_runtime runtime = extension_runtime::native;
};

/// One ISAPI filter (httpfilt.h): loaded from `path` at start-up.
struct filter_options {
    std::string name;  ///< unique in the pool; names the filter in logs
    std::string path;  ///< absolute path of the .so
};

/// An IIS script map: the extension answers every URL under `url_prefix` whose last segment
/// ends in `path`'s suffix (`*.isa`), or every URL under it (`*`, a wildcard map).
struct script_map_options {
    std::string extension;           ///< a name from the pool's `extensions`
    std::string path = "*";          ///< "*.ext" or "*"
    std::string url_prefix = "/";    ///< only URLs under it
    std::vector<std::string> verbs;  ///< upper case; empty = every method
};

/// One pool as the ISAPI host serves it (the engine's requests carry its name).
struct pool_options {
    std::string name = "default";
    std::vector<extension_options> extensions;
    /// In configuration order; the chain calls them by priority, then in this order.
    std::vector<filter_options> filters;
    /// A client connection's filter session (pFilterContext, AllocMem) ends after this long
    /// without a request (SF_NOTIFY_END_OF_NET_SESSION then).
    std::chrono::milliseconds filter_session_timeout{std::chrono::seconds(75)};
    std::string document_root;              ///< PATH_TRANSLATED, MAP_URL_TO_PATH; empty = none
    bool url_case_sensitive = false;        ///< IIS matches URLs case-insensitively
    unsigned extension_threads = 32;        ///< threads running extension code
    std::size_t upload_read_ahead = 48 * 1024;          ///< IIS UploadReadAheadSize
    std::size_t max_request_body = 100 * 1024 * 1024;   ///< beyond: 413
    std::size_t max_params_bytes = 64 * 1024;  ///< the engine's bound on a request's PARAMS (431)
    std::chrono::milliseconds queue_timeout{std::chrono::seconds(30)};  ///< waiting for a thread: 503
    /// From the HttpExtensionProc call to END_REQUEST, HSE_STATUS_PENDING included: 504, or the
    /// connection closed when the headers already went out.
    std::chrono::milliseconds request_timeout{std::chrono::seconds(120)};
    std::chrono::milliseconds slowlog_threshold{0};  ///< log requests running longer; 0 = off
    bool strict_async = false;  ///< a second outstanding async operation fails instead of queueing
    /// Async writes up to this size are copied and complete once accepted; larger ones are sent
    /// from the caller's buffer and complete once written. 0: never copy.
    std::size_t async_copy_limit = 16 * 1024;
    std::size_t max_response_header_bytes = 4096;       ///< nginx's fastcgi_buffer_size
    std::string server_software;            ///< overrides SERVER_SOFTWARE when set
    std::string default_content_type = "text/html";  ///< body written with no header at all
    /// HSE_URL_MAPEX_INFO.dwFlags for MAP_URL_TO_PATH_EX (HSE_URL_FLAGS_*). Default READ | SCRIPT.
    std::uint32_t url_flags = 0x001 | 0x200;
    /// HSE_REQ_SEND_URL: false = a 302 (IIS 6); true = the front end serves the URL in place.
    bool send_url_internal = false;
    bool all_http_crlf = false;  ///< ALL_HTTP lines end in CRLF (mod_isapi) instead of LF (IIS)
    /// Server variables answered with a fixed value, in order; names upper case.
    std::vector<std::pair<std::string, std::string>> server_variables;
    std::vector<script_map_options> script_maps;
    /// IIS's AllowPathInfoForScriptMappings: false gives a script-mapped request the whole URL
    /// as PATH_INFO (IIS's default); true splits it after the mapped file as CGI does.
    bool allow_path_info_for_script_mappings = false;
};

}  // namespace isapi_fcgi::isapi
