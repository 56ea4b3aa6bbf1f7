#pragma once
// Name-value pair encoding (FastCGI 1.0 §3.4): each length is one byte when <= 127, otherwise four
// bytes with the high bit set (a 31-bit value). Decoding is bounds-checked in size_t arithmetic,
// so no 31-bit length can overflow (libfcgi's CVE-2025-23016 was exactly that).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "fcgi/errc.hpp"

namespace isapi_fcgi::fcgi {

inline constexpr std::size_t max_name_value_length = 0x7fffffff;

std::size_t encoded_length_size(std::size_t length) noexcept;
std::size_t encoded_pair_size(std::string_view name, std::string_view value) noexcept;

/// Appends one encoded pair. Lengths above max_name_value_length are a caller bug.
void append_pair(std::string& out, std::string_view name, std::string_view value);

namespace detail {
/// Inline: every pair of every request's PARAMS passes here twice, and nearly every length is
/// one byte.
inline bool read_length(std::string_view& in, std::size_t& length) noexcept {
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

/// Takes the next pair off the front of `in`; false when a length points past the end.
inline bool read_pair(std::string_view& in, std::string_view& name, std::string_view& value) noexcept {
    std::size_t name_length = 0;
    std::size_t value_length = 0;
    if (!read_length(in, name_length) || !read_length(in, value_length) || name_length > in.size() ||
        value_length > in.size() - name_length) {
        return false;
    }
    name = in.substr(0, name_length);
    value = in.substr(name_length, value_length);
    in.remove_prefix(name_length + value_length);
    return true;
}
}  // namespace detail

/// Calls visit(name, value) for every pair of a complete stream. Returns name_value_truncated
/// when a length points past the end; pairs before the bad one have been visited.
template <typename Visitor>
std::error_code for_each_pair(std::string_view stream, Visitor&& visit) {
    while (!stream.empty()) {
        std::string_view name;
        std::string_view value;
        if (!detail::read_pair(stream, name, value)) return errc::name_value_truncated;
        visit(name, value);
    }
    return {};
}

}  // namespace isapi_fcgi::fcgi
