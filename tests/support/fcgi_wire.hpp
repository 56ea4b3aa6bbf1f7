#pragma once
// The test suite's own FastCGI encoding, written from the spec and fastcgi.h's constants and
// deliberately independent of src/fcgi, so that the engine is checked against a second reading
// of the protocol rather than against itself.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace isapi_fcgi::test::wire {

// fastcgi.h's macros, typed (the header is C and only defines ints).
inline constexpr std::size_t header_length = 8;
inline constexpr std::size_t max_content = 0xffff;
inline constexpr std::uint8_t version_1 = 1;

inline constexpr std::uint8_t begin_request = 1;
inline constexpr std::uint8_t abort_request = 2;
inline constexpr std::uint8_t end_request = 3;
inline constexpr std::uint8_t params = 4;
inline constexpr std::uint8_t stdin_stream = 5;
inline constexpr std::uint8_t stdout_stream = 6;
inline constexpr std::uint8_t stderr_stream = 7;
inline constexpr std::uint8_t data = 8;
inline constexpr std::uint8_t get_values = 9;
inline constexpr std::uint8_t get_values_result = 10;
inline constexpr std::uint8_t unknown_type = 11;

inline constexpr std::uint16_t responder = 1;
inline constexpr std::uint16_t authorizer = 2;
inline constexpr std::uint16_t filter = 3;
inline constexpr std::uint8_t keep_conn = 1;

inline constexpr std::uint8_t request_complete = 0;
inline constexpr std::uint8_t cant_mpx_conn = 1;
inline constexpr std::uint8_t overloaded = 2;
inline constexpr std::uint8_t unknown_role = 3;

/// How outgoing records are padded.
enum class padding { none, align8, maximum };

using param_list = std::vector<std::pair<std::string, std::string>>;

/// One record as it travelled.
struct record {
    std::uint8_t version = version_1;
    std::uint8_t type = 0;
    std::uint16_t request_id = 0;
    std::string content;
    std::uint8_t padding_length = 0;
};

/// Header + content + padding bytes. `padding_length` overrides the padding mode when given.
std::string encode_record(std::uint8_t type, std::uint16_t request_id, std::string_view content,
                          padding mode = padding::align8,
                          std::optional<std::uint8_t> padding_length = std::nullopt);
/// Only the 8 header bytes, with any values (malformed ones included).
std::string encode_header(std::uint8_t version, std::uint8_t type, std::uint16_t request_id,
                          std::uint16_t content_length, std::uint8_t padding_length);
std::string encode_begin_body(std::uint16_t role, std::uint8_t flags);
/// A 1-byte length if it is <= 127, else 4 bytes with the high bit set.
std::string encode_length(std::size_t length);
std::string encode_pair(std::string_view name, std::string_view value);
std::string encode_pairs(const param_list& pairs);

/// Splits a stream's bytes into records of at most `max_record` content bytes each (the empty
/// terminator is not included).
std::string encode_stream(std::uint8_t type, std::uint16_t request_id, std::string_view bytes,
                          std::size_t max_record = max_content, padding mode = padding::align8);

/// Decodes name-value pairs; nothing if a length points past the end.
std::optional<param_list> decode_pairs(std::string_view bytes);

/// Typical CGI params a web server sends for `script_name`.
param_list cgi_params(std::string_view script_name, std::string_view method = "GET",
                      std::string_view content_length = "", const param_list& extra = {});

}  // namespace isapi_fcgi::test::wire
