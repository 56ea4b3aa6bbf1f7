#include "fcgi/record_writer.hpp"

#include <algorithm>
#include <cstring>

#include "fcgi/name_value.hpp"

namespace isapi_fcgi::fcgi {

end_request_bytes encode_end_request(std::uint16_t request_id, std::uint32_t app_status,
                                     protocol_status status) noexcept {
    end_request_bytes out{};
    const auto header = encode_header(record_type::end_request, request_id, 8);
    std::copy(header.begin(), header.end(), out.begin());
    out[8] = static_cast<std::byte>(app_status >> 24);
    out[9] = static_cast<std::byte>((app_status >> 16) & 0xff);
    out[10] = static_cast<std::byte>((app_status >> 8) & 0xff);
    out[11] = static_cast<std::byte>(app_status & 0xff);
    out[12] = static_cast<std::byte>(status);
    return out;
}

unknown_type_bytes encode_unknown_type(std::uint8_t type) noexcept {
    unknown_type_bytes out{};
    const auto header = encode_header(record_type::unknown_type, null_request_id, 8);
    std::copy(header.begin(), header.end(), out.begin());
    out[8] = std::byte{type};
    return out;
}

std::string encode_get_values_result(
    const param_set& query, const std::function<std::optional<std::string>(std::string_view)>& lookup) {
    std::string body;
    for (std::size_t i = 0; i < query.size(); ++i) {
        const auto name = query[i].name;
        if (auto value = lookup(name)) {
            if (body.size() + encoded_pair_size(name, *value) > max_content_length) break;
            append_pair(body, name, *value);
        }
    }
    const auto header =
        encode_header(record_type::get_values_result, null_request_id, static_cast<std::uint16_t>(body.size()));
    std::string out(reinterpret_cast<const char*>(header.data()), header.size());
    out += body;
    out.append(padding_for(body.size()), '\0');
    return out;
}

}  // namespace isapi_fcgi::fcgi
