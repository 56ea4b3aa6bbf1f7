#include "isapi/exec_url.hpp"

#include <charconv>
#include <set>
#include <string_view>
#include <vector>

#include "fcgi/name_value.hpp"
#include "isapi/ascii.hpp"

namespace isapi_fcgi::isapi {
namespace {

/// "Content-Type" -> "HTTP_CONTENT_TYPE".
std::string http_param_of(std::string_view header) {
    std::string name = "HTTP_";
    for (char c : header) name += c == '-' ? '_' : ascii::to_upper(c);
    return name;
}

/// Header lines as (param name, value); lines without a name or a colon are skipped.
std::vector<std::pair<std::string, std::string>> header_params(std::string_view text) {
    std::vector<std::pair<std::string, std::string>> out;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) break;  // the blank line ends the block
        const std::size_t colon = line.find(':');
        const std::string_view name = ascii::trim(line.substr(0, colon));
        if (colon == std::string_view::npos || !ascii::is_token(name)) continue;
        out.emplace_back(http_param_of(name), std::string(ascii::trim(line.substr(colon + 1))));
    }
    return out;
}

}  // namespace

fcgi::param_set child_params(const fcgi::param_set& parent, const exec_url_request& child,
                             std::optional<std::uint64_t> unread_body) {
    std::vector<std::pair<std::string, std::string>> params;
    static const std::set<std::string_view> replaced{
        "REQUEST_URI", "SCRIPT_NAME", "QUERY_STRING", "PATH_INFO", "DOCUMENT_URI", "PATH_TRANSLATED",
        "SCRIPT_FILENAME", "REQUEST_METHOD", "CONTENT_LENGTH"};
    const bool new_headers = child.headers.has_value();
    for (std::size_t i = 0; i < parent.size(); ++i) {
        const auto p = parent[i];
        if (replaced.count(p.name)) continue;
        if (new_headers && (p.name.starts_with("HTTP_") || p.name == "CONTENT_TYPE")) continue;
        if (child.user && p.name == "REMOTE_USER") continue;
        if (child.auth_type && p.name == "AUTH_TYPE") continue;
        params.emplace_back(p.name, p.value);
    }
    const std::string url = child.url ? *child.url : std::string(parent.get("REQUEST_URI"));
    const std::size_t query = url.find('?');
    params.emplace_back("REQUEST_URI", url);
    params.emplace_back("SCRIPT_NAME", url.substr(0, query));
    params.emplace_back("QUERY_STRING", query == std::string::npos ? std::string() : url.substr(query + 1));
    params.emplace_back("REQUEST_METHOD", child.method ? *child.method : std::string(parent.get("REQUEST_METHOD")));
    if (new_headers) {
        for (auto& [name, value] : header_params(*child.headers)) {
            if (name == "HTTP_CONTENT_TYPE") params.emplace_back("CONTENT_TYPE", value);
            params.emplace_back(std::move(name), std::move(value));
        }
    }
    if (child.entity) params.emplace_back("CONTENT_LENGTH", std::to_string(child.entity->size()));
    else params.emplace_back("CONTENT_LENGTH", unread_body ? std::to_string(*unread_body) : std::string());
    if (child.user) params.emplace_back("REMOTE_USER", *child.user);
    if (child.auth_type) params.emplace_back("AUTH_TYPE", *child.auth_type);

    std::string stream;
    for (const auto& [name, value] : params) fcgi::append_pair(stream, name, value);
    fcgi::param_set out;
    fcgi::param_set::parse(std::move(stream), out);  // well-formed by construction
    return out;
}

unsigned status_of_header_block(std::string_view block) {
    while (!block.empty()) {
        const std::size_t end = block.find('\n');
        std::string_view line = block.substr(0, end);
        block = end == std::string_view::npos ? std::string_view() : block.substr(end + 1);
        if (!ascii::istarts_with(line, "Status:")) continue;
        line = ascii::trim(line.substr(7));
        unsigned status = 0;
        const auto [ptr, ec] = std::from_chars(line.data(), line.data() + line.size(), status);
        if (ec == std::errc() && status >= 100 && status <= 999) return status;
    }
    return 200;
}

}  // namespace isapi_fcgi::isapi
