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

namespace detail {
bool read_length(std::string_view& in, std::size_t& length) noexcept {
    if (in.empty()) return false;
    auto byte = [&](std::size_t i) { return static_cast<std::size_t>(static_cast<unsigned char>(in[i])); };
    if ((byte(0) & 0x80) == 0) {
        length = byte(0);
        in.remove_prefix(1);
        return true;
    }
    if (in.size() < 4) return false;
    length = (byte(0) & 0x7f) << 24 | byte(1) << 16 | byte(2) << 8 | byte(3);
    in.remove_prefix(4);
    return true;
}
}  // namespace detail

}  // namespace isapi_fcgi::fcgi
