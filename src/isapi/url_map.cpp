#include "isapi/url_map.hpp"

#include <optional>
#include <stdexcept>
#include <vector>

#include "fcgi/param_set.hpp"
#include "isapi/ascii.hpp"
#include "isapi/percent_decoding.hpp"

namespace isapi_fcgi::isapi {
namespace {

struct segment {
    std::string decoded;
    std::string_view raw;
    bool encoded_separator = false;  // "%2F" or "%5C": not a path separator for the client
};

struct normalized_path {
    std::vector<segment> segments;
    bool trailing_slash = false;
};

/// The path of a REQUEST_URI: query and fragment cut, an absolute-form target reduced to its path.
std::string_view request_uri_path(std::string_view uri) {
    uri = uri.substr(0, uri.find_first_of("?#"));
    if (ascii::istarts_with(uri, "http://") || ascii::istarts_with(uri, "https://")) {
        const std::size_t authority = uri.find("//") + 2;
        const std::size_t slash = uri.find('/', authority);
        return slash == std::string_view::npos ? std::string_view("/") : uri.substr(slash);
    }
    return uri;
}

bool has_encoded_separator(std::string_view raw) {
    for (std::size_t i = 0; i + 2 < raw.size(); ++i) {
        if (raw[i] != '%') continue;
        const char a = raw[i + 1];
        const char b = ascii::to_lower(raw[i + 2]);
        if ((a == '2' && b == 'f') || (a == '5' && b == 'c')) return true;
    }
    return false;
}

/// Splits, decodes (when `encoded`), merges empty segments and resolves dot segments. Above the
/// root, ".." stays at the root (RFC 3986 §5.2.4). Returns a reason on bad input.
std::optional<std::string> normalize(std::string_view path, bool encoded, normalized_path& out) {
    std::size_t start = 1;  // path[0] == '/'
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        const bool last = end == path.size();
        const std::string_view raw = path.substr(start, end - start);
        start = end + 1;
        if (raw.empty()) {
            if (last) out.trailing_slash = true;
            continue;
        }
        segment seg;
        seg.raw = raw;
        if (!encoded) {
            seg.decoded = raw;
        } else if (!percent_decode(raw, seg.decoded)) {
            return "invalid percent-encoding in the path";
        }
        if (seg.decoded.find('\0') != std::string::npos) return "NUL in the path";
        if (seg.decoded == "." || seg.decoded == "..") {
            if (seg.decoded == ".." && !out.segments.empty()) out.segments.pop_back();
            out.trailing_slash = last;
            continue;
        }
        seg.encoded_separator = encoded && has_encoded_separator(raw);
        out.segments.push_back(std::move(seg));
        out.trailing_slash = false;
    }
    return std::nullopt;
}

/// A '/' or '\' that came from an encoded separator (or a backslash, which Windows code treats
/// as a separator) can form "." or ".." segments that normalisation never saw.
bool has_hidden_dot_segment(std::string_view path_info) {
    std::size_t start = 0;
    while (start <= path_info.size()) {
        std::size_t end = path_info.find_first_of("/\\", start);
        if (end == std::string_view::npos) end = path_info.size();
        const std::string_view piece = path_info.substr(start, end - start);
        if (piece == "." || piece == "..") return true;
        start = end + 1;
    }
    return false;
}

url_map_result bad_request(std::string reason) {
    url_map_result r;
    r.status = url_map_status::bad_request;
    r.reason = std::move(reason);
    return r;
}

}  // namespace

std::string url_map::fold(std::string_view s) const {
    return options_.case_sensitive ? std::string(s) : ascii::to_lower(s);
}

