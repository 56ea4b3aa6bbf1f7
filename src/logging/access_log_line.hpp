#pragma once
// One access log line from a finished request's facts and the configured template
// (logging/access_log_template.hpp). Pure: no I/O, no clock; the caller passes the time.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "logging/access_log_template.hpp"

namespace isapi_fcgi::logging {

/// The status recorded for a request whose client went away before the response ended, as
/// nginx's 499 ("client closed request").
inline constexpr unsigned client_closed_request = 499;

struct access_record {
    std::chrono::system_clock::time_point finished;
    std::string_view remote_addr, remote_port, remote_user;
    std::string_view request_method, request_uri, query_string, server_protocol;
    std::string_view http_referer, http_user_agent, request_id;
    std::string_view pool, extension, log_data, log_parameters;
    unsigned status = 0;      ///< what the client got (client_closed_request when it left)
    unsigned iis_status = 0;  ///< the extension's dwHttpStatusCode
    std::uint64_t bytes_received = 0, bytes_sent = 0;
    std::chrono::microseconds duration{0};
    long pid = 0;
};

/// The line without its newline. Text values are printable ASCII (others as \xNN; in JSON,
/// quotes and backslashes escaped too), empty ones "-" in the text forms, as nginx does.
std::string format_access_line(const access_log_template& format, const access_record& r);

}  // namespace isapi_fcgi::logging
