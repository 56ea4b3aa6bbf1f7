#include "logging/json_message_flag.hpp"

namespace isapi_fcgi::logging {

void append_json_escaped(std::string_view text, spdlog::memory_buf_t& out) {
    static constexpr char hex[] = "0123456789abcdef";
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (byte < 0x20 || byte >= 0x7f) {
            // Bytes, not characters: a non-UTF-8 byte must not make the line invalid JSON.
            const char escaped[] = {'\\', 'u', '0', '0', hex[byte >> 4], hex[byte & 15]};
            out.append(escaped, escaped + sizeof(escaped));
        } else {
            out.push_back(c);
        }
    }
}

}  // namespace isapi_fcgi::logging
