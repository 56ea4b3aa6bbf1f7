#pragma once
// Encoders for what a responder sends. Stream payloads are never copied here: callers gather
// header_bytes + their own payload + padding_bytes() into one writev.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "fcgi/param_set.hpp"
#include "fcgi/record_header.hpp"

namespace isapi_fcgi::fcgi {

using end_request_bytes = std::array<std::byte, header_size + 8>;
using unknown_type_bytes = std::array<std::byte, header_size + 8>;

end_request_bytes encode_end_request(std::uint16_t request_id, std::uint32_t app_status,
                                     protocol_status status) noexcept;
unknown_type_bytes encode_unknown_type(std::uint8_t type) noexcept;

/// A GET_VALUES_RESULT record (header, pairs, padding) answering `query`. Names the lookup
/// does not know are omitted, as the spec requires.
std::string encode_get_values_result(
    const param_set& query, const std::function<std::optional<std::string>(std::string_view)>& lookup);

/// Calls emit(offset, length) for each record-sized piece of a stream payload of `total` bytes
/// (at most max_content_length each; nothing for total == 0).
template <typename Emit>
void for_each_record_chunk(std::size_t total, Emit&& emit) {
    for (std::size_t offset = 0; offset < total; offset += max_content_length)
        emit(offset, std::min(max_content_length, total - offset));
}

}  // namespace isapi_fcgi::fcgi
