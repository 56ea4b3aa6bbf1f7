#include "isapi/http_status.hpp"

#include <charconv>
#include <cstring>
#include <limits>

#include "isapi/ascii.hpp"

namespace isapi_fcgi::isapi {

std::string http_status::text() const {
    std::string out;
    append_text(out);
    return out;
}

void http_status::append_text(std::string& out) const {
    char digits[std::numeric_limits<unsigned>::digits10 + 1];
    const auto end = std::to_chars(digits, digits + sizeof digits, code).ptr;
    out.append(digits, end);
    if (reason.empty()) return;
    out += ' ';
    out += reason;
}

std::string_view reason_phrase(unsigned code) noexcept {
    switch (code) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 207: return "Multi-Status";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 305: return "Use Proxy";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Content";
    case 423: return "Locked";
    case 424: return "Failed Dependency";
    case 426: return "Upgrade Required";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 451: return "Unavailable For Legal Reasons";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    case 507: return "Insufficient Storage";
    default: return "";
    }
}

bool starts_with_http_version(std::string_view line) noexcept {
    if (!ascii::istarts_with(line, "HTTP/")) return false;
    std::size_t i = 5;
    auto digits = [&] {
        const std::size_t start = i;
        while (i < line.size() && ascii::is_digit(line[i])) ++i;
        return i > start;
    };
    if (!digits() || i >= line.size() || line[i] != '.') return false;
    ++i;
    return digits() && i < line.size() && ascii::is_space(line[i]);
}

std::optional<http_status> parse_status(std::string_view text) {
    for (char c : text)
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == '\x7f') return std::nullopt;
    text = ascii::trim(text);
    if (ascii::istarts_with(text, "HTTP/")) {
        if (!starts_with_http_version(text)) return std::nullopt;
        text = ascii::trim(text.substr(text.find_first_of(" \t")));
    }
    if (text.size() < 3 || !ascii::is_digit(text[0]) || !ascii::is_digit(text[1]) ||
        !ascii::is_digit(text[2]) || (text.size() > 3 && !ascii::is_space(text[3])))
        return std::nullopt;
    http_status status;
    status.code = static_cast<unsigned>((text[0] - '0') * 100 + (text[1] - '0') * 10 + (text[2] - '0'));
    if (status.code < 100) return std::nullopt;
    const std::string_view reason = ascii::trim(text.substr(3));
    status.reason = reason.empty() ? std::string(reason_phrase(status.code)) : std::string(reason);
    return status;
}

std::optional<std::string_view> bounded_c_string(const char* text, std::size_t cch) noexcept {
    if (text == nullptr) return std::nullopt;
    return std::string_view(text, cch == 0 ? std::strlen(text) : ::strnlen(text, cch));
}

}  // namespace isapi_fcgi::isapi
