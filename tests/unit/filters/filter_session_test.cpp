// One connection's filter session with real filter modules (tests/fixtures/filters): the
// HTTP_FILTER_CONTEXT callbacks, IIS's status rules, a filter's own response, and misuse.
#include "filters/filter_session.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "fcgi/name_value.hpp"
#include "fcgi/param_set.hpp"
#include "filters/filter_callbacks.hpp"

namespace isapi_fcgi::filters {
namespace {

std::string fixture(const char* name) { return std::string(ISAPI_FILTER_FIXTURE_DIR) + "/" + name + ".so"; }

template <typename Function>
Function fixture_symbol(const char* module, const char* name) {
    void* handle = ::dlopen(fixture(module).c_str(), RTLD_NOW | RTLD_NOLOAD);
    EXPECT_NE(handle, nullptr) << module << " is not loaded";
    auto* function = reinterpret_cast<Function>(::dlsym(handle, name));
    ::dlclose(handle);
    return function;
}

// A request as the front end sends it, with the server variables the callbacks read.
using header_list = std::vector<std::pair<std::string, std::string>>;

class test_request {
public:
    explicit test_request(const header_list& headers = {}) {
        std::vector<std::pair<std::string, std::string>> params{{"REQUEST_METHOD", "GET"},
                                                               {"REQUEST_URI", "/scripts/app.dll/x?q=1"},
                                                               {"QUERY_STRING", "q=1"},
                                                               {"SERVER_PROTOCOL", "HTTP/1.1"},
                                                               {"SERVER_NAME", "filters.test"}};
        params.insert(params.end(), headers.begin(), headers.end());
        std::string stream;
        for (const auto& [name, value] : params) fcgi::append_pair(stream, name, value);
        EXPECT_FALSE(fcgi::param_set::parse(std::move(stream), params_));
        for (std::size_t i = 0; i < params_.size(); ++i) list_.emplace_back(params_[i].name, params_[i].value);
        variables_.emplace(params_, match_, config_);
        request_.emplace(request_head(list_), *variables_);
    }
    filter_request& get() { return *request_; }

private:
    fcgi::param_set params_;
    request_head::params list_;
    isapi::url_match match_;
    isapi::server_variables_config config_;
    std::optional<isapi::server_variables> variables_;
    std::optional<filter_request> request_;
};

chain_result preproc(filter_session& session, filter_request& request) {
    auto notification = preproc_headers_notification();
    return session.notify(filter_event::preproc_headers, &notification, request);
}

class filter_session_test : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        users_path_ = "/tmp/isapi-fcgi-authfilter-users-" + std::to_string(::getpid());
        std::ofstream(users_path_) << "alice:wonderland\nbob:builder\n";
        ::setenv("AUTHFILTER_USERS", users_path_.c_str(), 1);
    }
    static void TearDownTestSuite() { std::remove(users_path_.c_str()); }
    static std::string users_path_;
};
std::string filter_session_test::users_path_;

TEST_F(filter_session_test, a_request_without_credentials_gets_the_filters_own_401) {
    const filter_chain chain({{"auth", fixture("authfilter")}});
    filter_session session(chain, 7, false);
    test_request request;
    const auto result = preproc(session, request.get());
    EXPECT_EQ(result.outcome, filter_outcome::finished_keep_conn);
    ASSERT_NE(result.decided_by, nullptr);
    EXPECT_EQ(result.decided_by->name(), "auth");
    const auto& response = request.get().response;
    EXPECT_TRUE(response.header_sent);
    EXPECT_EQ(response.status, "401 Access Denied");
    EXPECT_NE(response.headers.find("WWW-Authenticate: Basic realm=\"isapi-fcgi test\"\r\n"), std::string::npos);
    EXPECT_EQ(response.body, "authfilter: credentials required\n");
}

TEST_F(filter_session_test, wrong_credentials_are_denied_and_good_ones_pass_with_the_user_set) {
    const filter_chain chain({{"auth", fixture("authfilter")}});
    filter_session session(chain, 8, false);
    test_request wrong(header_list{{"HTTP_AUTHORIZATION", "Basic YWxpY2U6cmFiYml0"}});  // alice:rabbit
    EXPECT_EQ(preproc(session, wrong.get()).outcome, filter_outcome::finished_keep_conn);
    test_request good(header_list{{"HTTP_AUTHORIZATION", "Basic YWxpY2U6d29uZGVybGFuZA=="}});  // alice:wonderland
    const auto result = preproc(session, good.get());
    EXPECT_EQ(result.outcome, filter_outcome::next);
    EXPECT_EQ(result.decided_by, nullptr);
    EXPECT_EQ(good.get().head.get("X-Remote-User:"), "alice");
    EXPECT_EQ(good.get().added_response_headers, "X-Authenticated-User: alice\r\n");
    EXPECT_FALSE(good.get().response.header_sent);
}

