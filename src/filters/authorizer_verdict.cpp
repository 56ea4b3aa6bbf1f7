#include "filters/authorizer_verdict.hpp"

#include <algorithm>

#include "isapi/http_status.hpp"

namespace isapi_fcgi::filters {
namespace {

bool has_line_break(std::string_view text) {
    return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

std::string failure_response(unsigned code, std::string_view why) {
    isapi::http_status status{code, std::string(isapi::reason_phrase(code))};
    std::string body = status.text() + ": " + std::string(why) + "\n";
    std::string out = "Status: " + status.text() + "\r\nContent-Type: text/plain; charset=utf-8\r\n";
    if (code == 503) out += "Retry-After: 1\r\n";
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    return out + body;
}

bool starts_with_name(std::string_view line, std::string_view name) {
    return line.size() >= name.size() && std::equal(name.begin(), name.end(), line.begin(), [](char a, char b) {
               return (a | 0x20) == (b | 0x20);
           });
}

/// Apache's ap_is_url ("scheme:" of letters, digits, '+', '-', '.') or a leading '/': what
/// ap_custom_response takes for the target of a redirect instead of a text.
bool read_as_url_by_apache(std::string_view body) {
    if (body.starts_with('/')) return true;
    const auto colon = body.find(':');
    if (colon == 0 || colon == std::string_view::npos) return false;
    return std::all_of(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    });
}

void add_line(std::string& out, std::string_view name, std::string_view value) {
    out.append(name).append(": ").append(value).append("\r\n");
}

std::string render_allow(const authorizer_verdict& v, authorizer_front front, std::string* problem) {
    const bool fastcgi = front != authorizer_front::nginx_auth_request;
    std::string out = "Status: 200 OK\r\n";
    const auto value_line = [&](std::string_view fastcgi_name, std::string_view nginx_name, std::string_view value) {
        if (has_line_break(fastcgi_name) || has_line_break(value)) return false;
        if (fastcgi) add_line(out, "Variable-" + std::string(fastcgi_name), value);
        else add_line(out, nginx_name, value);
        return true;
    };
    bool clean = true;
    if (!v.user.empty()) {
        clean &= value_line("REMOTE_USER", auth_user_header, v.user);
        if (!v.auth_type.empty()) clean &= value_line("AUTH_TYPE", auth_type_header, v.auth_type);
    }
    if (!v.url.empty()) clean &= value_line("ISAPI_URL", auth_url_header, v.url);
    // nginx's try_files takes a path, and nginx has no way to cut the query off in a location.
    if (!v.url.empty() && !fastcgi) clean &= value_line("", auth_path_header, v.url.substr(0, v.url.find('?')));
    for (const auto& [cgi_name, value] : v.request_headers) {
        const bool token = !cgi_name.empty() && std::all_of(cgi_name.begin(), cgi_name.end(), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        });
        clean &= token && value_line(cgi_name, std::string(auth_set_header_prefix) + http_header_name(cgi_name), value);
    }
    if (!clean) {
        if (problem) *problem = "a value the filters set holds a line break or a name is not a header name";
        return failure_response(500, "the request could not be authorized");
    }
    if (!fastcgi) out += "Content-Length: 0\r\n";
    return out + "\r\n";
}

std::string render_denial(const authorizer_verdict& v, authorizer_front front, std::string* problem) {
    const auto status = isapi::parse_status(v.status);
    if (!status || status->code < 300 || status->code > 599) {
        // A 2xx would read as "allow"; a filter that served a page of its own with 200 cannot be
        // honoured through an authorization hook.
        if (problem) *problem = "the filter answered with status '" + v.status + "', which an authorizer cannot send";
        return failure_response(500, "the request could not be authorized");
    }
    std::string out = "Status: " + status->text() + "\r\n";
    // The filter's lines, but the length is ours: it describes the body sent here.
    for (std::size_t at = 0; at < v.headers.size();) {
        auto end = v.headers.find('\n', at);
        if (end == std::string::npos) end = v.headers.size();
        std::string_view line = std::string_view(v.headers).substr(at, end - at);
        at = end + 1;
        if (line.ends_with('\r')) line.remove_suffix(1);
        if (line.empty() || starts_with_name(line, "Content-Length:") || starts_with_name(line, "Status:")) continue;
        out.append(line).append("\r\n");
    }
    // mod_authnz_fcgi sends the body as its own error document, with its own length.
    if (front == authorizer_front::nginx_auth_request) out += "Content-Length: " + std::to_string(v.body.size()) + "\r\n";
    if (front == authorizer_front::apache_authnz_fcgi && read_as_url_by_apache(v.body)) return out + "\r\n " + v.body;
    return out + "\r\n" + v.body;
}

}  // namespace

authorizer_verdict authorizer_verdict::failure(int status) {
    authorizer_verdict v;
    v.what = kind::failed;
    const unsigned code = status == 503 ? 503u : 500u;
    v.status = isapi::http_status{code, std::string(isapi::reason_phrase(code))}.text();
    return v;
}

std::string render_authorizer_response(const authorizer_verdict& verdict, authorizer_front front,
                                       std::string* problem) {
    switch (verdict.what) {
    case authorizer_verdict::kind::allow: return render_allow(verdict, front, problem);
    case authorizer_verdict::kind::deny: return render_denial(verdict, front, problem);
    case authorizer_verdict::kind::failed: break;
    }
    const auto status = isapi::parse_status(verdict.status);
    return failure_response(status && status->code == 503 ? 503 : 500, "the request could not be authorized");
}

std::string http_header_name(std::string_view cgi_name) {
    if (cgi_name.starts_with("HTTP_")) cgi_name.remove_prefix(5);
    std::string out;
    bool word_start = true;
    for (const char c : cgi_name) {
        if (c == '_') {
            out += '-';
            word_start = true;
            continue;
        }
        out += word_start ? c : static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        word_start = false;
    }
    return out;
}

}  // namespace isapi_fcgi::filters
