#pragma once
// Which configured extension answers a request, and the SCRIPT_NAME / PATH_INFO split IIS would
// give it. Pure: no I/O. Built once at start-up, then read concurrently by any thread.
//
// Matching rules (ISSUE3 "Loading and mapping"):
// - on whole path segments: `/scripts/app.dll/a` matches `/scripts/app.dll`, `/scripts/app.dllx`
//   does not;
// - on the percent-decoded path with dot segments resolved (RFC 3986 §5.2.4, also when the dots
//   are encoded) and empty segments merged (`//`), as nginx's merge_slashes does;
// - ASCII case-insensitively unless configured otherwise (IIS compares URLs case-insensitively);
// - the longest configured path wins.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace isapi_fcgi::fcgi {
class param_set;
}

namespace isapi_fcgi::isapi {

struct url_map_options {
    bool case_sensitive = false;
    /// IIS's AllowPathInfoForScriptMappings: false gives a script-mapped request the whole URL
    /// as PATH_INFO, true only what follows the mapped file.
    bool allow_path_info_for_script_mappings = false;
};

/// Where a request landed. `script_name` and `path_info` are decoded (as IIS and the CGI
/// front ends give them); `script_name` keeps the client's case, not the configured spelling.
struct url_match {
    std::size_t extension = 0;    // index given to url_map::add
    std::string script_name;      // "/Scripts/App.dll"; "" when the configured path is "/"
    std::string raw_script_name;  // the same segments exactly as the client sent them (still
                                  // percent-encoded), for code that rebuilds URLs byte-exactly
    std::string path_info;        // "/a/b", "/" for a trailing slash, "" when nothing follows
    bool from_request_uri = false;  // false: SCRIPT_NAME + PATH_INFO were used (see map())
    bool script_mapped = false;     // reached through a script map, not one of its `urls`
    std::string path;               // the whole decoded path, when script_mapped

    /// IIS's URL variable: the decoded path without the query (mod_isapi's r->uri).
    std::string url() const { return script_mapped ? path : script_name + path_info; }
};

enum class url_map_status { matched, not_found, bad_request };

struct url_map_result {
    url_map_status status = url_map_status::not_found;
    url_match match;       // valid when status == matched
    std::string reason;    // why, for the log line, when status == bad_request
};

class url_map {
public:
    /// For map()'s `skip`: no extension is skipped.
    static constexpr std::size_t no_extension = static_cast<std::size_t>(-1);

    explicit url_map(url_map_options options = {}) : options_(options) {}

    /// Registers a configured URL path (e.g. "/scripts/app.dll"; "/" answers everything). The
    /// path is read decoded, with dot segments resolved, and a trailing '/' is ignored. Throws
    /// std::invalid_argument (start-up only) for a path not starting with '/', containing a
    /// NUL, '%' or '\', or already registered (compared as matching compares).
    void add(std::string_view url_path, std::size_t extension);

    /// Registers an IIS script map: `pattern` "*.ext" maps every URL whose segment ends in .ext
    /// (the first such segment, from the left, is the script: SCRIPT_NAME ends there), "*" every
    /// URL (a wildcard map: SCRIPT_NAME is the whole path). Only URLs under `url_prefix` (whole
    /// segments) and, when `verbs` is not empty, with one of those methods (upper case). A URL
    /// of add() wins; then a wildcard (IIS runs wildcard maps first, as interceptors); then a
    /// file-extension map; among maps of a kind the longest prefix.
    /// Throws std::invalid_argument for a bad pattern or prefix.
    void add_script_map(std::string_view pattern, std::string_view url_prefix, std::vector<std::string> verbs,
                        std::size_t extension);

    /// Maps a request. REQUEST_URI (raw, encoded, with query) is tried first, since it carries
    /// the client's spelling and shows encoded '/' and NUL; when it is absent or matches nothing
    /// (a front-end rewrite or internal redirect), SCRIPT_NAME + PATH_INFO (already decoded by
    /// the front end) are tried. A bad REQUEST_URI (invalid or NUL escape; '%2F' or '%5C' in the
    /// matched script part; an encoded '/' forming a dot segment in PATH_INFO) is final.
    url_map_result map(std::optional<std::string_view> request_uri, std::string_view script_name,
                       std::string_view path_info, std::string_view method = {},
                       std::size_t skip = no_extension) const;

    /// Same, reading REQUEST_URI, SCRIPT_NAME, PATH_INFO and REQUEST_METHOD from the request's
    /// params (REQUEST_URI only when DOCUMENT_URI, if sent, agrees with it).
    /// `skip`: an extension to pass over, as HSE_EXEC_URL_IGNORE_CURRENT_INTERCEPTOR asks.
    url_map_result map(const fcgi::param_set& params, std::size_t skip = no_extension) const;

    bool empty() const noexcept { return routes_.empty() && script_maps_.empty(); }

private:
    struct script_map {
        std::string suffix;            // folded ".isa"; empty for a wildcard
        std::string prefix;            // folded "/shop", "" for the root
        std::size_t prefix_segments = 0;
        std::vector<std::string> verbs;
        std::size_t extension = 0;
    };
    /// map() once REQUEST_URI's path is cut out of it (nullopt: no REQUEST_URI to try).
    url_map_result map_uri_path(std::optional<std::string_view> uri_path, std::string_view script_name,
                                std::string_view path_info, std::string_view method, std::size_t skip) const;
    /// The REQUEST_URI half of map_uri_path: not_found when there is none or it matches nothing.
    url_map_result map_request_uri(std::optional<std::string_view> uri_path, std::string_view method,
                                   std::size_t skip) const;
    /// The other half: SCRIPT_NAME + PATH_INFO as the front end decoded them.
    url_map_result map_front_end_path(std::string_view script_name, std::string_view path_info,
                                      std::string_view method, std::size_t skip) const;
    url_map_result map_path(std::string_view path, bool encoded, std::string_view method, std::size_t skip) const;
    std::string fold(std::string_view s) const;

    url_map_options options_;
    std::map<std::string, std::size_t, std::less<>> routes_;  // folded "/a/b" ("" for root)
    std::vector<bool> route_lengths_;  // [n]: some key of routes_ is n bytes long, so a prefix
                                       // of another length is not looked up
    std::vector<script_map> script_maps_;
};

}  // namespace isapi_fcgi::isapi
