#include "fcgi/record_header.hpp"

namespace isapi_fcgi::fcgi {

record_header decode_header(std::span<const std::byte, header_size> b) noexcept {
    auto u8 = [&](std::size_t i) { return std::to_integer<std::uint8_t>(b[i]); };
    record_header h;
    h.version = u8(0);
    h.type = u8(1);
    h.request_id = static_cast<std::uint16_t>(u8(2) << 8 | u8(3));
    h.content_length = static_cast<std::uint16_t>(u8(4) << 8 | u8(5));
    h.padding_length = u8(6);
    return h;
}

header_bytes encode_header(const record_header& h) noexcept {
    return {std::byte{h.version},
            std::byte{h.type},
            static_cast<std::byte>(h.request_id >> 8),
            static_cast<std::byte>(h.request_id & 0xff),
            static_cast<std::byte>(h.content_length >> 8),
            static_cast<std::byte>(h.content_length & 0xff),
            std::byte{h.padding_length},
            std::byte{0}};
}

header_bytes encode_header(record_type type, std::uint16_t request_id,
                           std::uint16_t content_length) noexcept {
    return encode_header(record_header{protocol_version, static_cast<std::uint8_t>(type), request_id,
                                       content_length, padding_for(content_length)});
}

std::span<const std::byte> padding_bytes(std::uint8_t length) noexcept {
    static constexpr std::array<std::byte, 255> zeros{};
    return std::span<const std::byte>(zeros).first(length);
}

}  // namespace isapi_fcgi::fcgi
