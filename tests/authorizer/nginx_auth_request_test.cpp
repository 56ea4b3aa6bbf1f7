// nginx's auth_request to the sidecar (conf/nginx/isapi-fcgi-auth.conf and
// isapi-fcgi-auth-vars.conf, unchanged): the filters decide on static files nginx serves itself.
#include <regex>

#include "authorizer/authorizer_fixture.hpp"
#include "support/fcgi_client.hpp"
#include "support/nginx_front.hpp"

namespace isapi_fcgi::test {
namespace {

class nginx_auth_request : public authorizer_fixture {
protected:
    void start_nginx() {
        const auto root = make_document_root(work_.path() / "htdocs");
        nginx_front_options options;
        options.upstream_address = sidecar_->address();
        options.snippet = ISAPI_NGINX_AUTH_SNIPPET;
        options.server_extra =
            "        root " + root.string() + ";\n"
            "        location /private/ {\n"
            "            auth_request /.isapi-fcgi-auth;\n"
            "            include " ISAPI_NGINX_AUTH_VARS ";\n"
            "            auth_request_set $gate $upstream_http_x_isapi_set_x_gate;\n"
            "            add_header X-User $isapi_fcgi_user always;\n"
            "            add_header X-Auth-Type $isapi_fcgi_auth_type always;\n"
            "            add_header X-Gate $gate always;\n"
            // What the order filters set on the request (orderfilter.c).
            "            auth_request_set $order $upstream_http_x_isapi_set_x_filter_order;\n"
            "            auth_request_set $seen $upstream_http_x_isapi_set_x_filter_seen_high;\n"
            "            add_header X-Order $order always;\n"
            "            add_header X-Seen $seen always;\n"
            "            try_files $isapi_fcgi_path $uri =404;\n"
            "        }\n";
        front_ = std::make_unique<nginx_front>(options);
    }
};

TEST_F(nginx_auth_request, the_filters_let_an_authenticated_request_reach_a_static_file) {
    start_sidecar(gate_filter());
    start_nginx();
    const auto ok = get("/private/secret.txt", basic_credentials("alice:wonderland"));
    EXPECT_EQ(ok.status, 200) << ok.describe();
    EXPECT_EQ(ok.body, "the secret file\n");
    // What the filters decided reached nginx: the user the filter renamed, and the header it added.
    EXPECT_EQ(ok.head.header("X-User"), "ALICE@EXAMPLE") << ok.describe();
    EXPECT_EQ(ok.head.header("X-Auth-Type"), "Basic");
    EXPECT_EQ(ok.head.header("X-Gate"), "seen");
}

TEST_F(nginx_auth_request, a_denial_reaches_the_client_with_the_filters_challenge) {
    start_sidecar(gate_filter());
    start_nginx();
    for (const std::string& credentials : {std::string(), basic_credentials("alice:wrong")}) {
        const auto denied = get("/private/secret.txt", credentials);
        EXPECT_EQ(denied.status, 401) << denied.describe();
        EXPECT_EQ(denied.head.header("WWW-Authenticate"), "Basic realm=\"gatefilter\"") << denied.describe();
        EXPECT_EQ(denied.body.find("the secret file"), std::string::npos);
    }
    // The authorization location is internal: a client cannot ask it anything.
    EXPECT_EQ(get("/.isapi-fcgi-auth", basic_credentials("alice:wonderland")).status, 404);
}

TEST_F(nginx_auth_request, a_url_rewrite_is_honoured_for_files_through_try_files) {
    start_sidecar(gate_filter());
    start_nginx();
    const auto rewritten = get("/private/old.txt?x=1", basic_credentials("alice:wonderland"));
    EXPECT_EQ(rewritten.status, 200) << rewritten.describe();
    EXPECT_EQ(rewritten.body, "the new file\n");
}

TEST_F(nginx_auth_request, whatever_is_not_an_allow_or_a_401_or_403_is_a_500) {
    start_sidecar(gate_filter());
    start_nginx();
    // nginx passes 401 and 403 only ("auth request unexpected status" otherwise).
    allowed_problems_ = std::regex("auth request unexpected status");
    for (const char* path : {"/private/redirect", "/private/page", "/private/error", "/private/bogus"}) {
        const auto r = get(path, basic_credentials("alice:wonderland"));
        EXPECT_EQ(r.status, 500) << path << "\n" << r.describe();
        EXPECT_EQ(r.body.find("the filter's own page"), std::string::npos) << path;
    }
    EXPECT_TRUE(sidecar_->wait_for_log(std::regex("filter 'gate'.*(SF_STATUS_REQ_ERROR|ERROR)"),
                                       deadline_after(std::chrono::seconds(5))))
        << sidecar_->log();
    EXPECT_TRUE(sidecar_->wait_for_log(std::regex("which an authorizer cannot send"),
                                       deadline_after(std::chrono::seconds(5))))
        << sidecar_->log();
}

TEST_F(nginx_auth_request, two_filters_of_different_priority_see_an_event_high_first) {
    // Configured low first: the priority, not the list, decides.
    start_sidecar(fixture_filters({"orderfilter_low_a", "orderfilter_high"}));
    start_nginx();
    expect_the_higher_priority_first();
}

TEST_F(nginx_auth_request, the_filter_context_counts_the_requests_of_one_client_connection) {
    // The auth_request subrequest carries the client's $remote_addr and $remote_port: the
    // session is the client's connection, whatever upstream connection nginx asks on.
    start_sidecar(fixture_filters({"orderfilter_high"}));
    start_nginx();
    expect_one_context_per_client_connection();
}

TEST_F(nginx_auth_request, a_filter_that_crashes_fails_closed_and_kills_only_its_worker) {
    start_sidecar_that_crashes_on_request();
    start_nginx();
    allowed_problems_ = std::regex("upstream prematurely closed|reset by peer|auth request unexpected status");
    expect_a_crash_to_fail_closed_and_kill_only_its_worker();
}

TEST_F(nginx_auth_request, a_pool_without_filters_or_no_sidecar_never_lets_a_request_through) {
    start_sidecar("");
    start_nginx();
    allowed_problems_ = std::regex("auth request unexpected status|connect\\(\\) to unix:.* failed");
    expect_denied_without_filters_and_without_sidecar();
}

}  // namespace
}  // namespace isapi_fcgi::test

