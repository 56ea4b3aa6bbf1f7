// The host's own behaviour around extensions, through each real front end and its shipped
// configuration, with the fixture extensions (tests/fixtures/extensions): HSE_STATUS_ERROR,
// exceptions, unmapped URLs, symbol clashes, a failing GetExtensionVersion, DllMain, limits and
// the access log.
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "isapi/isapi_fixture.hpp"

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

std::regex loose(const std::string& pattern)
{
    return std::regex(pattern, std::regex::ECMAScript | std::regex::icase);
}

std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

class isapi_host : public isapi_behind_front {
protected:
    void SetUp() override { start(); }

    void expect_hello_still_served()
    {
        auto hello = get("/scripts/hello.dll");
        EXPECT_EQ(hello.status, 200) << hello.describe();
        EXPECT_EQ(hello.body, "Hello from ISAPI!\r\n");
    }
};

TEST_F(isapi_host, status_error_before_any_output_gives_500_with_a_short_body)
{
    auto result = get("/scripts/error_status.dll?when=before");
    EXPECT_EQ(result.status, 500) << result.describe();
    EXPECT_LT(result.body.size(), 1024u) << result.body;
    expect_hello_still_served();
}

TEST_F(isapi_host, status_error_after_a_complete_response_keeps_it_intact)
{
    const auto mark = sidecar().log_mark();
    auto result = get("/scripts/error_status.dll?when=after");
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.body, "error_status: complete body\n");
    EXPECT_EQ(result.curl_exit, 0) << result.curl_error;
    // The host logs the request as failed.
    EXPECT_TRUE(sidecar().wait_for_log(loose(R"(error_status.*500|500.*error_status)"), soon(),
                                       mark))
        << tail(sidecar().log());
    expect_hello_still_served();
}

TEST_F(isapi_host, status_error_after_the_header_only_keeps_the_header)
{
    auto result = get("/scripts/error_status.dll?when=header");
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.body, "");
    EXPECT_EQ(result.curl_exit, 0) << result.curl_error;
}

TEST_F(isapi_host, zero_return_without_output_sends_dw_http_status_code)
{
    auto result = get("/scripts/error_status.dll?when=zero");
    EXPECT_EQ(result.status, 202) << result.describe();
    EXPECT_EQ(result.body, "");
}

TEST_F(isapi_host, an_undefined_return_value_counts_as_hse_status_error)
{
    const auto mark = sidecar().log_mark();
    auto result = get("/scripts/error_status.dll?when=seven");
    EXPECT_EQ(result.status, 500) << result.describe();
    EXPECT_TRUE(sidecar().wait_for_log(loose(R"(returned an undefined status \(7\); treated as HSE_STATUS_ERROR)"),
                                       soon(), mark))
        << tail(sidecar().log());
    expect_hello_still_served();
}

TEST_F(isapi_host, unmapped_urls_get_404)
{
    for (const char* path : {"/scripts/nothing.dll", "/scripts/hello.dllx", "/other/hello.dll",
                             "/scripts/nothing.dll/hello.dll"}) {
        auto result = get(path);
        EXPECT_EQ(result.status, 404) << path << ": " << result.describe();
        EXPECT_EQ(result.body.find("Hello from ISAPI"), std::string::npos) << path;
    }
    expect_hello_still_served();
}

TEST_F(isapi_host, extensions_with_clashing_global_symbols_each_see_their_own)
{
    auto a = get("/scripts/clash_a.dll");
    auto b = get("/scripts/clash_b.dll");
    auto a_again = get("/scripts/clash_a.dll");
    EXPECT_EQ(a.status, 200) << a.describe();
    EXPECT_EQ(a.body, "clash_a identity=clash_a describe=clash_a counter=1\n");
    EXPECT_EQ(b.status, 200) << b.describe();
    EXPECT_EQ(b.body, "clash_b identity=clash_b describe=clash_b counter=1\n");
    EXPECT_EQ(a_again.body, "clash_a identity=clash_a describe=clash_a counter=2\n");
}

