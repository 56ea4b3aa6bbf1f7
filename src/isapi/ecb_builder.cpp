#include "isapi/ecb_builder.hpp"

#include <algorithm>
#include <charconv>

namespace isapi_fcgi::isapi {

std::optional<std::uint64_t> declared_body_length(std::string_view text) noexcept {
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value >= unknown_body_length)
        return std::nullopt;
    return value;
}

std::size_t read_ahead_target(std::optional<std::uint64_t> declared, std::size_t upload_read_ahead) noexcept {
    return declared ? static_cast<std::size_t>(std::min<std::uint64_t>(*declared, upload_read_ahead))
                    : upload_read_ahead;
}

DWORD total_bytes(std::optional<std::uint64_t> declared, std::size_t read_ahead, bool body_ended) noexcept {
    if (declared) return static_cast<DWORD>(*declared);
    return body_ended && read_ahead == 0 ? 0 : unknown_body_length;
}

ecb_strings ecb_strings_of(const server_variables& variables) {
    return {std::string(variables.method()), std::string(variables.query_string()), variables.path_info(),
            variables.path_translated(), std::string(variables.content_type())};
}

void build_ecb(EXTENSION_CONTROL_BLOCK& ecb, ecb_strings& strings, std::vector<BYTE>& read_ahead, HCONN conn_id,
               DWORD total) {
    ecb = EXTENSION_CONTROL_BLOCK{};  // lpszLogData zeroed
    ecb.cbSize = sizeof(ecb);
    ecb.dwVersion = MAKELONG(HSE_VERSION_MINOR, HSE_VERSION_MAJOR);
    ecb.ConnID = conn_id;
    ecb.dwHttpStatusCode = 200;
    ecb.lpszMethod = strings.method.data();
    ecb.lpszQueryString = strings.query.data();
    ecb.lpszPathInfo = strings.path_info.data();
    ecb.lpszPathTranslated = strings.path_translated.data();
    ecb.lpszContentType = strings.content_type.data();
    ecb.cbTotalBytes = total;
    ecb.cbAvailable = static_cast<DWORD>(read_ahead.size() - 1);
    ecb.lpbData = read_ahead.data();
}

}  // namespace isapi_fcgi::isapi