namespace isapi_fcgi::test {
namespace {

// The AUTHORIZER role itself, as mod_authnz_fcgi speaks it: BEGIN_REQUEST without keep-alive,
// the params, no STDIN at all; the answer is the verdict, then the sidecar closes.
class authorizer_role : public authorizer_fixture {
protected:
    request_state authorize(const wire::param_list& extra) {
        fcgi_client client("tcp:127.0.0.1:" + std::to_string(authorizer_port_));
        client.begin(1, false, wire::authorizer);
        wire::param_list params{{"REQUEST_METHOD", "GET"},   {"REQUEST_URI", "/private/secret.txt"},
                                {"SERVER_PROTOCOL", "HTTP/1.1"}, {"REMOTE_ADDR", "127.0.0.1"},
                                {"REMOTE_PORT", "40000"},     {"SERVER_NAME", "localhost"},
                                {"SERVER_PORT", "80"},        {"HTTP_HOST", "localhost"}};
        params.insert(params.end(), extra.begin(), extra.end());
        client.params(1, params);
        EXPECT_TRUE(client.wait_end(1, deadline_after(std::chrono::seconds(10))));
        EXPECT_TRUE(client.wait_eof(deadline_after(std::chrono::seconds(10))));
        EXPECT_TRUE(client.violations().empty()) << client.violations().front();
        return client.state(1);
    }
};

TEST_F(authorizer_role, an_allow_carries_the_user_and_the_headers_as_variables) {
    start_sidecar(gate_filter());
    const auto state = authorize({{"HTTP_AUTHORIZATION", basic_credentials("alice:wonderland")}});
    EXPECT_EQ(state.protocol_status, wire::request_complete);
    const auto response = state.response();
    EXPECT_EQ(response.status, 200) << state.out;
    EXPECT_EQ(response.header("Variable-REMOTE_USER"), "ALICE@EXAMPLE") << state.out;
    EXPECT_EQ(response.header("Variable-AUTH_TYPE"), "Basic") << state.out;
    EXPECT_EQ(response.header("Variable-HTTP_X_GATE"), "seen") << state.out;
}

TEST_F(authorizer_role, a_denial_carries_the_filters_response) {
    start_sidecar(gate_filter());
    const auto state = authorize({});
    const auto response = state.response();
    EXPECT_EQ(response.status, 401) << state.out;
    EXPECT_EQ(response.header("WWW-Authenticate"), "Basic realm=\"gatefilter\"") << state.out;
    EXPECT_EQ(response.body, "gatefilter: who are you?\n");
}

TEST_F(authorizer_role, a_pool_without_filters_denies_and_says_why) {
    start_sidecar("");
    const auto state = authorize({{"HTTP_AUTHORIZATION", basic_credentials("alice:wonderland")}});
    EXPECT_EQ(state.response().status, 500) << state.out;
    EXPECT_TRUE(sidecar_->wait_for_log(std::regex("pool 'default' has no filters"),
                                       deadline_after(std::chrono::seconds(5))))
        << sidecar_->log();
}

}  // namespace
}  // namespace isapi_fcgi::test
