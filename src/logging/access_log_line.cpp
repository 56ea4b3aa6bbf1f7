#include "logging/access_log_line.hpp"

#include <ctime>

#include <fmt/format.h>

namespace isapi_fcgi::logging {
namespace {

constexpr std::size_t max_field = 2048;

// Printable ASCII as is, the rest as \xNN, cut at max_field: a client cannot forge a line.
void append_text(std::string& out, std::string_view text, bool json) {
    std::size_t written = 0;
    for (const char c : text) {
        if (++written > max_field) {
            out += "...";
            return;
        }
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte >= 0x7f || c == '\\') {
            // In JSON the backslash of \xNN is itself escaped, so the value stays a plain string.
            out += json ? fmt::format("\\\\x{:02x}", byte) : fmt::format("\\x{:02x}", byte);
        } else if (json && c == '"') {
            out += "\\\"";
        } else if (!json && c == '"') {
            out += "\\x22";
        } else {
            out += c;
        }
    }
}

std::tm local_time(std::chrono::system_clock::time_point t) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    ::localtime_r(&seconds, &tm);
    return tm;
}

// +hh:mm (RFC 3339) or +hhmm (nginx's $time_local).
std::string zone_offset(const std::tm& tm, bool colon) {
    const long offset = tm.tm_gmtoff;
    const long minutes = (offset < 0 ? -offset : offset) / 60;
    return fmt::format("{}{:02}{}{:02}", offset < 0 ? '-' : '+', minutes / 60, colon ? ":" : "", minutes % 60);
}

std::string time_iso8601(std::chrono::system_clock::time_point t) {
    const auto tm = local_time(t);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
    char text[32];
    std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &tm);
    return fmt::format("{}.{:03}{}", text, ms, zone_offset(tm, true));
}

std::string time_local(std::chrono::system_clock::time_point t) {
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto tm = local_time(t);
    return fmt::format("{:02}/{}/{}:{:02}:{:02}:{:02} {}", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
                       tm.tm_hour, tm.tm_min, tm.tm_sec, zone_offset(tm, false));
}

std::string_view path_of(std::string_view uri) { return uri.substr(0, uri.find('?')); }

// Appends one variable; numbers are numbers in JSON, text is quoted there.
void append_variable(std::string& out, access_variable v, const access_record& r, bool json) {
    const auto text = [&](std::string_view value) {
        if (json) {
            out += '"';
            append_text(out, value, true);
            out += '"';
        } else if (value.empty()) {
            out += '-';
        } else {
            append_text(out, value, false);
        }
    };
    const auto number = [&](auto value) { out += fmt::format("{}", value); };
    switch (v) {
    case access_variable::remote_addr: return text(r.remote_addr);
    case access_variable::remote_port: return text(r.remote_port);
    case access_variable::remote_user: return text(r.remote_user);
    case access_variable::time_local: return text(time_local(r.finished));
    case access_variable::time_iso8601: return text(time_iso8601(r.finished));
    case access_variable::request:
        return text(fmt::format("{} {} {}", r.request_method, r.request_uri, r.server_protocol));
    case access_variable::request_method: return text(r.request_method);
    case access_variable::request_uri: return text(r.request_uri);
    case access_variable::uri: return text(path_of(r.request_uri));
    case access_variable::query_string:
        if (json || !r.query_string.empty()) return text(r.query_string);
        return;  // nginx writes $args empty, not "-"
    case access_variable::server_protocol: return text(r.server_protocol);
    case access_variable::status: return number(r.status);
    case access_variable::iis_status: return number(r.iis_status);
    case access_variable::bytes_received: return number(r.bytes_received);
    case access_variable::bytes_sent: return number(r.bytes_sent);
    case access_variable::request_time:
        out += fmt::format("{}.{:03}", r.duration.count() / 1000000, (r.duration.count() / 1000) % 1000);
        return;
    case access_variable::request_time_us: return number(r.duration.count());
    case access_variable::http_referer: return text(r.http_referer);
    case access_variable::http_user_agent: return text(r.http_user_agent);
    case access_variable::request_id: return text(r.request_id);
    case access_variable::pool: return text(r.pool);
    case access_variable::extension: return text(r.extension);
    case access_variable::pid: return number(r.pid);
    case access_variable::log_data:
        // Inside the text form's quotes an empty value stays empty.
        if (json || !r.log_data.empty()) append_text(out, r.log_data, json);
        return;
    case access_variable::log_parameters:
        if (json || !r.log_parameters.empty()) append_text(out, r.log_parameters, json);
        return;
    }
}

}  // namespace

std::string format_access_line(const access_log_template& format, const access_record& r) {
    std::string out;
    out.reserve(256);
    if (!format.json) {
        for (const auto& segment : format.segments) {
            if (segment.is_variable) append_variable(out, segment.variable, r, false);
            else out += segment.literal;
        }
        return out;
    }
    out += '{';
    bool first = true;
    for (const auto& [variable, name] : access_variable_names()) {
        if (!first) out += ',';
        first = false;
        out += '"';
        out += name;
        out += "\":";
        const bool quoted_text = variable == access_variable::log_data || variable == access_variable::log_parameters;
        if (quoted_text) out += '"';
        append_variable(out, variable, r, true);
        if (quoted_text) out += '"';
    }
    out += '}';
    return out;
}

}  // namespace isapi_fcgi::logging
