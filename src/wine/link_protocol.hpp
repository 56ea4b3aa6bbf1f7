#pragma once
// The link between a Linux worker and its Windows worker (isapi-wine-worker.exe): FastCGI 1.0
// records over the Windows worker's inherited stdin (Linux -> Windows) and stdout (Windows ->
// Linux) pipes, one framing for everything. Shared by both sides; pure (docs/wine.md).
//
// Linux -> Windows, per request (ids 1..65535, reused after END_REQUEST):
//   BEGIN_REQUEST (responder), PARAMS (the front end's params plus the url_match fields below;
//   for an EXEC_URL child of another Wine extension's request, relayed here, the child's params
//   as child_params made them, the url_match fields and exec_depth, its nesting), empty PARAMS, STDIN chunks, empty STDIN (end of body), ABORT_REQUEST (client gone, timeout).
// Windows -> Linux:
//   STDOUT: the CGI response bytes (the same response_translator as the Linux host produces them);
//   END_REQUEST: the request is over (app status 0 ok, 1 the extension failed it);
//   STDERR on request id 0: one status line, "ready <description>" once the DLL loaded or
//   "failed <reason>" (then the worker exits); later "unhealthy <reason>" for a
//   HSE_REQ_REPORT_UNHEALTHY whose request's END_REQUEST went out already (CLOSE_CONNECTION
//   ends the response early): its id may carry another request by then;
//   STDERR on a request's id, before its END_REQUEST: one message per record (a longer one per
//   run of "more "/"last " records, append_message) about that
//   request, "unhealthy <reason>" (HSE_REQ_REPORT_UNHEALTHY), "log_data <text>" (what the DLL
//   left in lpszLogData), "log_parameters <text>" (HSE_APPEND_LOG_PARAMETER),
//   "exec <name-value pairs>" (HSE_REQ_EXEC_URL: the child's REQUEST_URI, SCRIPT_NAME,
//   REQUEST_METHOD and exec_skip_current, for the Linux worker to map with the pool's URL map,
//   then the rest of the child; over several records, "more "/"last ", when it does not fit one),
//   "child_log <name-value pairs>" (a child that ran in the Windows worker ended: the
//   child_log_fields of its params and the child_* outcome below, for its access-log line).
// Linux -> Windows, the answer to "exec", before the request's END_REQUEST: DATA records on the
//   request's id, then an empty DATA: name-value pairs, exec_mapping (one of the exec_* values
//   below) and, for exec_here, the url_match fields of the child. Children mapped to the same
//   extension run inside the Windows worker; docs/wine.md says why and what is not matched.
//   After exec_linux (a native extension serves the child, and the Linux worker runs it, or
//   another Wine extension, and the Linux worker relays it to that one's Windows worker as a
//   request of its own; either with the params and entity the "exec" carried), before the
//   request's END_REQUEST: STDOUT records on
//   the request's id, the child's response bytes for the parent's translator, then DATA again
//   with exec_mapping exec_ended, exec_status and exec_win32. From "exec" until the answer (and
//   for exec_linux until exec_ended) no STDIN goes out for the request, and the Windows worker
//   takes what came before without waiting for room, so nothing on the link waits behind a body
//   the extension does not read.
#include <algorithm>
#include <array>
#include <cstddef>
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
inline constexpr std::string_view exec_elsewhere = "elsewhere";  // its params or entity did not fit "exec": 501
// A native extension serves it (the Linux worker runs it) or another Wine extension (the Linux
// worker relays it to that one's Windows worker); its output and exec_ended follow.
inline constexpr std::string_view exec_linux = "linux";
inline constexpr std::string_view exec_ended = "ended";  // the child the Linux worker ran ended
// What the Windows worker adds to the child's params in "exec", for a child the Linux worker runs.
inline constexpr std::string_view exec_pass_headers = "ISAPI_FCGI_EXEC_PASS_HEADERS";  // "1": its header block is the response's
// Its EXEC_URL nesting, 1 for a child; also in the PARAMS of a child relayed to another worker.
inline constexpr std::string_view exec_depth = "ISAPI_FCGI_EXEC_DEPTH";
inline constexpr std::string_view exec_entity = "ISAPI_FCGI_EXEC_ENTITY";              // the entity the parent gave, if any
// "1": the child's params exceed the pool's max_params_bytes (exec_params_dropped: answered
// 431) or its entity max_exec_entity_bytes (exec_entity_dropped: 413); they are left out.
inline constexpr std::string_view exec_params_dropped = "ISAPI_FCGI_EXEC_PARAMS_DROPPED";
inline constexpr std::string_view exec_entity_dropped = "ISAPI_FCGI_EXEC_ENTITY_DROPPED";
/// A child's entity crosses the link in its "exec" message up to this many bytes (and the pool's
/// max_request_body, the Linux host's bound on a body): the message is held whole on both sides.
inline constexpr std::size_t max_exec_entity_bytes = 16u << 20;
inline std::size_t exec_entity_bound(std::size_t max_request_body) {
    return max_request_body < max_exec_entity_bytes ? max_request_body : max_exec_entity_bytes;
}
// A child without an entity reads its parent's unread body (docs/wine.md, "The link"): "1" in
// "exec" (the Windows worker can lend it) and in the exec_linux answer (lend it now). The
// Windows worker then sends what it holds unread as STDIN records on the request's id, then
// "body_lent <pairs>" (body_lent_ended "1": the body's end had come); the Linux worker gives
// the child those, then the rest of the front end's body, and when the child ends sends back
// what it left unread as STDIN records (and an empty STDIN when the body's end came) before
// exec_ended, whose exec_body_read says how much of the body the child read.
inline constexpr std::string_view exec_parent_body = "ISAPI_FCGI_EXEC_PARENT_BODY";
inline constexpr std::string_view message_body_lent = "body_lent ";
inline constexpr std::string_view body_lent_ended = "ISAPI_FCGI_BODY_ENDED";
inline constexpr std::string_view exec_body_read = "ISAPI_FCGI_EXEC_BODY_READ";
// A child relayed to another Windows worker with its parent's body lent to it has
// exec_parent_body "1" in its PARAMS; that worker sends "body_read <pairs>" (exec_body_read:
// the body bytes the request read) just before its END_REQUEST, so what it had taken from the
// link and not read goes back to the parent.
inline constexpr std::string_view message_body_read = "body_read ";
/// A STDERR record carries at most this much of a message.
inline constexpr std::size_t max_message_bytes = 65535;

