#pragma once
// Hand-written FastCGI encoders for building test input. They deliberately share no code with
// src/fcgi, so an encoder bug in the codec cannot be mirrored into the streams that test it.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace isapi_fcgi::fcgi::wire {

inline std::span<const std::byte> bytes(std::string_view s) noexcept {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

inline std::string text(std::span<const std::byte> b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

inline char byte_char(unsigned value) { return static_cast<char>(value & 0xffu); }

/// A record with explicit padding; the padding bytes are non-zero so a parser that reads them
/// as content gives itself away.
inline std::string record(unsigned type, unsigned id, std::string_view content,
                          unsigned padding = 0, unsigned version = 1) {
    std::string out;
    out += byte_char(version);
    out += byte_char(type);
    out += byte_char(id >> 8);
    out += byte_char(id);
    out += byte_char(static_cast<unsigned>(content.size()) >> 8);
    out += byte_char(static_cast<unsigned>(content.size()));
    out += byte_char(padding);
    out += '\0';
    out += content;
    out.append(padding, '\xa5');
    return out;
}

/// A record padded to a multiple of 8, as nginx sends them.
inline std::string padded_record(unsigned type, unsigned id, std::string_view content) {
    return record(type, id, content, (8 - content.size() % 8) % 8);
}

inline constexpr unsigned begin_request_type = 1;
inline constexpr unsigned abort_request_type = 2;
inline constexpr unsigned end_request_type = 3;
inline constexpr unsigned params_type = 4;
inline constexpr unsigned stdin_type = 5;
inline constexpr unsigned stdout_type = 6;
inline constexpr unsigned stderr_type = 7;
inline constexpr unsigned data_type = 8;
inline constexpr unsigned get_values_type = 9;
inline constexpr unsigned get_values_result_type = 10;
inline constexpr unsigned unknown_type_type = 11;

inline std::string begin_request(unsigned id, unsigned role = 1, unsigned flags = 0) {
    std::string body;
    body += byte_char(role >> 8);
    body += byte_char(role);
    body += byte_char(flags);
    body.append(5, '\0');
    return record(begin_request_type, id, body);
}

inline std::string params(unsigned id, std::string_view content, unsigned padding = 0) {
    return record(params_type, id, content, padding);
}

inline std::string stdin_record(unsigned id, std::string_view content, unsigned padding = 0) {
    return record(stdin_type, id, content, padding);
}

/// One name-value length; `long_form` forces the four-byte layout even for small values.
inline std::string length(std::size_t n, bool long_form = false) {
    if (n <= 127 && !long_form) return std::string(1, byte_char(static_cast<unsigned>(n)));
    std::string out;
    out += byte_char(0x80u | static_cast<unsigned>(n >> 24));
    out += byte_char(static_cast<unsigned>(n >> 16));
    out += byte_char(static_cast<unsigned>(n >> 8));
    out += byte_char(static_cast<unsigned>(n));
    return out;
}

inline std::string pair(std::string_view name, std::string_view value) {
    return length(name.size()) + length(value.size()) + std::string(name) + std::string(value);
}

/// Splits a stream into PARAMS records of at most `chunk` bytes (pairs cut anywhere, as
/// cgi-fcgi does), followed by the empty terminator.
inline std::string params_stream(unsigned id, std::string_view stream, std::size_t chunk,
                                 unsigned padding = 0) {
    std::string out;
    for (std::size_t at = 0; at < stream.size(); at += chunk)
        out += params(id, stream.substr(at, chunk), padding);
    out += params(id, {});
    return out;
}

}  // namespace isapi_fcgi::fcgi::wire
