#include "fcgi/name_value.hpp"

namespace isapi_fcgi::fcgi {

std::size_t encoded_length_size(std::size_t length) noexcept { return length <= 127 ? 1 : 4; }

std::size_t encoded_pair_size(std::string_view name, std::string_view value) noexcept {
    return encoded_length_size(name.size()) + encoded_length_size(value.size()) + name.size() +
           value.size();
}

namespace {
void append_length(std::string& out, std::size_t length) {
    if (length <= 127) {
        out.push_back(static_cast<char>(length));
        return;
    }
    out.push_back(static_cast<char>(0x80 | ((length >> 24) & 0x7f)));
    out.push_back(static_cast<char>((length >> 16) & 0xff));
    out.push_back(static_cast<char>((length >> 8) & 0xff));
    out.push_back(static_cast<char>(length & 0xff));
}
}  // namespace

void append_pair(std::string& out, std::string_view name, std::string_view value) {
    append_length(out, name.size());
    append_length(out, value.size());
    out.append(name);
    out.append(value);
}

}  // namespace isapi_fcgi::fcgi
