#include "engine/log_text.hpp"

#include <fmt/format.h>

namespace isapi_fcgi::engine {

std::string log_text(std::string_view text, std::size_t max_length) {
    std::string out;
    out.reserve(std::min(text.size(), max_length) + 3);
    for (const char c : text) {
        if (out.size() >= max_length) {
            out += "...";
            break;
        }
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte >= 0x7f || c == '\\') out += fmt::format("\\x{:02x}", byte);
        else out += c;
    }
    return out;
}

std::string log_json_string(std::string_view text, std::size_t max_length) {
    const auto safe = log_text(text, max_length);
    std::string out = "\"";
    for (const char c : safe) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    out += '"';
    return out;
}

}  // namespace isapi_fcgi::engine