// A message longer than one record (an "exec" with large params or entity) goes as consecutive
// STDERR records on its id: each but the last "more " + the next piece, the last "last " + the
// final piece; the message is the pieces joined. A message that fits one record goes as it is
// (no message begins with either prefix). Nothing else is written between its records.
inline constexpr std::string_view message_more = "more ";
inline constexpr std::string_view message_last = "last ";

/// Appends `message` as STDERR records on `id`: one record when it fits, else "more "/"last ".
inline void append_message(std::string& out, std::uint16_t id, std::string_view message) {
    if (message.size() <= max_message_bytes) return append_records(out, fcgi::record_type::stderr_stream, id, message);
    constexpr std::size_t piece = max_message_bytes - message_more.size();
    std::string record;
    while (!message.empty()) {
        const bool last = message.size() <= piece;
        record.assign(last ? message_last : message_more);
        record.append(message.substr(0, piece));
        message.remove_prefix(std::min(piece, message.size()));
        append_records(out, fcgi::record_type::stderr_stream, id, record);
    }
}
// exec_ended's fields: what GET_EXEC_URL_STATUS reports, and the completion's dwError.
inline constexpr std::string_view exec_status = "ISAPI_FCGI_EXEC_STATUS";
inline constexpr std::string_view exec_win32 = "ISAPI_FCGI_EXEC_WIN32";
inline constexpr std::string_view exec_not_found = "404";        // no extension serves it
inline constexpr std::string_view exec_bad_request = "400";      // the URL is refused (url_map's bad_request)

// A child that ran in the Windows worker ended ("child_log " + pairs): its params that the access
// line shows (isapi/request_access_record.hpp reads these), each at most child_log_value_bytes,
// and its outcome, so the Linux worker writes the line the Linux host writes for a child.
inline constexpr std::string_view message_child_log = "child_log ";
inline constexpr std::array<std::string_view, 10> child_log_fields = {
    "REMOTE_ADDR",     "REMOTE_PORT",  "REMOTE_USER",  "REQUEST_METHOD",  "REQUEST_URI",
    "QUERY_STRING",    "SERVER_PROTOCOL", "HTTP_REFERER", "HTTP_USER_AGENT", "REQUEST_ID"};
inline constexpr std::size_t child_log_value_bytes = 1024;  // the message stays one record
inline constexpr std::string_view child_status = "ISAPI_FCGI_CHILD_STATUS";            // what the response carried
inline constexpr std::string_view child_iis_status = "ISAPI_FCGI_CHILD_IIS_STATUS";    // dwHttpStatusCode
inline constexpr std::string_view child_bytes_in = "ISAPI_FCGI_CHILD_BYTES_IN";        // body bytes read
inline constexpr std::string_view child_bytes_out = "ISAPI_FCGI_CHILD_BYTES_OUT";      // after its header block
inline constexpr std::string_view child_duration_us = "ISAPI_FCGI_CHILD_DURATION_US";
inline constexpr std::string_view child_client_gone = "ISAPI_FCGI_CHILD_CLIENT_GONE";  // "1": the parent's client left
inline constexpr std::string_view child_log_data = "ISAPI_FCGI_CHILD_LOG_DATA";        // lpszLogData
inline constexpr std::string_view child_log_parameters = "ISAPI_FCGI_CHILD_LOG_PARAMETERS";

inline constexpr std::string_view status_ready = "ready ";
inline constexpr std::string_view status_failed = "failed ";

inline constexpr std::string_view message_unhealthy = "unhealthy ";
inline constexpr std::string_view message_log_data = "log_data ";
inline constexpr std::string_view message_log_parameters = "log_parameters ";

/// app status of END_REQUEST when the extension failed the request after output went out.
inline constexpr unsigned app_status_failed = 1;

}  // namespace isapi_fcgi::wine
