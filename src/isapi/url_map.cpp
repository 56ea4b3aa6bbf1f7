#include "isapi/url_map.hpp"

#include <algorithm>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "fcgi/param_set.hpp"
#include "isapi/ascii.hpp"
#include "isapi/percent_decoding.hpp"

namespace isapi_fcgi::isapi {
namespace {

struct segment {
    std::string_view decoded;  // into the path itself, or into normalized_path::decoded_storage
    std::string_view raw;
    bool encoded_separator = false;  // "%2F" or "%5C": not a path separator for the client
};

// Inline capacities cover every ordinary URL, so the common path allocates nothing here.
constexpr std::size_t inline_segments = 16;
constexpr std::size_t inline_path_bytes = 256;

struct normalized_path {
    boost::container::small_vector<segment, inline_segments> segments;
    bool trailing_slash = false;
    /// No decoding, no empty or dot segment: the segments, '/'-joined, are the path itself
    /// (without a trailing slash), so nothing needs to be rebuilt from them.
    bool plain = true;
    std::string decoded_storage;  // reserved once to the path's size: views into it stay valid
};

/// The path of a REQUEST_URI: query and fragment cut, an absolute-form target reduced to its path.
std::string_view request_uri_path(std::string_view uri) {
    // Two memchr scans: find_first_of would call memchr over its set once per character.
    uri = uri.substr(0, uri.find('?'));
    uri = uri.substr(0, uri.find('#'));
    if (uri.starts_with('/')) return uri;  // origin form, nearly every request
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
/// root, ".." stays at the root (RFC 3986 §5.2.4). Returns a reason on bad input. Segments
/// without a '%' are views into `path`, which must outlive `out`.
std::optional<std::string> normalize(std::string_view path, bool encoded, normalized_path& out) {
    if (encoded && path.find('%') != std::string_view::npos) out.decoded_storage.reserve(path.size());
    std::size_t start = 1;  // path[0] == '/'
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        const bool last = end == path.size();
        const std::string_view raw = path.substr(start, end - start);
        start = end + 1;
        if (raw.empty()) {
            if (last) {
                out.trailing_slash = true;
            } else {
                out.plain = false;
            }
            continue;
        }
        segment seg;
        seg.raw = raw;
        if (!encoded || raw.find('%') == std::string_view::npos) {
            seg.decoded = raw;
        } else {
            out.plain = false;
            const std::size_t from = out.decoded_storage.size();
            if (!percent_decode(raw, out.decoded_storage)) return "invalid percent-encoding in the path";
            seg.decoded = std::string_view(out.decoded_storage).substr(from);
            seg.encoded_separator = has_encoded_separator(raw);
        }
        if (seg.decoded.find('\0') != std::string_view::npos) return "NUL in the path";
        if (seg.decoded == "." || seg.decoded == "..") {
            out.plain = false;
            if (seg.decoded == ".." && !out.segments.empty()) out.segments.pop_back();
            out.trailing_slash = last;
            continue;
        }
        out.segments.push_back(seg);
        out.trailing_slash = false;
    }
    return std::nullopt;
}

/// "/a/b" from the segments (no trailing slash), folded when `fold` is set, into `out`: sized
/// once, then each segment copied (a byte at a time only when folding).
template <typename Buffer>
void join_segments(const normalized_path& normalized, bool fold, Buffer& out) {
    std::size_t size = out.size();
    for (const auto& seg : normalized.segments) size += 1 + seg.decoded.size();
    const std::size_t from = out.size();
    out.resize(size, boost::container::default_init);
    char* p = out.data() + from;
    for (const auto& seg : normalized.segments) {
        *p++ = '/';
        if (fold) {
            for (const char c : seg.decoded) *p++ = ascii::to_lower(c);
        } else {
            std::memcpy(p, seg.decoded.data(), seg.decoded.size());
            p += seg.decoded.size();
        }
    }
}

/// A path normalisation would leave as it is (no '%' to decode when `encoded`, no NUL, no empty
/// or dot segment but a trailing slash), read in one pass: `joined` gets the path without its
/// trailing slash, folded when `fold` is set, and `ends` the end of each segment in it, as
/// normalize and join_segments would give them. False, both partly filled, for any other path.
template <typename Joined, typename Ends>
bool scan_plain_path(std::string_view path, bool encoded, bool fold, Joined& joined, Ends& ends) {
    const std::size_t size = path.ends_with('/') ? path.size() - 1 : path.size();  // path[0] == '/'
    joined.resize(size, boost::container::default_init);
    char* const out = joined.data();
    std::size_t segment = 1;  // where the current segment starts
    const auto segment_ends = [&](std::size_t end) {
        const std::string_view piece = path.substr(segment, end - segment);
        if (piece.empty() || piece == "." || piece == "..") return false;
        ends.push_back(end);
        segment = end + 1;
        return true;
    };
    if (size > 0) out[0] = '/';
    for (std::size_t i = 1; i < size; ++i) {
        const char c = path[i];
        if (c == '/') {
            if (!segment_ends(i)) return false;
        } else if (c == '\0' || (c == '%' && encoded)) {
            return false;
        }
        out[i] = fold ? ascii::to_lower(c) : c;
    }
    return size == 0 || segment_ends(size);
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
    if (route_lengths_.size() <= key.size()) route_lengths_.resize(key.size() + 1);
    route_lengths_[key.size()] = true;
}

void url_map::add_script_map(std::string_view pattern, std::string_view url_prefix, std::vector<std::string> verbs,
                             std::size_t extension) {
    const std::string shown(pattern);
    script_map m;
    if (pattern != "*") {
        if (pattern.size() < 3 || !pattern.starts_with("*.") || pattern.find_first_of("*/\\?", 1) != std::string_view::npos)
            throw std::invalid_argument("script map path '" + shown + "' is not \"*.ext\" or \"*\"");
        m.suffix = fold(pattern.substr(1));
    }
    if (url_prefix.empty() || url_prefix.front() != '/' ||
        url_prefix.find_first_of(std::string_view("%\\\0", 3)) != std::string_view::npos)
        throw std::invalid_argument("script map prefix '" + std::string(url_prefix) + "' is not a URL path");
    normalized_path normalized;
    if (auto reason = normalize(url_prefix, false, normalized))
        throw std::invalid_argument("script map prefix '" + std::string(url_prefix) + "': " + *reason);
    for (const auto& seg : normalized.segments) m.prefix += '/' + fold(seg.decoded);
    m.prefix_segments = normalized.segments.size();
    m.verbs = std::move(verbs);
    m.extension = extension;
    script_maps_.push_back(std::move(m));
}

url_map_result url_map::map(std::optional<std::string_view> request_uri,
                            std::string_view script_name, std::string_view path_info,
                            std::string_view method, std::size_t skip) const {
    std::optional<std::string_view> uri_path;
    if (request_uri) uri_path = request_uri_path(*request_uri);
    return map_uri_path(uri_path, script_name, path_info, method, skip);
}

url_map_result url_map::map_uri_path(std::optional<std::string_view> uri_path, std::string_view script_name,
                                     std::string_view path_info, std::string_view method, std::size_t skip) const {
    url_map_result r = map_request_uri(uri_path, method, skip);
    if (r.status == url_map_status::not_found) r = map_front_end_path(script_name, path_info, method, skip);
    return r;
}

url_map_result url_map::map_request_uri(std::optional<std::string_view> uri_path, std::string_view method,
                                        std::size_t skip) const {
    if (!uri_path || uri_path->empty()) return {};
    return map_path(*uri_path, true, method, skip);
}

url_map_result url_map::map_front_end_path(std::string_view script_name, std::string_view path_info,
                                           std::string_view method, std::size_t skip) const {
    // Apache in some modes repeats PATH_INFO at the end of SCRIPT_NAME; do not count it twice.
    const bool repeated = !path_info.empty() && script_name.size() > path_info.size() &&
                          script_name.ends_with(path_info);
    const std::string joined = std::string(script_name) + std::string(repeated ? "" : path_info);
    return map_path(joined, false, method, skip);
}

url_map_result url_map::map(const fcgi::param_set& params, std::size_t skip) const {
    std::optional<std::string_view> uri_path;
    if (const auto request_uri = params.find("REQUEST_URI")) uri_path = request_uri_path(*request_uri);
    // nginx keeps the client's REQUEST_URI across an internal redirect (X-Accel-Redirect,
    // error_page, rewrite ... last) and sends the URI it now serves as DOCUMENT_URI: when the
    // two disagree, the request is for the latter.
    if (const auto document_uri = params.find("DOCUMENT_URI"); uri_path && document_uri && !document_uri->empty()) {
        const std::string_view path = *uri_path;
        // Some front ends (HAProxy's fcgi-app) send the path still encoded: that agrees too. So
        // does the common case, a path normalisation leaves as it is, without being rebuilt.
        if (path != *document_uri) {
            normalized_path normalized;
            if (!path.starts_with('/') || normalize(path, true, normalized))
                return map_uri_path(uri_path, params.get("SCRIPT_NAME"), params.get("PATH_INFO"),
                                    params.get("REQUEST_METHOD"), skip);
            if (normalized.plain) {
                uri_path.reset();  // its normalised form is `path` itself, which differs
            } else {
                boost::container::small_vector<char, inline_path_bytes> decoded;
                join_segments(normalized, false, decoded);
                if (decoded.empty() || normalized.trailing_slash) decoded.push_back('/');
                if (std::string_view(decoded.data(), decoded.size()) != *document_uri) uri_path.reset();
            }
        }
    }
    // SCRIPT_NAME and PATH_INFO are looked up only when REQUEST_URI matches nothing.
    const std::string_view method = params.get("REQUEST_METHOD");
    url_map_result r = map_request_uri(uri_path, method, skip);
    if (r.status == url_map_status::not_found)
        r = map_front_end_path(params.get("SCRIPT_NAME"), params.get("PATH_INFO"), method, skip);
    return r;
}

url_map_result url_map::map_path(std::string_view path, bool encoded, std::string_view method,
                                 std::size_t skip) const {
    // Every return below is `result` itself, so it is built in the caller's object, never moved.
    url_map_result result;
    // A decided request (matched or refused) says which of REQUEST_URI (the encoded path) and
    // SCRIPT_NAME + PATH_INFO it came from.
    const auto refuse = [&](std::string reason) {
        result.status = url_map_status::bad_request;
        result.reason = std::move(reason);
        result.match = url_match{};
        result.match.from_request_uri = encoded;
    };
    if (path.empty() || path.front() != '/') return result;  // "*" (OPTIONS) and the like
    normalized_path normalized;  // its segments stay empty for a plain path, which needs none
    boost::container::small_vector<char, inline_path_bytes> joined_bytes;
    boost::container::small_vector<std::size_t, inline_segments + 1> ends{0};
    if (!scan_plain_path(path, encoded, !options_.case_sensitive, joined_bytes, ends)) {
        joined_bytes.clear();
        ends.erase(ends.begin() + 1, ends.end());  // keeps the 0 every path starts with
        if (auto reason = normalize(path, encoded, normalized)) {
            refuse(std::move(*reason));
            return result;
        }
        normalized.plain = false;  // the parts are rebuilt from the segments, whatever they are
        join_segments(normalized, !options_.case_sensitive, joined_bytes);
        for (const auto& seg : normalized.segments) ends.push_back(ends.back() + 1 + seg.decoded.size());
    }
    const auto& segments = normalized.segments;
    const std::string_view joined(joined_bytes.data(), joined_bytes.size());
    const std::size_t segment_count = ends.size() - 1;
    // A match with its script part settled: PATH_INFO (`rest`) checked and placed.
    const auto finish_match = [&](std::string rest, bool script_mapped) {
        if (has_hidden_dot_segment(rest))
            return refuse("encoded separator or backslash forms a dot segment in PATH_INFO");
        url_match& m = result.match;
        m.script_mapped = script_mapped;
        m.from_request_uri = encoded;
        if (script_mapped) m.path = m.script_name + rest;
        // IIS gives a script-mapped request the whole URL as PATH_INFO unless
        // AllowPathInfoForScriptMappings is set.
        m.path_info = script_mapped && !options_.allow_path_info_for_script_mappings ? m.path : std::move(rest);
        result.status = url_map_status::matched;
    };
    // The first k segments are the script, the rest PATH_INFO.
    const auto matched = [&](std::size_t k, std::size_t extension, bool script_mapped) {
        url_match& m = result.match;
        m.extension = extension;
        if (normalized.plain) {
            // The segments, '/'-joined, are the path itself: the parts are cut from it, not
            // rebuilt (no segment was decoded, so none holds an encoded separator).
            m.script_name = std::string(path.substr(0, ends[k]));
            m.raw_script_name = m.script_name;
            return finish_match(std::string(path.substr(ends[k])), script_mapped);
        }
        std::size_t raw_size = 0;
        for (std::size_t i = 0; i < k; ++i) raw_size += 1 + segments[i].raw.size();
        m.script_name.reserve(ends[k]);
        m.raw_script_name.reserve(raw_size);
        for (std::size_t i = 0; i < k; ++i) {
            if (segments[i].encoded_separator)
                return refuse("encoded '/' or '\\' in the script part of the path");
            m.script_name += '/';
            m.script_name += segments[i].decoded;
            m.raw_script_name += '/';
            m.raw_script_name += segments[i].raw;
        }
        std::string rest;
        rest.reserve(ends.back() - ends[k] + 1);
        for (std::size_t i = k; i < segments.size(); ++i) {
            rest += '/';
            rest += segments[i].decoded;
        }
        if (normalized.trailing_slash) rest += '/';
        finish_match(std::move(rest), script_mapped);
    };
    for (std::size_t k = segment_count + 1; k-- > 0;) {
        if (ends[k] >= route_lengths_.size() || !route_lengths_[ends[k]]) continue;  // no key that long
        const auto it = routes_.find(joined.substr(0, ends[k]));
        if (it != routes_.end() && it->second != skip) {
            matched(k, it->second, false);
            return result;
        }
    }
    if (script_maps_.empty()) return result;
    const auto applies = [&](const script_map& m, std::size_t k) {
        if (m.prefix_segments > k || joined.substr(0, ends[m.prefix_segments]) != m.prefix) return false;
        return m.verbs.empty() || std::find(m.verbs.begin(), m.verbs.end(), method) != m.verbs.end();
    };
    const auto best_of = [&](bool wildcard, std::size_t k, std::string_view name) -> const script_map* {
        const script_map* best = nullptr;
        for (const auto& m : script_maps_) {
            if (m.suffix.empty() != wildcard || m.extension == skip || !applies(m, k)) continue;
            if (!wildcard && (name.size() <= m.suffix.size() || !name.ends_with(m.suffix))) continue;
            if (!best || m.prefix_segments > best->prefix_segments) best = &m;
        }
        return best;
    };
    // A wildcard intercepts everything under its prefix first, as IIS 6 runs wildcard application
    // maps before the others (the extension hands a request on with EXEC_URL and
    // IGNORE_CURRENT_INTERCEPTOR).
    if (const auto* m = best_of(true, segment_count, {})) {
        matched(segment_count, m->extension, true);
        return result;
    }
    for (std::size_t k = 1; k <= segment_count; ++k) {
        const std::string_view name = joined.substr(ends[k - 1] + 1, ends[k] - ends[k - 1] - 1);
        if (const auto* m = best_of(false, k, name)) {
            matched(k, m->extension, true);
            return result;
        }
    }
    return result;
}

}  // namespace isapi_fcgi::isapi