TEST_F(filter_session_test, the_callbacks_read_server_variables_and_normalise_urls) {
    const filter_chain chain({{"misuse", fixture("misusefilter")}});
    filter_session session(chain, 9, false);
    test_request request(header_list{{"HTTP_X_MISUSE", "normalize"}});
    EXPECT_EQ(preproc(session, request.get()).outcome, filter_outcome::next);
    EXPECT_EQ(request.get().head.get("X-Misuse-Result:"), "/a/cA");
}

TEST_F(filter_session_test, an_unknown_status_ends_the_request_as_an_error) {
    const filter_chain chain({{"misuse", fixture("misusefilter")}, {"high", fixture("orderfilter_high")}});
    filter_session session(chain, 10, false);
    test_request request(header_list{{"HTTP_X_MISUSE", "status"}});
    const auto result = preproc(session, request.get());
    EXPECT_EQ(result.outcome, filter_outcome::invalid);
    EXPECT_TRUE(ends_request(result.outcome));
    ASSERT_NE(result.decided_by, nullptr);
    EXPECT_EQ(result.decided_by->name(), "misuse");
    EXPECT_EQ(request.get().head.get("X-Filter-Order:"), "high") << "the high-priority filter ran first";
}

TEST_F(filter_session_test, header_injection_through_add_response_headers_is_refused) {
    const filter_chain chain({{"misuse", fixture("misusefilter")}});
    filter_session session(chain, 11, false);
    test_request request(header_list{{"HTTP_X_MISUSE", "inject"}});
    EXPECT_EQ(preproc(session, request.get()).outcome, filter_outcome::next);
    EXPECT_EQ(request.get().head.get("X-Misuse-Result:"), "FALSE " + std::to_string(ERROR_INVALID_PARAMETER));
    EXPECT_TRUE(request.get().added_response_headers.empty());
}

TEST_F(filter_session_test, a_disabled_notification_is_not_delivered_again_in_that_request) {
    const filter_chain chain({{"misuse", fixture("misusefilter")}});
    const auto count = fixture_symbol<LONG (*)()>("misusefilter", "misuse_preproc_count");
    ASSERT_NE(count, nullptr);
    filter_session session(chain, 12, false);
    test_request request(header_list{{"HTTP_X_MISUSE", "disable"}});
    const LONG before = count();
    EXPECT_EQ(preproc(session, request.get()).outcome, filter_outcome::next);
    EXPECT_EQ(request.get().head.get("X-Misuse-Result:"), "TRUE 0");
    EXPECT_EQ(preproc(session, request.get()).outcome, filter_outcome::next);
    EXPECT_EQ(count(), before + 1);
    test_request next_request;
    EXPECT_EQ(preproc(session, next_request.get()).outcome, filter_outcome::next);
    EXPECT_EQ(count(), before + 2) << "disabled for that request only";
}

TEST_F(filter_session_test, the_end_of_the_session_is_notified_and_a_stale_context_is_refused) {
    const filter_chain chain({{"misuse", fixture("misusefilter")}});
    const auto ended = fixture_symbol<LONG (*)()>("misusefilter", "misuse_sessions_ended");
    const auto stale_call = fixture_symbol<BOOL (*)(DWORD*)>("misusefilter", "misuse_stale_call");
    ASSERT_NE(ended, nullptr);
    ASSERT_NE(stale_call, nullptr);
    const LONG before = ended();
    {
        filter_session session(chain, 13, false);
        test_request request;
        EXPECT_EQ(preproc(session, request.get()).outcome, filter_outcome::next);
    }
    EXPECT_EQ(ended(), before + 1);
    DWORD error = 0;
    EXPECT_EQ(stale_call(&error), FALSE);
    EXPECT_EQ(error, static_cast<DWORD>(ERROR_INVALID_PARAMETER));
}

TEST_F(filter_session_test, a_secure_only_filter_is_skipped_on_plain_http) {
    // authfilter registers both ports; orderfilter too: the port rule is exercised through the
    // registration of a flags word with only the secure bit (unit-tested in notification_test),
    // and here through fIsSecurePort, which the session sets from the request's transport.
    const filter_chain chain({{"high", fixture("orderfilter_high")}});
    filter_session secure_session(chain, 14, true);
    test_request request;
    EXPECT_EQ(preproc(secure_session, request.get()).outcome, filter_outcome::next);
    EXPECT_EQ(request.get().head.get("X-Filter-Order:"), "high");
}

}  // namespace
}  // namespace isapi_fcgi::filters