TEST_F(isapi_host, failing_get_extension_version_gives_500_while_others_work)
{
    // Logged loudly at start-up, naming the extension.
    EXPECT_TRUE(sidecar().wait_for_log(loose(R"(fail_version.*GetExtensionVersion)"), soon()))
        << tail(sidecar().log());
    for (int i = 0; i < 2; ++i) {
        auto result = get("/scripts/fail_version.dll");
        EXPECT_EQ(result.status, 500) << result.describe();
        EXPECT_EQ(result.body.find("HttpExtensionProc was called"), std::string::npos)
            << result.body;
    }
    expect_hello_still_served();
    auto clash = get("/scripts/clash_a.dll");
    EXPECT_EQ(clash.status, 200) << clash.describe();
}

TEST_F(isapi_host, escaping_exceptions_give_500_and_the_sidecar_survives)
{
    const auto mark = sidecar().log_mark();
    auto standard = get("/scripts/throws.dll?what=std");
    EXPECT_EQ(standard.status, 500) << standard.describe();
    auto integer = get("/scripts/throws.dll?what=int");
    EXPECT_EQ(integer.status, 500) << integer.describe();
    auto after = get("/scripts/throws.dll?what=after");
    EXPECT_EQ(after.status, 200) << after.describe();
    EXPECT_EQ(after.body, "throws: complete body\n");
    auto none = get("/scripts/throws.dll?what=none");
    EXPECT_EQ(none.status, 200) << none.describe();
    EXPECT_EQ(none.body, "throws: no exception\n");

    EXPECT_TRUE(sidecar().wait_for_log(loose(R"(throws.*std exception)"), soon(), mark))
        << tail(sidecar().log());
    EXPECT_TRUE(sidecar().process().running());
    expect_hello_still_served();
}

TEST_F(isapi_host, dllmain_sees_attach_before_version_and_detach_after_terminate)
{
    auto result = get("/scripts/dllmain.dll");
    ASSERT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.body.rfind("attach version", 0), 0u) << result.body;
    EXPECT_NE(result.body.find(" hinst=nonnull reserved=null\n"), std::string::npos)
        << result.body;

    stop_all();
    if (HasFailure()) {
        return;
    }
    auto events = lines_of(read_file(dllmain_log()));
    std::vector<std::string> process_events;
    for (const auto& event : events) {
        if (event.rfind("thread_", 0) != 0) {
            process_events.push_back(event);
        }
    }
    EXPECT_EQ(process_events,
              (std::vector<std::string>{"attach", "version", "terminate:2", "detach"}))
        << read_file(dllmain_log());
}

TEST_F(isapi_host, access_log_line_has_method_url_and_status)
{
    const auto mark = sidecar().log_mark();
    auto ok = get("/scripts/hello.dll?from=access-log");
    ASSERT_EQ(ok.status, 200) << ok.describe();
    auto missing = get("/scripts/nothing.dll?from=access-log");
    ASSERT_EQ(missing.status, 404) << missing.describe();

    auto line = wait_access_line("GET /scripts/hello.dll?from=access-log", mark);
    ASSERT_TRUE(line.has_value()) << tail(sidecar().log());
    EXPECT_TRUE(std::regex_search(
        *line, std::regex(R"("GET /scripts/hello\.dll\?from=access-log" 200 )")))
        << *line;
    EXPECT_NE(line->find("out=19"), std::string::npos) << *line;
    EXPECT_NE(line->find("ext=hello"), std::string::npos) << *line;
    // The host's own answers are requests too: one line each, with what the client got.
    auto missing_line = wait_access_line("GET /scripts/nothing.dll?from=access-log", mark);
    ASSERT_TRUE(missing_line.has_value()) << tail(sidecar().log());
    EXPECT_NE(missing_line->find("\" 404 "), std::string::npos) << *missing_line;
    EXPECT_NE(missing_line->find("out=" + std::to_string(missing.body.size())), std::string::npos) << *missing_line;

    auto redirect_mark = sidecar().log_mark();
    auto redirect = get("/scripts/redirect.dll?url=%2Fx");
    ASSERT_EQ(redirect.status, 302) << redirect.describe();
    auto redirect_line = wait_access_line("GET /scripts/redirect.dll?url=%2Fx", redirect_mark);
    ASSERT_TRUE(redirect_line.has_value()) << tail(sidecar().log());
    EXPECT_NE(redirect_line->find("\" 302 "), std::string::npos) << *redirect_line;
}

