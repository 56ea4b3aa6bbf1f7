#include "isapi/server_variables.hpp"

#include <array>
#include <cstring>
#include <limits>

#include "fcgi/param_set.hpp"
#include "isapi/ascii.hpp"

namespace isapi_fcgi::isapi {
namespace {

constexpr std::string_view http_prefix = "HTTP_";
constexpr std::string_view header_prefix = "HEADER_";
constexpr std::string_view unicode_prefix = "UNICODE_";

/// Header names whose conventional spelling is not title case.
void append_utf16(std::string& out, std::uint32_t unit) {
    out += static_cast<char>(unit & 0xffu);
    out += static_cast<char>((unit >> 8) & 0xffu);
}

void append_code_point(std::string& out, std::uint32_t cp) {
    if (cp < 0x10000) {
        append_utf16(out, cp);
        return;
    }
    cp -= 0x10000;
    append_utf16(out, 0xd800 + (cp >> 10));
    append_utf16(out, 0xdc00 + (cp & 0x3ff));
}

/// "HEADER_X-Foo" / "HTTP_X_FOO" suffix -> the param name "HTTP_X_FOO".
std::string http_param_name(std::string_view header) {
    std::string name(http_prefix);
    for (char c : header) name += c == '-' ? '_' : ascii::to_upper(c);
    return name;
}

}  // namespace

copy_status copy_variable(std::string_view value, char* buffer, std::uint32_t* size,
                          std::uint32_t terminator_bytes) noexcept {
    if (size == nullptr) return copy_status::invalid_parameter;
    const std::uint64_t needed = std::uint64_t{value.size()} + terminator_bytes;
    if (needed > std::numeric_limits<std::uint32_t>::max()) {
        *size = std::numeric_limits<std::uint32_t>::max();
        return copy_status::insufficient_buffer;
    }
    if (buffer == nullptr || *size < needed) {
        *size = static_cast<std::uint32_t>(needed);
        return copy_status::insufficient_buffer;
    }
    if (!value.empty()) std::memcpy(buffer, value.data(), value.size());
    std::memset(buffer + value.size(), 0, terminator_bytes);
    *size = static_cast<std::uint32_t>(needed);
    return copy_status::ok;
}

std::string to_utf16le(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size() * 2);
    for (std::size_t i = 0; i < utf8.size();) {
        const auto lead = static_cast<unsigned char>(utf8[i]);
        std::size_t length = 0;
        std::uint32_t cp = 0;
        if (lead < 0x80) {
            length = 1;
            cp = lead;
        } else if ((lead & 0xe0) == 0xc0) {
            length = 2;
            cp = lead & 0x1fu;
        } else if ((lead & 0xf0) == 0xe0) {
            length = 3;
            cp = lead & 0x0fu;
        } else if ((lead & 0xf8) == 0xf0) {
            length = 4;
            cp = lead & 0x07u;
        }
        bool valid = length != 0 && i + length <= utf8.size();
        for (std::size_t k = 1; valid && k < length; ++k) {
            const auto next = static_cast<unsigned char>(utf8[i + k]);
            valid = (next & 0xc0) == 0x80;
            cp = (cp << 6) | (next & 0x3fu);
        }
        static constexpr std::array<std::uint32_t, 5> min_for_length = {0, 0, 0x80, 0x800, 0x10000};
        valid = valid && cp >= min_for_length[length] && cp <= 0x10ffff &&
                !(cp >= 0xd800 && cp <= 0xdfff);
        if (!valid) {
            append_utf16(out, 0xfffd);
            ++i;
            continue;
        }
        append_code_point(out, cp);
        i += length;
    }
    return out;
}

server_variables::server_variables(const fcgi::param_set& params, const url_match& match,
                                   const server_variables_config& config, bool body_length_unknown)
    : sources_{params, match, config, body_length_unknown} {}

std::string_view server_variables::method() const { return sources_.params.get("REQUEST_METHOD"); }
std::string_view server_variables::query_string() const { return sources_.params.get("QUERY_STRING"); }

std::string_view server_variables::content_type() const {
    const std::string_view v = sources_.params.get("CONTENT_TYPE");
    return v.empty() ? sources_.params.get("HTTP_CONTENT_TYPE") : v;
}

std::optional<std::string> server_variables::find(std::string_view name) const {
    const std::string upper = ascii::to_upper(name);
    if (upper.starts_with(unicode_prefix)) return std::nullopt;
    if (auto v = sources_.overridden(upper)) return v;
    if (const auto* known = find_server_variable(upper)) return known->value(sources_);
    if (upper.starts_with(http_prefix) && upper.size() > http_prefix.size())
        return find_header(http_param_name(std::string_view(upper).substr(http_prefix.size())));
    if (upper.starts_with(header_prefix)) {
        const std::string_view header = name.substr(header_prefix.size());
        if (!ascii::is_token(header) || header.find('_') != std::string_view::npos)
            return std::nullopt;
        return find_header(http_param_name(header));
    }
    const auto& params = sources_.params;
    if (auto v = params.find(name)) return std::string(*v);
    if (auto v = params.find(upper)) return std::string(*v);
    return std::nullopt;
}

std::optional<std::string> server_variables::find_header(std::string_view http_name) const {
    const auto& params = sources_.params;
    if (auto v = params.find(http_name)) return std::string(*v);
    // Apache moves these two out of HTTP_*; IIS still answers them as headers.
    for (const std::string_view cgi : {std::string_view("CONTENT_TYPE"), std::string_view("CONTENT_LENGTH")}) {
        if (http_name.substr(http_prefix.size()) != cgi) continue;
        const std::string_view v = params.get(cgi);
        if (!v.empty()) return std::string(v);
    }
    return std::nullopt;
}

std::optional<std::string> server_variables::find_unicode(std::string_view name) const {
    const std::string_view inner = name.substr(unicode_prefix.size());
    if (ascii::istarts_with(inner, http_prefix) || ascii::istarts_with(inner, header_prefix) ||
        ascii::istarts_with(inner, unicode_prefix))
        return std::nullopt;
    auto v = find(inner);
    if (!v) return std::nullopt;
    return to_utf16le(*v);
}

copy_status server_variables::copy(const char* name, char* buffer, std::uint32_t* size) const {
    if (name == nullptr || size == nullptr) return copy_status::invalid_parameter;
    const std::string_view n(name);
    if (ascii::istarts_with(n, unicode_prefix)) {
        const auto v = find_unicode(n);
        return v ? copy_variable(*v, buffer, size, 2) : copy_status::invalid_index;
    }
    const auto v = find(n);
    return v ? copy_variable(*v, buffer, size) : copy_status::invalid_index;
}

}  // namespace isapi_fcgi::isapi
