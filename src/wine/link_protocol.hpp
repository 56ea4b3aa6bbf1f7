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
//   "failed <reason>" (then the worker exits).
#include <string_view>

namespace isapi_fcgi::wine {

// url_match fields the Linux worker computed (the Windows worker has no URL map).
inline constexpr std::string_view match_script_name = "ISAPI_FCGI_MATCH_SCRIPT_NAME";
inline constexpr std::string_view match_raw_script_name = "ISAPI_FCGI_MATCH_RAW_SCRIPT_NAME";
inline constexpr std::string_view match_path_info = "ISAPI_FCGI_MATCH_PATH_INFO";
inline constexpr std::string_view match_path = "ISAPI_FCGI_MATCH_PATH";
inline constexpr std::string_view match_flags = "ISAPI_FCGI_MATCH_FLAGS";  // "r" from_request_uri, "s" script_mapped

inline constexpr std::string_view status_ready = "ready ";
inline constexpr std::string_view status_failed = "failed ";

/// app status of END_REQUEST when the extension failed the request after output went out.
inline constexpr unsigned app_status_failed = 1;

}  // namespace isapi_fcgi::wine
