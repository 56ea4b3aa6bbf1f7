#pragma once
// The link between a Linux worker and its Windows worker (isapi-wine-worker.exe): FastCGI 1.0
// records over the Windows worker's inherited stdin (Linux -> Windows) and stdout (Windows ->
// Linux) pipes, one framing for everything. Shared by both sides; pure (docs/wine.md).
//
// Linux -> Windows, per request (ids 1..65535, reused after END_REQUEST):
//   BEGIN_REQUEST (responder), PARAMS (the front end's params plus the url_match fields below),
//   empty PARAMS, STDIN chunks, empty STDIN (end of body), ABORT_REQUEST (client gone, timeout).
// Windows -> Linux:
//   STDOUT: the CGI response bytes (the same response_translator as the Linux host produces them);
//   END_REQUEST: the request is over (app status 0 ok, 1 the extension failed it);
//   STDERR on request id 0: one status line, "ready <description>" once the DLL loaded or
//   "failed <reason>" (then the worker exits); later "unhealthy <reason>" for a
//   HSE_REQ_REPORT_UNHEALTHY whose request's END_REQUEST went out already (CLOSE_CONNECTION
//   ends the response early): its id may carry another request by then;
//   STDERR on a request's id, before its END_REQUEST: one message per record about that
//   request, "unhealthy <reason>" (HSE_REQ_REPORT_UNHEALTHY), "log_data <text>" (what the DLL
//   left in lpszLogData), "log_parameters <text>" (HSE_APPEND_LOG_PARAMETER),
//   "exec <name-value pairs>" (HSE_REQ_EXEC_URL: the child's REQUEST_URI, SCRIPT_NAME,
//   REQUEST_METHOD and exec_skip_current, for the Linux worker to map with the pool's URL map).
// Linux -> Windows, the answer to "exec", before the request's END_REQUEST: DATA records on the
//   request's id, then an empty DATA: name-value pairs, exec_mapping (one of the exec_* values
//   below) and, for exec_here, the url_match fields of the child. Children mapped to the same
//   extension run inside the Windows worker; docs/wine.md says why and what is not matched.
#include <string>
#include <string_view>

#include "fcgi/record_header.hpp"
#include "fcgi/record_writer.hpp"

namespace isapi_fcgi::wine {

/// Appends `content` as records of `type` (as many as its size needs; none when empty).
inline void append_records(std::string& out, fcgi::record_type type, std::uint16_t id, std::string_view content) {
    fcgi::for_each_record_chunk(content.size(), [&](std::size_t offset, std::size_t length) {
        const auto header = fcgi::encode_header(type, id, static_cast<std::uint16_t>(length));
        out.append(reinterpret_cast<const char*>(header.data()), header.size());
        out.append(content.substr(offset, length));
        const auto padding = fcgi::padding_bytes(fcgi::padding_for(length));
        out.append(reinterpret_cast<const char*>(padding.data()), padding.size());
    });
}

/// Appends the empty record that ends a stream of `type` (or an ABORT_REQUEST).
inline void append_empty_record(std::string& out, fcgi::record_type type, std::uint16_t id) {
    const auto header = fcgi::encode_header(type, id, 0);
    out.append(reinterpret_cast<const char*>(header.data()), header.size());
}

// url_match fields the Linux worker computed (the Windows worker has no URL map).
inline constexpr std::string_view match_script_name = "ISAPI_FCGI_MATCH_SCRIPT_NAME";
inline constexpr std::string_view match_raw_script_name = "ISAPI_FCGI_MATCH_RAW_SCRIPT_NAME";
inline constexpr std::string_view match_path_info = "ISAPI_FCGI_MATCH_PATH_INFO";
inline constexpr std::string_view match_path = "ISAPI_FCGI_MATCH_PATH";
inline constexpr std::string_view match_flags = "ISAPI_FCGI_MATCH_FLAGS";  // "r" from_request_uri, "s" script_mapped

// HSE_REQ_EXEC_URL: what the Windows worker asks ("exec " + pairs) and the Linux worker answers.
inline constexpr std::string_view message_exec = "exec ";
inline constexpr std::string_view exec_skip_current = "ISAPI_FCGI_EXEC_SKIP_CURRENT";  // "1": IGNORE_CURRENT_INTERCEPTOR
inline constexpr std::string_view exec_mapping = "ISAPI_FCGI_EXEC_MAPPING";
inline constexpr std::string_view exec_here = "here";            // this extension: the child runs in the worker
inline constexpr std::string_view exec_elsewhere = "elsewhere";  // another extension serves it
inline constexpr std::string_view exec_not_found = "404";        // no extension serves it
inline constexpr std::string_view exec_bad_request = "400";      // the URL is refused (url_map's bad_request)

inline constexpr std::string_view status_ready = "ready ";
inline constexpr std::string_view status_failed = "failed ";

inline constexpr std::string_view message_unhealthy = "unhealthy ";
inline constexpr std::string_view message_log_data = "log_data ";
inline constexpr std::string_view message_log_parameters = "log_parameters ";

/// app status of END_REQUEST when the extension failed the request after output went out.
inline constexpr unsigned app_status_failed = 1;

}  // namespace isapi_fcgi::wine
