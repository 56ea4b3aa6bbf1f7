#pragma once
// The access log record's fields that describe the request, from its params: the same for an
// extension's response (isapi_request) and one the host or a filter made (filtered_channel).
#include <unistd.h>

#include <chrono>
#include <string_view>

#include "fcgi/param_set.hpp"
#include "logging/access_log_line.hpp"

namespace isapi_fcgi::isapi {

/// The record with the request's fields (views into `params`, which must outlive it), the pool,
/// the time and the pid; the caller fills in the outcome (status, bytes, duration...).
inline logging::access_record request_access_record(const fcgi::param_set& params, std::string_view pool) {
    logging::access_record r;
    r.finished = std::chrono::system_clock::now();
    r.remote_addr = params.get("REMOTE_ADDR");
    r.remote_port = params.get("REMOTE_PORT");
    r.remote_user = params.get("REMOTE_USER");
    r.request_method = params.get("REQUEST_METHOD");
    r.request_uri = params.get("REQUEST_URI");
    r.query_string = params.get("QUERY_STRING");
    r.server_protocol = params.get("SERVER_PROTOCOL");
    r.http_referer = params.get("HTTP_REFERER");
    r.http_user_agent = params.get("HTTP_USER_AGENT");
    r.request_id = params.get("REQUEST_ID");
    r.pool = pool;
    r.pid = static_cast<long>(::getpid());
    return r;
}

}  // namespace isapi_fcgi::isapi