void url_map::add(std::string_view url_path, std::size_t extension) {
    const std::string shown(url_path);
    if (url_path.empty() || url_path.front() != '/')
        throw std::invalid_argument("url path '" + shown + "' does not start with '/'");
    if (url_path.find_first_of(std::string_view("%\\\0", 3)) != std::string_view::npos)
        throw std::invalid_argument("url path '" + shown + "' contains '%', '\\' or a NUL");
    normalized_path normalized;
    if (auto reason = normalize(url_path, false, normalized))
        throw std::invalid_argument("url path '" + shown + "': " + *reason);
    std::string key;
    for (const auto& seg : normalized.segments) key += '/' + fold(seg.decoded);
    if (!routes_.emplace(key, extension).second)
        throw std::invalid_argument("url path '" + shown + "' is configured twice");
}

url_map_result url_map::map(std::optional<std::string_view> request_uri,
                            std::string_view script_name, std::string_view path_info) const {
    if (request_uri && !request_uri->empty()) {
        url_map_result r = map_path(request_uri_path(*request_uri), true);
        if (r.status != url_map_status::not_found) {
            r.match.from_request_uri = true;
            return r;
        }
    }
    // Apache in some modes repeats PATH_INFO at the end of SCRIPT_NAME; do not count it twice.
    const bool repeated = !path_info.empty() && script_name.size() > path_info.size() &&
                          script_name.ends_with(path_info);
    const std::string joined = std::string(script_name) + std::string(repeated ? "" : path_info);
    return map_path(joined, false);
}

url_map_result url_map::map(const fcgi::param_set& params) const {
    auto request_uri = params.find("REQUEST_URI");
    // nginx keeps the client's REQUEST_URI across an internal redirect (X-Accel-Redirect,
    // error_page, rewrite ... last) and sends the URI it now serves as DOCUMENT_URI: when the
    // two disagree, the request is for the latter.
    if (const auto document_uri = params.find("DOCUMENT_URI"); request_uri && document_uri && !document_uri->empty()) {
        normalized_path normalized;
        const std::string_view path = request_uri_path(*request_uri);
        if (!path.starts_with('/') || normalize(path, true, normalized)) return map(request_uri, params.get("SCRIPT_NAME"), params.get("PATH_INFO"));
        std::string decoded;
        for (const auto& seg : normalized.segments) decoded += '/' + seg.decoded;
        if (decoded.empty() || normalized.trailing_slash) decoded += '/';
        if (decoded != *document_uri) request_uri.reset();
    }
    return map(request_uri, params.get("SCRIPT_NAME"), params.get("PATH_INFO"));
}

url_map_result url_map::map_path(std::string_view path, bool encoded) const {
    url_map_result result;
    if (path.empty() || path.front() != '/') return result;  // "*" (OPTIONS) and the like
    normalized_path normalized;
    if (auto reason = normalize(path, encoded, normalized)) return bad_request(std::move(*reason));

    const auto& segments = normalized.segments;
    std::string joined;
    std::vector<std::size_t> ends{0};
    for (const auto& seg : segments) {
        joined += '/' + fold(seg.decoded);
        ends.push_back(joined.size());
    }
    for (std::size_t k = segments.size() + 1; k-- > 0;) {
        const auto it = routes_.find(std::string_view(joined).substr(0, ends[k]));
        if (it == routes_.end()) continue;

        url_match& m = result.match;
        m.extension = it->second;
        for (std::size_t i = 0; i < k; ++i) {
            if (segments[i].encoded_separator)
                return bad_request("encoded '/' or '\\' in the script part of the path");
            m.script_name += '/' + segments[i].decoded;
            m.raw_script_name += '/';
            m.raw_script_name += segments[i].raw;
        }
        for (std::size_t i = k; i < segments.size(); ++i) m.path_info += '/' + segments[i].decoded;
        if (normalized.trailing_slash) m.path_info += '/';
        if (has_hidden_dot_segment(m.path_info))
            return bad_request("encoded separator or backslash forms a dot segment in PATH_INFO");
        result.status = url_map_status::matched;
        return result;
    }
    return result;
}

}  // namespace isapi_fcgi::isapi
