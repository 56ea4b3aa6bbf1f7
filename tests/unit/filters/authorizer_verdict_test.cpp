// How a verdict of the request-side filter events reaches the web server: the FastCGI
// AUTHORIZER answer (mod_authnz_fcgi) and the nginx auth_request answer; every way of failing
// renders as a denial, never as a 2xx.
#include "filters/authorizer_verdict.hpp"

#include <gtest/gtest.h>

namespace isapi_fcgi::filters {
namespace {

authorizer_verdict allowed() {
    authorizer_verdict v;
    v.what = authorizer_verdict::kind::allow;
    v.user = "alice";
    v.auth_type = "Basic";
    v.url = "/new/place.html?x=1";
    v.request_headers = {{"HTTP_X_FORWARDED_USER", "alice"}, {"HTTP_X_REMOVED", ""}};
    return v;
}

TEST(authorizer_verdict, allow_as_fastcgi_authorizer_sets_variables) {
    EXPECT_EQ(render_authorizer_response(allowed(), authorizer_front::fastcgi_authorizer),
              "Status: 200 OK\r\n"
              "Variable-REMOTE_USER: alice\r\n"
              "Variable-AUTH_TYPE: Basic\r\n"
              "Variable-ISAPI_URL: /new/place.html?x=1\r\n"
              "Variable-HTTP_X_FORWARDED_USER: alice\r\n"
              "Variable-HTTP_X_REMOVED: \r\n"
              "\r\n");
}

TEST(authorizer_verdict, allow_for_nginx_uses_headers_auth_request_set_can_read) {
    EXPECT_EQ(render_authorizer_response(allowed(), authorizer_front::nginx_auth_request),
              "Status: 200 OK\r\n"
              "X-Isapi-User: alice\r\n"
              "X-Isapi-Auth-Type: Basic\r\n"
              "X-Isapi-Url: /new/place.html?x=1\r\n"
              "X-Isapi-Path: /new/place.html\r\n"
              "X-Isapi-Set-X-Forwarded-User: alice\r\n"
              "X-Isapi-Set-X-Removed: \r\n"
              "Content-Length: 0\r\n"
              "\r\n");
    authorizer_verdict anonymous;
    anonymous.what = authorizer_verdict::kind::allow;
    EXPECT_EQ(render_authorizer_response(anonymous, authorizer_front::nginx_auth_request),
              "Status: 200 OK\r\nContent-Length: 0\r\n\r\n");
}

TEST(authorizer_verdict, a_denial_carries_the_filters_status_headers_and_body) {
    authorizer_verdict v;
    v.what = authorizer_verdict::kind::deny;
    v.status = "401 Access Denied";
    v.headers = "WWW-Authenticate: Basic realm=\"test\"\r\nContent-Length: 999\r\nStatus: 200\r\nX-Filter: 1\n";
    v.body = "denied";
    EXPECT_EQ(render_authorizer_response(v, authorizer_front::nginx_auth_request),
              "Status: 401 Access Denied\r\n"
              "WWW-Authenticate: Basic realm=\"test\"\r\n"
              "X-Filter: 1\r\n"
              "Content-Length: 6\r\n"
              "\r\n"
              "denied");
    // mod_authnz_fcgi makes the body its error document and frames it itself.
    EXPECT_EQ(render_authorizer_response(v, authorizer_front::fastcgi_authorizer),
              "Status: 401 Access Denied\r\n"
              "WWW-Authenticate: Basic realm=\"test\"\r\n"
              "X-Filter: 1\r\n"
              "\r\n"
              "denied");
    // Apache would take "authfilter: ..." or "/..." for a URL to redirect to: one space makes it text.
    EXPECT_TRUE(render_authorizer_response(v, authorizer_front::apache_authnz_fcgi).ends_with("\r\n\r\ndenied"));
    for (const char* body : {"authfilter: denied", "/login", "http://x/"}) {
        v.body = body;
        EXPECT_TRUE(render_authorizer_response(v, authorizer_front::apache_authnz_fcgi).ends_with("\r\n\r\n " + v.body));
        EXPECT_TRUE(render_authorizer_response(v, authorizer_front::fastcgi_authorizer).ends_with("\r\n\r\n" + v.body));
    }
    v.body = "denied";
    v.status = "302";  // a single sign-on agent's redirect to its login page
    v.headers = "Location: /login\r\n";
    v.body.clear();
    EXPECT_EQ(render_authorizer_response(v, authorizer_front::fastcgi_authorizer),
              "Status: 302 Found\r\nLocation: /login\r\n\r\n");
}

TEST(authorizer_verdict, a_denial_that_would_read_as_allow_or_has_no_status_is_a_500) {
    authorizer_verdict v;
    v.what = authorizer_verdict::kind::deny;
    for (const char* status : {"200 OK", "204", "100", "", "abc", "HTTP/1.1 ok", "600 Nope"}) {
        SCOPED_TRACE(status);
        v.status = status;
        std::string problem;
        const auto out = render_authorizer_response(v, authorizer_front::fastcgi_authorizer, &problem);
        EXPECT_TRUE(out.starts_with("Status: 500 Internal Server Error\r\n")) << out;
        EXPECT_NE(problem.find("cannot send"), std::string::npos) << problem;
    }
}

TEST(authorizer_verdict, failures_are_500_or_503_and_never_allow) {
    EXPECT_TRUE(render_authorizer_response(authorizer_verdict::failure(500), authorizer_front::fastcgi_authorizer)
                    .starts_with("Status: 500 Internal Server Error\r\n"));
    const auto unavailable = render_authorizer_response(authorizer_verdict::failure(503),
                                                        authorizer_front::nginx_auth_request);
    EXPECT_TRUE(unavailable.starts_with("Status: 503 Service Unavailable\r\n")) << unavailable;
    EXPECT_NE(unavailable.find("Retry-After: 1\r\n"), std::string::npos);
    // A default verdict is a failure: nothing allows by omission.
    EXPECT_TRUE(render_authorizer_response(authorizer_verdict{}, authorizer_front::fastcgi_authorizer)
                    .starts_with("Status: 500 "));
    EXPECT_TRUE(authorizer_verdict::failure(42).status.starts_with("500"));
}

TEST(authorizer_verdict, a_value_with_a_line_break_fails_closed) {
    auto v = allowed();
    v.user = "alice\r\nVariable-ADMIN: 1";
    std::string problem;
    EXPECT_TRUE(render_authorizer_response(v, authorizer_front::fastcgi_authorizer, &problem).starts_with("Status: 500 "));
    EXPECT_FALSE(problem.empty());
    v = allowed();
    v.request_headers = {{"HTTP_X: Y", "1"}};
    EXPECT_TRUE(render_authorizer_response(v, authorizer_front::nginx_auth_request).starts_with("Status: 500 "));
}

TEST(authorizer_verdict, http_header_names_from_cgi_names) {
    EXPECT_EQ(http_header_name("HTTP_X_FORWARDED_USER"), "X-Forwarded-User");
    EXPECT_EQ(http_header_name("CONTENT_TYPE"), "Content-Type");
    EXPECT_EQ(http_header_name("HTTP_DNT"), "Dnt");
}

}  // namespace
}  // namespace isapi_fcgi::filters
