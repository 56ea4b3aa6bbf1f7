// Apache's mod_authnz_fcgi with the sidecar as FastCGI AUTHORIZER (conf/apache/isapi-fcgi-authz.conf
// and isapi-fcgi-authz-location.conf, unchanged): the filters decide on static files Apache
// serves itself.
#include <regex>

#include "authorizer/authorizer_fixture.hpp"
#include "support/apache_front.hpp"

namespace isapi_fcgi::test {
namespace {

class apache_authnz_fcgi : public authorizer_fixture {
protected:
    void start_apache() {
        apache_front_options options;
        options.upstream_address = sidecar_->address();
        options.extra_modules = {"authnz_fcgi", "authn_core", "authz_user", "headers", "rewrite"};
        options.server_extra = "Define ISAPI_FCGI_AUTHORIZER 127.0.0.1:" + std::to_string(authorizer_port_) +
                               "\nInclude " ISAPI_APACHE_AUTHZ_CONF "\n";
        // The protected directory; apache_front defines ISAPI_TEST_HTDOCS, its document root.
        options.snippet = work_.write_file(
            "private.conf",
            "<Directory \"${ISAPI_TEST_HTDOCS}/private\">\n"
            "    Include " ISAPI_APACHE_AUTHZ_LOCATION "\n"
            "    Header always set X-User \"expr=%{REMOTE_USER}\"\n"
            "    Header always set X-Gate \"%{HTTP_X_GATE}e\"\n"
            // What the order filters set on the request (orderfilter.c).
            "    Header always set X-Order \"%{HTTP_X_FILTER_ORDER}e\"\n"
            "    Header always set X-Seen \"%{HTTP_X_FILTER_SEEN_HIGH}e\"\n"
            "    RewriteEngine On\n"
            "    RewriteCond %{ENV:ISAPI_URL} ^(/[^?]*)\n"
            "    RewriteRule ^ %1 [PT,L]\n"
            "</Directory>\n");
        front_ = std::make_unique<apache_front>(options);
        make_document_root(front_->dir().path() / "htdocs");
    }
};

TEST_F(apache_authnz_fcgi, the_filters_let_an_authenticated_request_reach_a_static_file) {
    start_sidecar(gate_filter());
    start_apache();
    const auto ok = get("/private/secret.txt", basic_credentials("alice:wonderland"));
    EXPECT_EQ(ok.status, 200) << ok.describe() << front_->error_log() << sidecar_->log();
    EXPECT_EQ(ok.body, "the secret file\n");
    EXPECT_EQ(ok.head.header("X-User"), "ALICE@EXAMPLE") << ok.describe();
    EXPECT_EQ(ok.head.header("X-Gate"), "seen");
}

TEST_F(apache_authnz_fcgi, the_filters_denial_reaches_the_client_whole) {
    start_sidecar(gate_filter());
    start_apache();
    const auto denied = get("/private/secret.txt", basic_credentials("alice:wrong"));
    EXPECT_EQ(denied.status, 401) << denied.describe();
    EXPECT_EQ(denied.head.header("WWW-Authenticate"), "Basic realm=\"gatefilter\"") << denied.describe();
    // One space ahead: Apache would take "gatefilter: ..." for a URL to redirect to.
    EXPECT_EQ(denied.body, " gatefilter: who are you?\n");
    // Any status but 200 passes: a single sign-on agent's redirect to its login page.
    const auto redirect = get("/private/redirect", basic_credentials("alice:wonderland"));
    EXPECT_EQ(redirect.status, 302) << redirect.describe();
    EXPECT_EQ(redirect.head.header("Location"), "/login");
}

TEST_F(apache_authnz_fcgi, a_url_rewrite_is_honoured_by_the_shipped_rewrite_rule) {
    start_sidecar(gate_filter());
    start_apache();
    const auto rewritten = get("/private/old.txt", basic_credentials("alice:wonderland"));
    EXPECT_EQ(rewritten.status, 200) << rewritten.describe() << front_->error_log();
    EXPECT_EQ(rewritten.body, "the new file\n");
}

TEST_F(apache_authnz_fcgi, failures_are_500_never_an_allow) {
    start_sidecar(gate_filter());
    start_apache();
    for (const char* path : {"/private/page", "/private/error", "/private/bogus"}) {
        const auto r = get(path, basic_credentials("alice:wonderland"));
        EXPECT_EQ(r.status, 500) << path << "\n" << r.describe();
        EXPECT_EQ(r.body.find("the filter's own page"), std::string::npos) << path;
    }
}

TEST_F(apache_authnz_fcgi, two_filters_of_different_priority_see_an_event_high_first) {
    // Configured low first: the priority, not the list, decides.
    start_sidecar(fixture_filters({"orderfilter_low_a", "orderfilter_high"}));
    start_apache();
    expect_the_higher_priority_first();
}

TEST_F(apache_authnz_fcgi, the_filter_context_counts_the_requests_of_one_client_connection) {
    // mod_authnz_fcgi opens a new connection to the sidecar per request, but passes the
    // client's REMOTE_ADDR and REMOTE_PORT: the session is the client's connection.
    start_sidecar(fixture_filters({"orderfilter_high"}));
    start_apache();
    expect_one_context_per_client_connection();
}

TEST_F(apache_authnz_fcgi, a_filter_that_crashes_fails_closed_and_kills_only_its_worker) {
    start_sidecar_that_crashes_on_request();
    start_apache();
    allowed_problems_ = std::regex("authnz_fcgi|AH0251|AH0252");
    expect_a_crash_to_fail_closed_and_kill_only_its_worker();
}

TEST_F(apache_authnz_fcgi, a_pool_without_filters_or_no_sidecar_never_lets_a_request_through) {
    start_sidecar("");
    start_apache();
    allowed_problems_ = std::regex("authnz_fcgi|AH0251|AH0252");
    expect_denied_without_filters_and_without_sidecar();
}

}  // namespace
}  // namespace isapi_fcgi::test
