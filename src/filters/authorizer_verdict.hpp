#pragma once
// What the request-side filter events decided about a request the web server serves itself, and
// how the web server is told: the FastCGI AUTHORIZER role (Apache mod_authnz_fcgi: 200 allows,
// `Variable-NAME` headers become the request's environment, any other status is sent to the
// client with its headers and body) or a responder answer to nginx's auth_request subrequest
// (2xx allows, 401 and 403 are sent to the client, 401 with its WWW-Authenticate; the other
// headers are read with auth_request_set). Pure: a verdict in, a CGI response out.
//
// Fail closed: a verdict that does not say "allow" in so many words never renders as a 2xx.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace isapi_fcgi::filters {

struct authorizer_verdict {
    enum class kind {
        allow,   ///< every filter let the request go on
        deny,    ///< a filter answered it (401 with WWW-Authenticate, 403, a redirect...)
        failed,  ///< a filter failed (SF_STATUS_REQ_ERROR, an invalid status, an exception), or
                 ///< the filter host could not run: 500, or 503 when it is unavailable
    };
    kind what = kind::failed;

    // deny and failed
    std::string status = "500 Internal Server Error";  ///< "401 Access Denied"
    std::string headers;  ///< CRLF-terminated header lines sent with the denial
    std::string body;

    // allow
    std::string user;       ///< the authenticated user, "" for anonymous
    std::string auth_type;  ///< "Basic"... when a user was authenticated
    std::string url;        ///< the URL a filter rewrote the request to, "" when unchanged
    /// Request headers the filters set, added or removed (empty value), by their CGI names
    /// (HTTP_X_FORWARDED_USER, CONTENT_TYPE).
    std::vector<std::pair<std::string, std::string>> request_headers;

    /// A failure answered `status` (503 when the filter host is unavailable, else 500).
    static authorizer_verdict failure(int status);
};

enum class authorizer_front {
    fastcgi_authorizer,  ///< the AUTHORIZER role (lighttpd, any other client)
    /// The AUTHORIZER role from Apache's mod_authnz_fcgi, which makes a denial's body its error
    /// document with ap_custom_response: a body that starts like a URL ("word:...") or with '/'
    /// would be taken for a redirect target (Apache then answers 500), so such a body is sent
    /// after one space, which makes it text.
    apache_authnz_fcgi,
    nginx_auth_request,  ///< a responder request marked by the shipped auth_request location
};

/// The response header an nginx auth_request subrequest carries a value in, for
/// `auth_request_set $var $upstream_http_...`.
inline constexpr std::string_view auth_user_header = "X-Isapi-User";
inline constexpr std::string_view auth_type_header = "X-Isapi-Auth-Type";
inline constexpr std::string_view auth_url_header = "X-Isapi-Url";
inline constexpr std::string_view auth_path_header = "X-Isapi-Path";  ///< the rewritten URL's path
/// Prefix of a request header a filter set: "X-Isapi-Set-X-Forwarded-User".
inline constexpr std::string_view auth_set_header_prefix = "X-Isapi-Set-";

/// The whole CGI response (header block and body) for the front end. A denial whose status is
/// not a valid 3-digit status, or is a 2xx (which the front end would read as "allow"), renders
/// as a 500: `problem` (when not null) then says why, for a log line.
std::string render_authorizer_response(const authorizer_verdict& verdict, authorizer_front front,
                                       std::string* problem = nullptr);

/// "HTTP_X_FORWARDED_USER" -> "X-Forwarded-User", "CONTENT_TYPE" -> "Content-Type".
std::string http_header_name(std::string_view cgi_name);

}  // namespace isapi_fcgi::filters