class isapi_host_limits : public isapi_behind_front {};

TEST_F(isapi_host_limits, declared_body_over_max_request_body_gets_413)
{
    auto options = standard_options();
    options.pool_extra = "    max_request_body: 65536\n";
    start(options);
    const auto mark = sidecar().log_mark();
    auto result = post("/scripts/formdump.dll", std::string(1u << 20, 'x'),
                       {"Content-Type: application/octet-stream"});
    EXPECT_EQ(result.status, 413) << result.describe();
    EXPECT_TRUE(sidecar().wait_for_log(loose(R"(413.*max_request_body)"), soon(), mark))
        << tail(sidecar().log());
    auto line = wait_access_line("POST /scripts/formdump.dll", mark);
    ASSERT_TRUE(line.has_value()) << tail(sidecar().log());
    EXPECT_NE(line->find("\" 413 "), std::string::npos) << *line;
    // Within the limit, the same extension works.
    auto small = post("/scripts/formdump.dll", std::string(1000, 'y'));
    EXPECT_EQ(small.status, 200) << small.describe();
    EXPECT_EQ(small.body.rfind("bytes=1000\n", 0), 0u) << small.body;
}

class isapi_host_startup : public ::testing::Test {
protected:
    /// Runs the sidecar with `options` and expects it to refuse to start.
    void expect_refused(isapi_sidecar_options options, const std::string& message_pattern)
    {
        isapi_sidecar sidecar(std::move(options));
        auto end = sidecar.process().wait(deadline_after(scaled(10s)));
        if (!end) {
            sidecar.stop();
            FAIL() << "the sidecar kept running:\n" << tail(sidecar.log());
        }
        EXPECT_TRUE(end->exited) << end->describe();
        EXPECT_EQ(end->exit_code, 1) << end->describe() << "\n" << tail(sidecar.log());
        EXPECT_TRUE(std::regex_search(sidecar.log(), loose(message_pattern)))
            << "expected /" << message_pattern << "/ in:\n" << tail(sidecar.log());
        EXPECT_FALSE(std::regex_search(sidecar.log(), std::regex("listening on")))
            << tail(sidecar.log());
        EXPECT_TRUE(sanitizer_reports(sidecar.log()).empty()) << tail(sidecar.log());
    }
};

TEST_F(isapi_host_startup, required_extension_failing_get_extension_version_stops_start_up)
{
    isapi_sidecar_options options;
    options.extensions.push_back(mapped_extension("hello"));
    auto failing = mapped_extension("fail_version");
    failing.required = true;
    options.extensions.push_back(failing);
    expect_refused(options, R"(fail_version.*GetExtensionVersion)");
}

// Not required, it would be isolated instead (its URLs answer 500): tests/ops/load_failure_test.cpp.
TEST_F(isapi_host_startup, required_extension_that_cannot_be_loaded_stops_start_up_naming_it)
{
    temp_dir scratch("isapi-fcgi-missing-ext");
    isapi_sidecar_options options;
    options.extensions.push_back(mapped_extension("hello"));
    options.extensions.push_back(
        {"ghost", scratch.file("ghost.so"), {"/scripts/ghost.dll"}, true});
    expect_refused(options, R"(ghost.*ghost\.so: cannot open shared object file)");
}

}  // namespace
}  // namespace isapi_fcgi::test
