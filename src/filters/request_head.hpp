#pragma once
// The request head as SF_NOTIFY_PREPROC_HEADERS shows it to filters: the pseudo-headers
// "method", "url" (with its query string) and "version", and the request headers by their HTTP
// names ("Host:", with the colon, case-insensitive). Built from the FastCGI params the front end
// sent (HTTP_* plus CONTENT_TYPE / CONTENT_LENGTH); a filter's edits are kept here and handed
// back as params (`to_params`), so the rest of the host sees the rewritten request. Pure.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <isapi/windef_subset.h>

namespace isapi_fcgi::filters {

class request_head {
public:
    struct field {
        std::string cgi_name;  ///< HTTP_USER_AGENT, CONTENT_TYPE...
        std::string value;
    };
    using params = std::vector<std::pair<std::string_view, std::string_view>>;

    /// From the request's params (REQUEST_METHOD, REQUEST_URI, SERVER_PROTOCOL and the headers).
    explicit request_head(const params& request_params);

    /// GetHeader: the value of a pseudo-header or of "Name:"; nullopt when there is none.
    std::optional<std::string_view> get(std::string_view name) const;
    /// SetHeader: replaces the value; an empty value removes a header. ERROR_SUCCESS or
    /// ERROR_INVALID_PARAMETER (a name that is no header name, a value with CR, LF or NUL, a
    /// "url" that is not an absolute path, an empty method, a version that is not HTTP/x.y).
    DWORD set(std::string_view name, std::string_view value);
    /// AddHeader: appends to an existing header (", " between values; "; " for Cookie) or adds it.
    DWORD add(std::string_view name, std::string_view value);

    const std::string& method() const noexcept { return method_; }
    const std::string& url() const noexcept { return url_; }
    const std::string& version() const noexcept { return version_; }
    const std::vector<field>& fields() const noexcept { return fields_; }
    /// True once any set/add succeeded.
    bool changed() const noexcept { return changed_; }

    /// The params a rewritten request is served with: `original` with REQUEST_METHOD,
    /// REQUEST_URI, QUERY_STRING, SERVER_PROTOCOL and every header param replaced by this head's.
    std::vector<std::pair<std::string, std::string>> to_params(const params& original) const;

    /// "Content-Type:" -> CONTENT_TYPE, "X-Forwarded-For:" -> HTTP_X_FORWARDED_FOR; nullopt for a
    /// name that is not an HTTP token followed by its colon.
    static std::optional<std::string> cgi_name_of(std::string_view header_name);

private:
    enum class pseudo { none, method, url, version };
    static pseudo pseudo_of(std::string_view name) noexcept;
    DWORD set_pseudo(pseudo which, std::string_view value);
    field* find(std::string_view cgi_name);
    const field* find(std::string_view cgi_name) const;

    std::string method_;
    std::string url_;
    std::string version_;
    std::vector<field> fields_;
    bool changed_ = false;
};

}  // namespace isapi_fcgi::filters
