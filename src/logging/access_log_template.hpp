#pragma once
// The access log's line format, in the spirit of nginx's log_format: literal text and
// $variables (or ${variable} when a letter follows). `combined` is nginx's combined format,
// `json` one object a line with every variable. The configuration parses it at load time, so an
// unknown variable is a configuration error with the file's line; the access log line
// (logging/access_log_line.hpp) is written from the parsed form.
#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace isapi_fcgi::logging {

enum class access_variable {
    remote_addr,       ///< client address (REMOTE_ADDR)
    remote_port,       ///< client port (REMOTE_PORT)
    remote_user,       ///< authenticated user (REMOTE_USER), "-" when none
    time_local,        ///< [06/Dec/2026:20:23:16 +0000], as nginx
    time_iso8601,      ///< RFC 3339 with milliseconds and zone
    request,           ///< "METHOD URI PROTOCOL"
    request_method,
    request_uri,       ///< path and query as the client sent them
    uri,               ///< path only
    query_string,      ///< query without '?', "" when none (nginx's $args)
    server_protocol,
    status,            ///< what the client got; 499 when it went away first
    iis_status,        ///< the extension's dwHttpStatusCode (IIS's sc-status)
    bytes_received,    ///< request body bytes read
    bytes_sent,        ///< response body bytes sent
    request_time,      ///< seconds with millisecond precision
    request_time_us,   ///< microseconds
    http_referer,
    http_user_agent,
    request_id,        ///< REQUEST_ID from the front end, "-" when none
    pool,
    extension,         ///< the extension that answered, "-" when none
    pid,               ///< the worker's process id
    log_data,          ///< the extension's lpszLogData
    log_parameters,    ///< HSE_APPEND_LOG_PARAMETER text
};

struct access_segment {
    bool is_variable = false;
    std::string literal;
    access_variable variable = access_variable::status;
};

struct access_log_template {
    bool json = false;                    ///< one JSON object a line; `segments` unused
    std::vector<access_segment> segments;
};

/// nginx's combined format with our variables' names.
inline constexpr std::string_view combined_access_format =
    R"($remote_addr - $remote_user [$time_local] "$request" $status $bytes_sent "$http_referer" "$http_user_agent")";

/// The detailed text form: IIS's fields (the extension's own status, its log data) after ours.
inline constexpr std::string_view text_access_format =
    R"($time_iso8601 "$request_method $request_uri" $status $iis_status in=$bytes_received out=$bytes_sent ${request_time_us}us ext=$extension log="$log_data$log_parameters")";

/// "combined", "text", "json" or a template; throws std::invalid_argument naming an
/// unknown variable.
inline access_log_template parse_access_log_template(std::string_view text);

/// Every variable with its name (the JSON keys, the $names).
struct access_variable_name {
    access_variable variable;
    std::string_view name;
};
inline const std::vector<access_variable_name>& access_variable_names();

// Header-only (isapi_fcgi::access_log_template): the configuration parses it and settings.hpp's
// default uses it, without linking the logging library (spdlog) into the pure configuration.
inline const std::vector<access_variable_name>& access_variable_names() {
    using v = access_variable;
    static const std::vector<access_variable_name> names{
        {v::remote_addr, "remote_addr"},         {v::remote_port, "remote_port"},
        {v::remote_user, "remote_user"},         {v::time_local, "time_local"},
        {v::time_iso8601, "time_iso8601"},       {v::request, "request"},
        {v::request_method, "request_method"},   {v::request_uri, "request_uri"},
        {v::uri, "uri"},                         {v::query_string, "query_string"},
        {v::server_protocol, "server_protocol"}, {v::status, "status"},
        {v::iis_status, "iis_status"},           {v::bytes_received, "bytes_received"},
        {v::bytes_sent, "bytes_sent"},           {v::request_time, "request_time"},
        {v::request_time_us, "request_time_us"}, {v::http_referer, "http_referer"},
        {v::http_user_agent, "http_user_agent"}, {v::request_id, "request_id"},
        {v::pool, "pool"},                       {v::extension, "extension"},
        {v::pid, "pid"},                         {v::log_data, "log_data"},
        {v::log_parameters, "log_parameters"},
    };
    return names;
}

namespace access_log_template_detail {

inline bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

inline access_variable variable_named(std::string_view name) {
    const auto& names = access_variable_names();
    const auto found = std::find_if(names.begin(), names.end(), [&](const auto& n) { return n.name == name; });
    if (found == names.end()) throw std::invalid_argument("unknown access log variable $" + std::string(name));
    return found->variable;
}

}  // namespace access_log_template_detail

inline access_log_template parse_access_log_template(std::string_view text) {
    if (text == "json") return {true, {}};
    if (text == "combined") text = combined_access_format;
    if (text == "text") text = text_access_format;
    access_log_template out;
    std::string literal;
    const auto flush_literal = [&] {
        if (!literal.empty()) out.segments.push_back({false, std::move(literal), {}});
        literal.clear();
    };
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] != '$') {
            literal += text[i++];
            continue;
        }
        std::size_t start = i + 1, end = start;
        if (start < text.size() && text[start] == '{') {
            end = text.find('}', start);
            if (end == std::string_view::npos) throw std::invalid_argument("unclosed ${ in the access log format");
            ++start;
        } else {
            while (end < text.size() && access_log_template_detail::is_name_char(text[end])) ++end;
        }
        if (end == start) throw std::invalid_argument("a $ without a variable name in the access log format");
        flush_literal();
        out.segments.push_back({true, {}, access_log_template_detail::variable_named(text.substr(start, end - start))});
        i = end + (text[i + 1] == '{' ? 1 : 0);
    }
    flush_literal();
    return out;
}

}  // namespace isapi_fcgi::logging
