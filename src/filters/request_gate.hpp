#pragma once
// THE REQUEST SIDE OF THE FILTER CHAIN, as one blocking call: what runs before a request is
// mapped to an extension (or, on the authorizer path, before the web server serves it itself).
//
//   filters::request_gate gate(host, params, variables_config);  // on an extension thread
//   const filters::gate_decision& d = gate.run();
//   switch (d.what) { proceed: serve with d.params() ...; answered: send d.status_line,
//                     d.headers, d.body; failed: answer 500 (d.reason names the filter) }
//
// run() finds or creates the client connection's filter_session (filter_host::acquire: keyed by
// REMOTE_ADDR + REMOTE_PORT, held exclusively until the gate is destroyed or release() is
// called), then raises, for the filters that registered each, in chain order with IIS's status
// rules:
//   1. SF_NOTIFY_READ_RAW_DATA   once, with the request head rebuilt from the params
//                                ("GET /x HTTP/1.1\r\nHost: a\r\n...\r\n\r\n"); read-only: the
//                                front end parsed the request already, edits are not read back;
//   2. SF_NOTIFY_PREPROC_HEADERS GetHeader/SetHeader/AddHeader on the head, "url"/"method"/
//                                "version" included: a new "url" routes to another extension;
//   3. SF_NOTIFY_URL_MAP         pszURL the path, pszPhysicalPath document root + path (edits
//                                are not used: extensions are reached by URL);
//   4. SF_NOTIFY_AUTHENTICATION  pszUser/pszPassword from "Authorization: Basic", or REMOTE_USER
//                                the front end authenticated; the user a filter leaves in pszUser
//                                becomes the request's REMOTE_USER;
//   5. SF_NOTIFY_AUTH_COMPLETE   the head editable again; GetUserToken answers
//                                ERROR_NOT_SUPPORTED.
// A filter that answers (SF_REQ_SEND_RESPONSE_HEADER / WriteClient, then SF_STATUS_REQ_FINISHED
// or _FINISHED_KEEP_CONN) ends the request with its response: verdict `answered`. When that
// response is a 401, SF_NOTIFY_ACCESS_DENIED is raised first (a filter may replace the response
// there) and the SF_REQ_ADD_HEADERS_ON_DENIAL lines are added to it. SF_STATUS_REQ_ERROR, an
// unknown status, an exception from HttpFilterProc or a response that cannot be built: verdict
// `failed` (fail closed: answer 500, never serve the request unfiltered).
//
// Threads: filter code may block; call run() on an extension thread, never on an I/O thread.
// One gate per request; not thread-safe itself.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "filters/filter_host.hpp"
#include "filters/filter_request.hpp"
#include "isapi/server_variables.hpp"
#include "isapi/url_map.hpp"

namespace isapi_fcgi::fcgi {
class param_set;
}

namespace isapi_fcgi::filters {

struct gate_decision {
    enum class verdict : std::uint8_t {
        proceed,   ///< serve the request (with params() when rewritten)
        answered,  ///< a filter answered it: send status_line, headers, body
        failed,    ///< answer 500; `reason` says why, naming the filter
    };
    verdict what = verdict::proceed;

    // ---- proceed -------------------------------------------------------------------------------
    /// True when a filter changed the request head or the user: serve it with `params`.
    bool rewritten = false;
    /// Every param of the request as it is to be served (REQUEST_METHOD, REQUEST_URI,
    /// QUERY_STRING, SERVER_PROTOCOL, HTTP_*, CONTENT_*, REMOTE_USER replaced by the edited
    /// ones; when the URL changed, SCRIPT_NAME, PATH_INFO, DOCUMENT_URI, PATH_TRANSLATED and
    /// SCRIPT_FILENAME left out, as they describe the old one; the others as the front end sent
    /// them). Empty unless `rewritten`.
    std::vector<std::pair<std::string, std::string>> params;
    /// The authenticated user after SF_NOTIFY_AUTHENTICATION ("" for anonymous).
    std::string user;
    /// AddResponseHeaders: CRLF-terminated "Name: value" lines for the eventual response.
    std::string response_headers;

    // ---- answered ------------------------------------------------------------------------------
    unsigned status = 0;        ///< 401
    std::string status_line;    ///< "401 Access Denied"
    std::string headers;        ///< CRLF-terminated lines (denial and AddResponseHeaders lines in)
    std::string body;           ///< what the filter wrote with WriteClient
    /// False after SF_STATUS_REQ_FINISHED (IIS closes the client connection); true after
    /// _FINISHED_KEEP_CONN. Behind a front end the sidecar cannot close the client's connection:
    /// informative only.
    bool keep_connection = true;

    // ---- answered or failed --------------------------------------------------------------------
    /// The filter that ended the request, or null.
    const filter_library* decided_by = nullptr;
    /// failed: "filter 'sso' returned SF_STATUS_REQ_ERROR for SF_NOTIFY_AUTHENTICATION".
    std::string reason;
};

class request_gate {
public:
    /// Borrows `host`, `params` and `config`, which must outlive the gate.
    request_gate(filter_host& host, const fcgi::param_set& params, const isapi::server_variables_config& config);
    request_gate(const request_gate&) = delete;
    request_gate& operator=(const request_gate&) = delete;

    /// Runs the request side once (later calls return the same decision).
    const gate_decision& run();

    /// Lets the session go (the authorizer path, once the decision is sent). The response side
    /// needs it held until the request ends.
    void release() noexcept { lease_.release(); }

    // ---- for the response side (response_side.hpp) --------------------------------------------
    filter_host& host() noexcept { return host_; }
    filter_session& session() noexcept { return lease_.session(); }
    filter_request& request() noexcept { return request_; }
    bool holds_session() const noexcept { return static_cast<bool>(lease_); }

private:
    /// Raises `event`; false when the request ended there (answered or failed).
    bool step(filter_event event, void* notification);
    bool settle(const chain_result& result, filter_event event);
    void answer(const chain_result& result);
    void fail(const chain_result& result, filter_event event);
    void raise_access_denied();
    void run_steps();

    filter_host& host_;
    const fcgi::param_set& params_;
    request_head::params original_;
    isapi::url_match no_match_;
    isapi::server_variables variables_;
    filter_request request_;
    filter_host::lease lease_;
    std::optional<gate_decision> decision_;
    std::string user_;
    std::string original_user_;
};

}  // namespace isapi_fcgi::filters
