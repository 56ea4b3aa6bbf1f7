#pragma once
// What the notifications of one request share: the editable request head, the server variables,
// the response a filter may send or shape, and the notifications disabled for the rest of it.
#include <cstdint>
#include <string>
#include <vector>

#include <isapi/windef_subset.h>

#include "filters/request_head.hpp"
#include "filters/response_head.hpp"
#include "isapi/server_variables.hpp"

namespace isapi_fcgi::filters {

/// A response a filter sent itself (SF_REQ_SEND_RESPONSE_HEADER, WriteClient): the host sends it
/// when the filter ends the request with SF_STATUS_REQ_FINISHED(_KEEP_CONN).
struct filter_response {
    bool header_sent = false;
    std::string status;   ///< "401 Access Denied"; "200 OK" when a filter only wrote data
    std::string headers;  ///< CRLF-terminated header lines
    std::string body;
};

struct filter_request {
    filter_request(request_head head_in, const isapi::server_variables& variables_in)
        : head(std::move(head_in)), variables(variables_in) {}

    request_head head;
    const isapi::server_variables& variables;
    /// During SF_NOTIFY_SEND_RESPONSE: the response head GetHeader/SetHeader/AddHeader edit
    /// (the request head otherwise).
    response_head* sending = nullptr;
    /// AddResponseHeaders: CRLF-terminated lines added to whatever response the request gets.
    std::string added_response_headers;
    /// SF_REQ_ADD_HEADERS_ON_DENIAL: added only if the request is denied (401).
    std::string denial_headers;
    filter_response response;
    /// SF_REQ_DISABLE_NOTIFICATIONS, per filter (index in the chain), for the rest of the request.
    std::vector<DWORD> disabled_notifications;
    /// The bound on what filters may buffer for one request (WriteClient, header strings).
    std::size_t max_response_bytes = 1 << 20;
};

}  // namespace isapi_fcgi::filters
