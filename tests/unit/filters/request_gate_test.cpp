// The request side as one call (request_gate) over a filter_host, with real filter modules
// (tests/fixtures/filters): a filter's own 401, a pass with the head rewritten, fail-closed on a
// bad status, and the per-client-connection session (pFilterContext, END_OF_NET_SESSION).
#include "filters/request_gate.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "fcgi/name_value.hpp"
#include "fcgi/param_set.hpp"

namespace isapi_fcgi::filters {
namespace {

std::string fixture(const char* name) { return std::string(ISAPI_FILTER_FIXTURE_DIR) + "/" + name + ".so"; }

using param_list = std::vector<std::pair<std::string, std::string>>;

fcgi::param_set request_params(const param_list& extra, std::string_view port = "50001") {
    param_list params{{"REQUEST_METHOD", "GET"},      {"REQUEST_URI", "/scripts/app.dll/x?q=1"},
                      {"QUERY_STRING", "q=1"},        {"SERVER_PROTOCOL", "HTTP/1.1"},
                      {"SCRIPT_NAME", "/scripts/app.dll"}, {"PATH_INFO", "/x"},
                      {"REMOTE_ADDR", "127.0.0.1"},   {"REMOTE_PORT", std::string(port)}};
    params.insert(params.end(), extra.begin(), extra.end());
    std::string stream;
    for (const auto& [name, value] : params) fcgi::append_pair(stream, name, value);
    fcgi::param_set out;
    EXPECT_FALSE(fcgi::param_set::parse(std::move(stream), out));
    return out;
}

std::string param(const gate_decision& d, std::string_view name) {
    for (const auto& [n, v] : d.params)
        if (n == name) return v;
    return "(absent)";
}

class request_gate_test : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        users_path_ = "/tmp/isapi-fcgi-gate-users-" + std::to_string(::getpid());
        std::ofstream(users_path_) << "alice:wonderland\n";
        ::setenv("AUTHFILTER_USERS", users_path_.c_str(), 1);
    }
    static void TearDownTestSuite() { std::remove(users_path_.c_str()); }
    static std::string users_path_;
    isapi::server_variables_config config_;
};
std::string request_gate_test::users_path_;

TEST_F(request_gate_test, a_filter_that_answers_ends_the_request_with_its_own_401) {
    filter_host host({{"auth", fixture("authfilter")}}, {});
    const auto params = request_params({});
    request_gate gate(host, params, config_);
    const auto& d = gate.run();
    ASSERT_EQ(d.what, gate_decision::verdict::answered);
    EXPECT_EQ(d.status, 401u);
    EXPECT_EQ(d.status_line, "401 Access Denied");
    EXPECT_NE(d.headers.find("WWW-Authenticate: Basic realm=\"isapi-fcgi test\"\r\n"), std::string::npos) << d.headers;
    EXPECT_EQ(d.body, "authfilter: credentials required\n");
    EXPECT_TRUE(d.keep_connection);
    ASSERT_NE(d.decided_by, nullptr);
    EXPECT_EQ(d.decided_by->name(), "auth");
}

TEST_F(request_gate_test, good_credentials_proceed_with_the_rewritten_head_and_the_added_response_headers) {
    filter_host host({{"auth", fixture("authfilter")}}, {});
    const auto params = request_params({{"HTTP_AUTHORIZATION", "Basic YWxpY2U6d29uZGVybGFuZA=="}});
    request_gate gate(host, params, config_);
    const auto& d = gate.run();
    ASSERT_EQ(d.what, gate_decision::verdict::proceed);
    EXPECT_TRUE(d.rewritten);
    EXPECT_EQ(param(d, "HTTP_X_REMOTE_USER"), "alice");
    EXPECT_EQ(param(d, "SCRIPT_NAME"), "/scripts/app.dll") << "the URL did not change: the front end's split stands";
    EXPECT_EQ(d.response_headers, "X-Authenticated-User: alice\r\n");
}

TEST_F(request_gate_test, the_filter_context_lives_per_client_connection) {
    filter_host host({{"high", fixture("orderfilter_high")}}, {});
    const auto first = request_params({}, "50001");
    const auto again = request_params({}, "50001");
    const auto other = request_params({}, "50002");
    {
        request_gate gate(host, first, config_);
        EXPECT_EQ(param(gate.run(), "HTTP_X_FILTER_SEEN_HIGH"), "1");
    }
    {
        request_gate gate(host, again, config_);
        EXPECT_EQ(param(gate.run(), "HTTP_X_FILTER_SEEN_HIGH"), "2") << "same REMOTE_ADDR and REMOTE_PORT";
    }
    {
        request_gate gate(host, other, config_);
        EXPECT_EQ(param(gate.run(), "HTTP_X_FILTER_SEEN_HIGH"), "1") << "another client connection";
    }
    EXPECT_EQ(host.sessions(), 2u);
}

TEST_F(request_gate_test, an_unknown_status_fails_closed_naming_the_filter) {
    filter_host host({{"misuse", fixture("misusefilter")}}, {});
    const auto params = request_params({{"HTTP_X_MISUSE", "status"}});
    request_gate gate(host, params, config_);
    const auto& d = gate.run();
    ASSERT_EQ(d.what, gate_decision::verdict::failed);
    EXPECT_NE(d.reason.find("filter 'misuse'"), std::string::npos) << d.reason;
    EXPECT_NE(d.reason.find("SF_NOTIFY_PREPROC_HEADERS"), std::string::npos) << d.reason;
}

TEST_F(request_gate_test, an_idle_session_ends_with_end_of_net_session_and_a_busy_one_does_not) {
    filter_host host({{"misuse", fixture("misusefilter")}}, {std::chrono::seconds(30)});
    void* module = ::dlopen(fixture("misusefilter").c_str(), RTLD_NOW | RTLD_NOLOAD);
    ASSERT_NE(module, nullptr);
    const auto ended = reinterpret_cast<LONG (*)()>(::dlsym(module, "misuse_sessions_ended"));
    ::dlclose(module);
    ASSERT_NE(ended, nullptr);
    const LONG before = ended();
    const auto busy_params = request_params({}, "50010");
    const auto idle_params = request_params({}, "50011");
    request_gate busy(host, busy_params, config_);
    busy.run();
    {
        request_gate idle(host, idle_params, config_);
        idle.run();
    }
    host.sweep(filter_host::clock::now());
    EXPECT_EQ(ended(), before) << "neither session is idle for 30s yet";
    host.sweep(filter_host::clock::now() + std::chrono::minutes(1));
    EXPECT_EQ(ended(), before + 1) << "only the idle session ends";
    EXPECT_EQ(host.sessions(), 1u);
    busy.release();
    host.sweep(filter_host::clock::now() + std::chrono::minutes(1));
    EXPECT_EQ(ended(), before + 2);
    EXPECT_EQ(host.sessions(), 0u);
}

TEST_F(request_gate_test, a_request_without_remote_port_gets_a_session_of_its_own) {
    filter_host host({{"high", fixture("orderfilter_high")}}, {});
    const auto a = request_params({}, "");
    const auto b = request_params({}, "");
    {
        request_gate gate(host, a, config_);
        EXPECT_EQ(param(gate.run(), "HTTP_X_FILTER_SEEN_HIGH"), "1");
    }
    request_gate gate(host, b, config_);
    EXPECT_EQ(param(gate.run(), "HTTP_X_FILTER_SEEN_HIGH"), "1");
    EXPECT_EQ(host.sessions(), 1u) << "the first one ended at the second's sweep";
}

}  // namespace
}  // namespace isapi_fcgi::filters
