#include "engine/simple_response.hpp"

#include <fmt/format.h>

namespace isapi_fcgi::engine {

std::string_view reason_phrase(int status) noexcept {
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 413: return "Payload Too Large";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
    }
}

std::string make_simple_response(int status, std::string_view body, std::string_view extra_headers,
                                 std::string_view content_type) {
    return fmt::format("Status: {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n{}\r\n{}", status,
                       reason_phrase(status), content_type, body.size(), extra_headers, body);
}

}  // namespace isapi_fcgi::engine
