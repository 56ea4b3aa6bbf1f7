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
/// one byte. Reads the length at `p` (`left` bytes remain) and advances past it.
[[gnu::always_inline]] inline bool take_length(const char*& p, std::size_t& left, std::size_t& length) noexcept {
    if (left == 0) return false;
    auto byte = [p](std::size_t i) { return static_cast<std::size_t>(static_cast<unsigned char>(p[i])); };
    if ((byte(0) & 0x80) == 0) {
        length = byte(0);
        ++p;
        --left;
        return true;
    }
    if (left < 4) return false;
    length = (byte(0) & 0x7f) << 24 | byte(1) << 16 | byte(2) << 8 | byte(3);
    p += 4;
    left -= 4;
    return true;
}

/// Takes the next pair off the front of `in`; false when a length points past the end. Works on
/// a pointer and a count rather than string_view::substr, whose range checks cost as much as
/// the rest of the decoding.
[[gnu::always_inline]] inline bool read_pair(std::string_view& in, std::string_view& name,
                                             std::string_view& value) noexcept {
    const char* p = in.data();
    std::size_t left = in.size();
    std::size_t name_length = 0;
    std::size_t value_length = 0;
    if (!take_length(p, left, name_length) || !take_length(p, left, value_length) || name_length > left ||
        value_length > left - name_length) {
        return false;
    }
    name = std::string_view(p, name_length);
    value = std::string_view(p + name_length, value_length);
    in = std::string_view(p + name_length + value_length, left - name_length - value_length);
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
