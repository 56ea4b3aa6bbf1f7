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
bool read_length(std::string_view& in, std::size_t& length) noexcept;
}

/// Calls visit(name, value) for every pair of a complete stream. Returns name_value_truncated
/// when a length points past the end; pairs before the bad one have been visited.
template <typename Visitor>
std::error_code for_each_pair(std::string_view stream, Visitor&& visit) {
    while (!stream.empty()) {
        std::size_t name_length = 0;
        std::size_t value_length = 0;
        if (!detail::read_length(stream, name_length) || !detail::read_length(stream, value_length) ||
            name_length > stream.size() || value_length > stream.size() - name_length) {
            return errc::name_value_truncated;
        }
        visit(stream.substr(0, name_length), stream.substr(name_length, value_length));
        stream.remove_prefix(name_length + value_length);
    }
    return {};
}

}  // namespace isapi_fcgi::fcgi
