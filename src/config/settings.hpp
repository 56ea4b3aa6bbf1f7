#pragma once
// Plain configuration structs with their defaults in one place. The loader (loader.hpp) fills
// them from YAML and validates them; everything downstream reads them and never re-validates.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "logging/access_log_template.hpp"

namespace isapi_fcgi::config {

/// Where a pool accepts FastCGI connections: `unix:/path`, `tcp:HOST:PORT` (IPv6 as
/// `tcp:[::1]:9000`), `fd:N` (an already-open listening socket handed to the process) or
/// `systemd:NAME` (the LISTEN_FDNAMES entry NAME of systemd socket activation; the supervisor
/// resolves it to an inherited_fd before anything listens).
struct listen_address {
    enum class kind { unix_socket, tcp, inherited_fd, systemd };
    kind type = kind::unix_socket;
    std::string path;        // unix_socket
    std::string host;        // tcp: a numeric IPv4/IPv6 address
    std::uint16_t port = 0;  // tcp
    int fd = -1;             // inherited_fd
    std::string name;        // systemd: the LISTEN_FDNAMES entry
    std::string text;        // as written, for logs
    int line = 0;            // 1-based place in the configuration file; 0: a default
    int column = 0;
};

/// An allowed_clients entry: an address or a CIDR block, already parsed (network byte order).
struct address_range {
    bool ipv6 = false;
    std::array<std::uint8_t, 16> network{};  // IPv4 uses the first 4 bytes
    unsigned prefix_length = 0;
    std::string text;
};

struct unix_socket_settings {
    std::uint32_t mode = 0660;
    std::string owner;  // user name or numeric id; empty: leave as created
    std::string group;
};

struct limits {
    std::size_t max_connections = 1024;            ///< per worker; beyond it: 503 + Retry-After, close
    std::size_t max_requests_per_connection = 64;  ///< concurrent (multiplexed); also FCGI_MAX_REQS
    std::size_t max_params_bytes = 64 * 1024;      ///< raw PARAMS stream per request; beyond: 431
    std::size_t max_stdin_buffer = 64 * 1024;      ///< unread STDIN per request before reads pause
    std::string body_temp_dir;  ///< bodies over max_stdin_buffer on a shared connection; empty: $TMPDIR or /tmp
};

struct timeouts {
    std::chrono::milliseconds idle{std::chrono::seconds(300)};   ///< no request active, nothing arriving
    std::chrono::milliseconds read{std::chrono::seconds(60)};    ///< a request waits for PARAMS/STDIN
    std::chrono::milliseconds write{std::chrono::seconds(60)};   ///< a write makes no progress
    std::chrono::milliseconds linger{std::chrono::seconds(5)};   ///< draining input before close
    /// While a worker drains (reload, recycling, graceful stop), a kept connection idle since the
    /// drain began stays open this long for a request the web server may already be sending.
    std::chrono::milliseconds drain_grace{std::chrono::seconds(5)};
};

/// Where an extension's code runs: dlopen'ed into the Linux worker, or a Windows PE .dll loaded
/// by the Windows worker (isapi-wine-worker.exe) that the Linux worker runs under Wine.
enum class extension_runtime { native, wine };

/// One ISAPI extension: loaded from `path` at start-up, answering the URL paths in `urls`.
struct extension_settings {
    std::string name;
    std::string path;               ///< absolute path of the .so (runtime wine: the .dll)
    std::vector<std::string> urls;  ///< e.g. /scripts/app.dll; matched on whole segments
    bool required = false;          ///< GetExtensionVersion returning FALSE stops start-up
    bool streaming = false;         ///< adds X-Accel-Buffering: no, so nginx passes output on at once
    extension_runtime runtime = extension_runtime::native;
    int line = 0;                   ///< 1-based place of the entry in the configuration file; 0: none
    int column = 0;
};

/// One ISAPI filter (httpfilt.h): loaded from `path` at start-up, called for every event it
/// registers of every request the pool serves itself (docs/filters.md).
struct filter_settings {
    std::string name;  ///< unique in the pool; names the filter in logs
    std::string path;  ///< absolute path of the .so
    int line = 0;      ///< 1-based place of the entry in the configuration file; 0: none
    int column = 0;
};

/// An IIS script map: the extension answers every URL under `url_prefix` whose last segment
/// ends in `path`'s suffix (`*.isa`), or every URL under it (`*`, a wildcard map).
struct script_map_settings {
    std::string extension;           ///< a name from the pool's `extensions`
    std::string path = "*";          ///< "*.ext" or "*"
    std::string url_prefix = "/";    ///< only URLs under it
    std::vector<std::string> verbs;  ///< upper case; empty = every method
};

/// The ISAPI host's settings of a pool.
struct isapi_settings {
    std::vector<extension_settings> extensions;
    /// In configuration order; the chain calls them by priority, then in this order.
    std::vector<filter_settings> filters;
    /// A client connection's filter session (pFilterContext, AllocMem) ends after this long
    /// without a request (SF_NOTIFY_END_OF_NET_SESSION then).
    std::chrono::milliseconds filter_session_timeout{std::chrono::seconds(75)};
    std::string document_root;              ///< PATH_TRANSLATED, MAP_URL_TO_PATH; empty = none
    bool url_case_sensitive = false;        ///< IIS matches URLs case-insensitively
    unsigned extension_threads = 32;        ///< threads running extension code
    std::size_t upload_read_ahead = 48 * 1024;          ///< IIS UploadReadAheadSize
    std::size_t max_request_body = 100 * 1024 * 1024;   ///< beyond: 413
    std::chrono::milliseconds queue_timeout{std::chrono::seconds(30)};  ///< waiting for a thread: 503
    /// From the HttpExtensionProc call to END_REQUEST, HSE_STATUS_PENDING included: 504, or the
    /// connection closed when the headers already went out.
    std::chrono::milliseconds request_timeout{std::chrono::seconds(120)};
    std::chrono::milliseconds slowlog_threshold{0};  ///< log requests running longer; 0 = off
    bool strict_async = false;  ///< a second outstanding async operation fails instead of queueing
    /// `secure_crt_invalid_parameter`: an invalid parameter to a *_s function ends the worker
    /// (abort, MSVC's default) instead of failing the call (fail, the default).
    bool invalid_parameter_abort = false;
    /// Async writes up to this size are copied and complete once accepted; larger ones are sent
    /// from the caller's buffer and complete once written. 0: never copy.
    std::size_t async_copy_limit = 16 * 1024;
    std::size_t max_response_header_bytes = 4096;       ///< nginx's fastcgi_buffer_size
    std::string server_software;            ///< overrides SERVER_SOFTWARE when set
    std::string default_content_type = "text/html";  ///< body written with no header at all
    /// HSE_URL_MAPEX_INFO.dwFlags for MAP_URL_TO_PATH_EX: what IIS's metabase says of the
    /// virtual directory (HSE_URL_FLAGS_*). Default READ | SCRIPT.
    std::uint32_t url_flags = 0x001 | 0x200;
    /// HSE_REQ_SEND_URL: false = a 302 (IIS 6); true = the front end serves the URL in place
    /// (IIS 4, through X-Accel-Redirect). YAML `send_url: redirect | internal`.
    bool send_url_internal = false;
    bool all_http_crlf = false;  ///< ALL_HTTP lines end in CRLF (mod_isapi) instead of LF (IIS)
    /// Server variables answered with a fixed value (INSTANCE_ID, APPL_MD_PATH, ...), in
    /// file order; names upper case.
    std::vector<std::pair<std::string, std::string>> server_variables;
    std::vector<script_map_settings> script_maps;
    /// IIS's AllowPathInfoForScriptMappings: false gives a script-mapped request the whole URL
    /// as PATH_INFO (IIS's default); true splits it after the mapped file as CGI does.
    bool allow_path_info_for_script_mappings = false;
};

/// How the supervisor (src/ops) runs a pool's worker processes.
struct process_settings {
    unsigned workers = 1;                 ///< worker processes of the pool
    std::string user;                     ///< run the workers as; "" = the master's user
    std::string group;                    ///< "" = the user's primary group (or the master's)
    std::uint64_t max_requests = 0;       ///< recycle a worker after N requests; 0 = never
    std::size_t max_rss = 0;              ///< recycle a worker above this resident size; 0 = off
    std::chrono::milliseconds recycle_interval{0};  ///< recycle a worker at this age; 0 = off
    unsigned rapid_fail_max_crashes = 5;  ///< crashes within the interval that stop the pool; 0 = off
    std::chrono::milliseconds rapid_fail_interval{std::chrono::minutes(5)};
    /// A request that crashed a worker is answered 500 for this long; 0 = off (ops/crash_quarantine).
    std::chrono::milliseconds crash_quarantine{std::chrono::minutes(1)};
    std::string status_path;              ///< "" = off
    std::string metrics_path;             ///< "" = off
    std::string core_dump_dir;            ///< "" = the system default (no change)
};

/// The pool's registry (Reg* in libisapi-win32): .reg files exported on the IIS machine, applied
/// in order at worker start, then the store file extensions' writes are saved to.
struct registry_settings {
    bool enabled = false;            ///< the pool has a `registry` section
    std::vector<std::string> files;  ///< absolute paths of .reg files (checked at load)
    std::string store;               ///< relative: to the working (state) directory; "" = registry-<pool>.reg
};

struct pool_settings {
    std::string name = "default";
    std::vector<listen_address> listen;  ///< at least one
    unix_socket_settings socket;
    std::vector<address_range> allowed_clients;  ///< TCP peers; empty = loopback only
    unsigned io_threads = 0;                     ///< 0 = one per core, at most 4
    std::size_t listen_backlog = 511;
    std::string ping_path = "/ping";  ///< empty disables
    std::string ping_response = "pong";
    limits limit;
    timeouts timeout;
    isapi_settings isapi;
    process_settings process;
    registry_settings registry;
    std::string source;  ///< the file the pool is written in: the main one or an included one
    int line = 0;  ///< 1-based place of the pool's entry in that file; 0: none
    int column = 0;
};

struct log_settings {
    std::string level = "info";  ///< trace, debug, info, warn, error, critical, off
    std::string file;            ///< empty: stderr
    std::string format = "text";  ///< `log.format`: "text" or "json" (one object a line)
    std::uint32_t mode = 0640;    ///< `log.mode`: the mode log files are created with
};

struct settings {
    std::string source;  ///< the file it was read from
    std::vector<std::string> include;         ///< `include`: glob patterns of further pool files
    std::vector<std::string> included_files;  ///< what they matched, in the order read
    log_settings log;
    std::string access_log;  ///< `log.access_log`: one line per request; "" = off, "stderr", or a path
    std::string access_format = "combined";  ///< `log.access_format`: combined, text, json or a $template
    logging::access_log_template access_template =
        logging::parse_access_log_template(logging::combined_access_format);
    std::vector<pool_settings> pools;  ///< at least one
    bool allow_root = false;  ///< let workers run extensions as root
    std::chrono::milliseconds shutdown_timeout{std::chrono::seconds(30)};  ///< graceful stop/drain bound
    std::string state_file;  ///< `state_file`: the master's pid and reload verdicts; "" = none
};

}  // namespace isapi_fcgi::config
