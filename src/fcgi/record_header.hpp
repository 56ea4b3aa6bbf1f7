#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "fcgi/protocol.hpp"

namespace isapi_fcgi::fcgi {

/// The 8-byte header that opens every record, decoded. `type` is kept raw because unknown types
/// are legal on the wire (they are answered with UNKNOWN_TYPE, not rejected).
struct record_header {
    std::uint8_t version = protocol_version;
    std::uint8_t type = 0;
    std::uint16_t request_id = 0;
    std::uint16_t content_length = 0;
    std::uint8_t padding_length = 0;

    record_type kind() const noexcept { return static_cast<record_type>(type); }
    friend bool operator==(const record_header&, const record_header&) = default;
};

using header_bytes = std::array<std::byte, header_size>;

record_header decode_header(std::span<const std::byte, header_size> bytes) noexcept;

/// Encodes a header whose padding is chosen by padding_for(content_length).
header_bytes encode_header(record_type type, std::uint16_t request_id,
                           std::uint16_t content_length) noexcept;
header_bytes encode_header(const record_header& header) noexcept;

/// `length` zero bytes (at most 255) from static storage: every record's padding in gathered writes.
std::span<const std::byte> padding_bytes(std::uint8_t length) noexcept;

}  // namespace isapi_fcgi::fcgi
