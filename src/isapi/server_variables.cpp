#include "isapi/server_variables.hpp"

#include <array>
#include <cstring>
#include <limits>

#include "fcgi/param_set.hpp"
#include "isapi/ascii.hpp"
#include "isapi/base64.hpp"
#include "isapi/path_mapping.hpp"

namespace isapi_fcgi::isapi {
namespace {

constexpr std::string_view http_prefix = "HTTP_";
constexpr std::string_view header_prefix = "HEADER_";
constexpr std::string_view unicode_prefix = "UNICODE_";

/// Header names whose conventional spelling is not title case.
constexpr std::array<std::string_view, 22> irregular_header_names = {
    "DNT", "TE", "WWW-Authenticate", "Content-MD5", "Content-ID", "ETag", "SOAPAction",
    "X-ATT-DeviceId", "X-UIDH", "X-CSRF-Token", "X-XSRF-TOKEN", "X-HTTP-Method-Override",
    "X-Real-IP", "X-Request-ID", "X-Correlation-ID", "X-WAP-Profile", "Sec-WebSocket-Key",
    "Sec-WebSocket-Version", "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol",
    "Sec-CH-UA", "Sec-CH-UA-Mobile",
};

/// Header values end up inside line-oriented blocks; a stray CR, LF or NUL would split a line.
void append_sanitised(std::string& out, std::string_view value) {
    for (char c : value) out += (c == '\r' || c == '\n' || c == '\0') ? ' ' : c;
}

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

std::string header_name_from_param(std::string_view http_param_name) {
    std::string_view rest = http_param_name;
    if (rest.starts_with(http_prefix)) rest.remove_prefix(http_prefix.size());
    std::string name;
    name.reserve(rest.size());
    bool word_start = true;
    for (char c : rest) {
        if (c == '_' || c == '-') {
            name += '-';
            word_start = true;
            continue;
        }
        name += word_start ? ascii::to_upper(c) : ascii::to_lower(c);
        word_start = false;
    }
    for (const auto irregular : irregular_header_names)
        if (ascii::iequals(irregular, name)) return std::string(irregular);
    return name;
}

server_variables::server_variables(const fcgi::param_set& params, const url_match& match,
                                   const server_variables_config& config, bool body_length_unknown)
    : params_(params), match_(match), config_(config), body_length_unknown_(body_length_unknown) {}

std::string server_variables::param(std::string_view name) const {
    return std::string(params_.get(name));
}

bool server_variables::https() const {
    const std::string_view v = params_.get("HTTPS");
    return ascii::iequals(v, "on") || v == "1";
}

std::string_view server_variables::method() const { return params_.get("REQUEST_METHOD"); }
std::string_view server_variables::query_string() const { return params_.get("QUERY_STRING"); }

std::string_view server_variables::content_type() const {
    const std::string_view v = params_.get("CONTENT_TYPE");
    return v.empty() ? params_.get("HTTP_CONTENT_TYPE") : v;
}

std::string server_variables::document_root() const {
    const std::string_view root =
        config_.document_root.empty() ? params_.get("DOCUMENT_ROOT") : config_.document_root;
    return root.empty() ? std::string() : normalize_document_root(root);
}

std::string server_variables::path_translated() const {
    const std::string root = document_root();
    if (root.empty()) return param("PATH_TRANSLATED");
    auto mapped = map_url_to_path(root, match_.path_info);
    return mapped.error == path_mapping_error::none ? std::move(mapped.value.path) : std::string();
}

std::optional<std::string> server_variables::find(std::string_view name) const {
    const std::string upper = ascii::to_upper(name);
    if (upper.starts_with(unicode_prefix)) return std::nullopt;
    if (auto v = find_catalogue(upper)) return v;
    if (upper.starts_with(http_prefix) && upper.size() > http_prefix.size())
        return find_header(http_param_name(std::string_view(upper).substr(http_prefix.size())));
    if (upper.starts_with(header_prefix)) {
        const std::string_view header = name.substr(header_prefix.size());
        if (!ascii::is_token(header) || header.find('_') != std::string_view::npos)
            return std::nullopt;
        return find_header(http_param_name(header));
    }
    if (auto v = params_.find(name)) return std::string(*v);
    if (auto v = params_.find(upper)) return std::string(*v);
    return std::nullopt;
}

std::optional<std::string> server_variables::find_header(std::string_view http_name) const {
    if (auto v = params_.find(http_name)) return std::string(*v);
    // Apache moves these two out of HTTP_*; IIS still answers them as headers.
    for (const std::string_view cgi : {std::string_view("CONTENT_TYPE"), std::string_view("CONTENT_LENGTH")}) {
        if (http_name.substr(http_prefix.size()) != cgi) continue;
        const std::string_view v = params_.get(cgi);
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

std::string server_variables::all_http() const {
    const std::string_view eol = config_.all_http_crlf ? "\r\n" : "\n";
    std::string out;
    auto line = [&](std::string_view name, std::string_view value) {
        out += name;
        out += ':';
        append_sanitised(out, value);
        out += eol;
    };
    for (std::size_t i = 0; i < params_.size(); ++i) {
        const auto p = params_[i];
        if (p.name.size() > http_prefix.size() && p.name.starts_with(http_prefix))
            line(p.name, p.value);
    }
    for (const std::string_view cgi : {std::string_view("CONTENT_TYPE"), std::string_view("CONTENT_LENGTH")}) {
        const std::string http_name = std::string(http_prefix) + std::string(cgi);
        const std::string_view v = params_.get(cgi);
        if (!v.empty() && !params_.find(http_name)) line(http_name, v);
    }
    return out;
}

std::string server_variables::all_raw() const {
    std::string out;
    auto line = [&](std::string_view param_name, std::string_view value) {
        out += header_name_from_param(param_name);
        out += ": ";
        append_sanitised(out, value);
        out += "\r\n";
    };
    for (std::size_t i = 0; i < params_.size(); ++i) {
        const auto p = params_[i];
        if (p.name.size() > http_prefix.size() && p.name.starts_with(http_prefix))
            line(p.name, p.value);
    }
    for (const std::string_view cgi : {std::string_view("CONTENT_TYPE"), std::string_view("CONTENT_LENGTH")}) {
        const std::string http_name = std::string(http_prefix) + std::string(cgi);
        const std::string_view v = params_.get(cgi);
        if (!v.empty() && !params_.find(http_name)) line(http_name, v);
    }
    return out;
}

std::optional<std::string> server_variables::find_catalogue(const std::string& n) const {
    auto is = [&n](std::string_view candidate) { return n == candidate; };
    auto any = [&n](std::initializer_list<std::string_view> names) {
        for (const auto candidate : names)
            if (n == candidate) return true;
        return false;
    };
    // CGI/1.1 variables.
    if (is("REQUEST_METHOD") || is("HTTP_METHOD")) return std::string(method());
    if (is("QUERY_STRING")) return std::string(query_string());
    if (is("CONTENT_TYPE")) return std::string(content_type());
    if (is("CONTENT_LENGTH")) {
        const std::string_view v = params_.get("CONTENT_LENGTH");
        if (!v.empty()) return std::string(v);
        return std::string(body_length_unknown_ ? "" : "0");
    }
    if (is("SCRIPT_NAME")) return match_.script_name;
    if (any({"PATH_INFO", "URL_PATH_INFO"})) return match_.path_info;
    if (is("PATH_TRANSLATED")) return path_translated();
    if (is("URL")) return match_.url();
    if (is("REMOTE_ADDR")) return param("REMOTE_ADDR");
    if (is("REMOTE_HOST")) {
        const std::string_view host = params_.get("REMOTE_HOST");
        return std::string(host.empty() ? params_.get("REMOTE_ADDR") : host);
    }
    if (is("REMOTE_PORT")) return param("REMOTE_PORT");
    if (any({"REMOTE_USER", "AUTH_USER", "LOGON_USER", "UNMAPPED_REMOTE_USER"}))
        return param("REMOTE_USER");
    if (is("AUTH_TYPE")) {
        const std::string_view type = params_.get("AUTH_TYPE");
        if (!type.empty() || params_.get("REMOTE_USER").empty()) return std::string(type);
        // The front end authenticated the user but did not say how: the Authorization scheme.
        const std::string_view auth = ascii::trim(params_.get("HTTP_AUTHORIZATION"));
        return std::string(auth.substr(0, auth.find(' ')));
    }
    if (is("AUTH_PASSWORD")) {
        // Only for a user the front end authenticated with Basic, as IIS does.
        const std::string_view auth = ascii::trim(params_.get("HTTP_AUTHORIZATION"));
        if (params_.get("REMOTE_USER").empty() || !ascii::istarts_with(auth, "Basic "))
            return std::string();
        const auto decoded = base64_decode(ascii::trim(auth.substr(6)));
        const std::size_t colon = decoded ? decoded->find(':') : std::string::npos;
        return colon == std::string::npos ? std::string() : decoded->substr(colon + 1);
    }
    if (is("GATEWAY_INTERFACE")) {
        const std::string_view v = params_.get("GATEWAY_INTERFACE");
        return std::string(v.empty() ? "CGI/1.1" : v);
    }
    if (is("SERVER_NAME")) {
        const std::string_view v = params_.get("SERVER_NAME");
        if (!v.empty()) return std::string(v);
        const std::string_view host = params_.get("HTTP_HOST");
        if (host.starts_with('[')) return std::string(host.substr(0, host.find(']') + 1));
        return std::string(host.substr(0, host.find(':')));
    }
    if (is("SERVER_PORT")) return param("SERVER_PORT");
    if (any({"SERVER_PROTOCOL", "HTTP_VERSION"})) {
        const std::string_view v = params_.get("SERVER_PROTOCOL");
        return std::string(v.empty() ? "HTTP/1.1" : v);
    }
    if (is("SERVER_SOFTWARE")) {
        if (!config_.server_software.empty()) return config_.server_software;
        const std::string_view v = params_.get("SERVER_SOFTWARE");
        return std::string(v.empty() ? "isapi-fcgi" : v);
    }
    if (is("HTTPS")) return std::string(https() ? "on" : "off");
    if (is("SERVER_PORT_SECURE")) return std::string(https() ? "1" : "0");
    // IIS additions.
    if (any({"HTTP_URL", "UNENCODED_URL"})) {
        if (auto uri = params_.find("REQUEST_URI"); uri && !uri->empty()) return std::string(*uri);
        const std::string_view q = query_string();
        return match_.url() + (q.empty() ? "" : "?" + std::string(q));
    }
    if (is("LOCAL_ADDR")) return param("SERVER_ADDR");
    if (is("DOCUMENT_ROOT")) return document_root();
    if (is("APPL_PHYSICAL_PATH")) return appl_physical_path(document_root());
    if (is("APPL_MD_PATH")) return config_.appl_md_path;
    if (is("APP_POOL_ID")) return config_.app_pool_id;
    if (is("INSTANCE_ID")) return config_.instance_id;
    if (is("INSTANCE_META_PATH")) return "/LM/W3SVC/" + config_.instance_id;
    if (is("SCRIPT_TRANSLATED")) {
        if (auto f = params_.find("SCRIPT_FILENAME"); f && !f->empty()) return std::string(*f);
        const std::string root = document_root();
        if (root.empty()) return std::string();
        auto mapped = map_url_to_path(root, match_.script_name);
        return mapped.error == path_mapping_error::none ? mapped.value.path : std::string();
    }
    if (is("ALL_HTTP")) return all_http();
    if (is("ALL_RAW")) return all_raw();
    // Certificate variables: "" on plain requests, as IIS answers anonymous HTTP (ISAPI.md
    // appendix 4); filled from mod_ssl-style params when the front end forwards them.
    if (any({"CERT_SUBJECT"})) return param("SSL_CLIENT_S_DN");
    if (any({"CERT_ISSUER"})) return param("SSL_CLIENT_I_DN");
    if (any({"CERT_SERIALNUMBER"})) return param("SSL_CLIENT_M_SERIAL");
    if (any({"CERT_KEYSIZE", "HTTPS_KEYSIZE"})) return param("SSL_CIPHER_USEKEYSIZE");
    if (any({"CERT_SERVER_SUBJECT", "HTTPS_SERVER_SUBJECT"})) return param("SSL_SERVER_S_DN");
    if (any({"CERT_SERVER_ISSUER", "HTTPS_SERVER_ISSUER"})) return param("SSL_SERVER_I_DN");
    if (is("CERT_FLAGS")) {
        const std::string_view verify = params_.get("SSL_CLIENT_VERIFY");
        if (verify == "SUCCESS") return std::string("1");
        if (verify.starts_with("FAILED") || verify == "GENEROUS") return std::string("3");
        return std::string();
    }
    if (any({"CERT_COOKIE", "CERT_SECRETKEYSIZE", "HTTPS_SECRETKEYSIZE"})) return std::string();
    return std::nullopt;
}

}  // namespace isapi_fcgi::isapi
