#include "filters/request_head.hpp"

#include <algorithm>

#include "isapi/ascii.hpp"

namespace isapi_fcgi::filters {
namespace {

namespace ascii = isapi::ascii;

using ascii::is_token;

// CR or LF would split the header block the front end rebuilds; NUL would cut it.
bool is_safe_value(std::string_view s) noexcept { return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos; }

bool is_header_param(std::string_view name) noexcept {
    return ascii::istarts_with(name, "HTTP_") || name == "CONTENT_TYPE" || name == "CONTENT_LENGTH";
}

bool is_http_version(std::string_view v) noexcept {
    return v.size() == 8 && v.substr(0, 5) == "HTTP/" && ascii::is_digit(v[5]) && v[6] == '.' && ascii::is_digit(v[7]);
}

}  // namespace

request_head::request_head(const params& request_params) {
    for (const auto& [name, value] : request_params) {
        if (name == "REQUEST_METHOD") {
            method_ = value;
        } else if (name == "REQUEST_URI") {
            url_ = value;
        } else if (name == "SERVER_PROTOCOL") {
            version_ = value;
        } else if (is_header_param(name)) {
            fields_.push_back({std::string(name), std::string(value)});
        }
    }
}

std::optional<std::string> request_head::cgi_name_of(std::string_view header_name) {
    if (header_name.empty() || header_name.back() != ':') return std::nullopt;
    header_name.remove_suffix(1);
    if (!is_token(header_name)) return std::nullopt;
    std::string upper = ascii::to_upper(header_name);
    std::replace(upper.begin(), upper.end(), '-', '_');
    if (upper == "CONTENT_TYPE" || upper == "CONTENT_LENGTH") return upper;
    return "HTTP_" + upper;
}

request_head::pseudo request_head::pseudo_of(std::string_view name) noexcept {
    if (ascii::iequals(name, "method")) return pseudo::method;
    if (ascii::iequals(name, "url")) return pseudo::url;
    if (ascii::iequals(name, "version")) return pseudo::version;
    return pseudo::none;
}

template <typename Fields>
auto* find_field(Fields& fields, std::string_view cgi_name) {
    const auto it = std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.cgi_name == cgi_name; });
    return it == fields.end() ? nullptr : &*it;
}

request_head::field* request_head::find(std::string_view cgi_name) { return find_field(fields_, cgi_name); }

const request_head::field* request_head::find(std::string_view cgi_name) const { return find_field(fields_, cgi_name); }

std::optional<std::string_view> request_head::get(std::string_view name) const {
    switch (pseudo_of(name)) {
        case pseudo::method: return std::string_view(method_);
        case pseudo::url: return std::string_view(url_);
        case pseudo::version: return std::string_view(version_);
        case pseudo::none: break;
    }
    const auto cgi = cgi_name_of(name);
    if (!cgi) return std::nullopt;
    const field* f = find(*cgi);
    if (!f) return std::nullopt;
    return std::string_view(f->value);
}

DWORD request_head::set_pseudo(pseudo which, std::string_view value) {
    switch (which) {
        case pseudo::method:
            if (!is_token(value)) return ERROR_INVALID_PARAMETER;
            method_ = value;
            break;
        case pseudo::url:
            if (value.empty() || value.front() != '/' || !is_safe_value(value) || value.find(' ') != std::string_view::npos)
                return ERROR_INVALID_PARAMETER;
            url_ = value;
            break;
        case pseudo::version:
            if (!is_http_version(value)) return ERROR_INVALID_PARAMETER;
            version_ = value;
            break;
        case pseudo::none: return ERROR_INVALID_PARAMETER;
    }
    changed_ = true;
    return ERROR_SUCCESS;
}

DWORD request_head::set(std::string_view name, std::string_view value) {
    if (const auto which = pseudo_of(name); which != pseudo::none) return set_pseudo(which, value);
    const auto cgi = cgi_name_of(name);
    if (!cgi || !is_safe_value(value)) return ERROR_INVALID_PARAMETER;
    if (value.empty()) {
        std::erase_if(fields_, [&](const field& f) { return f.cgi_name == *cgi; });
    } else if (field* f = find(*cgi)) {
        f->value = value;
    } else {
        fields_.push_back({*cgi, std::string(value)});
    }
    changed_ = true;
    return ERROR_SUCCESS;
}

DWORD request_head::add(std::string_view name, std::string_view value) {
    if (pseudo_of(name) != pseudo::none) return ERROR_INVALID_PARAMETER;
    const auto cgi = cgi_name_of(name);
    if (!cgi || value.empty() || !is_safe_value(value)) return ERROR_INVALID_PARAMETER;
    if (field* f = find(*cgi)) {
        f->value += *cgi == "HTTP_COOKIE" ? "; " : ", ";
        f->value += value;
    } else {
        fields_.push_back({*cgi, std::string(value)});
    }
    changed_ = true;
    return ERROR_SUCCESS;
}

std::vector<std::pair<std::string, std::string>> request_head::to_params(const params& original) const {
    std::vector<std::pair<std::string, std::string>> out;
    out.reserve(original.size() + fields_.size());
    for (const auto& [name, value] : original) {
        if (is_header_param(name) || name == "REQUEST_METHOD" || name == "REQUEST_URI" || name == "QUERY_STRING"
            || name == "SERVER_PROTOCOL")
            continue;
        out.emplace_back(name, value);
    }
    out.emplace_back("REQUEST_METHOD", method_);
    out.emplace_back("REQUEST_URI", url_);
    const auto question = url_.find('?');
    out.emplace_back("QUERY_STRING", question == std::string::npos ? std::string() : url_.substr(question + 1));
    out.emplace_back("SERVER_PROTOCOL", version_);
    for (const auto& f : fields_) out.emplace_back(f.cgi_name, f.value);
    return out;
}

}  // namespace isapi_fcgi::filters
