// ISAPI filters around the requests the sidecar serves itself, through real nginx and Apache
// httpd (mod_proxy_fcgi) running the shipped snippets, with the filter fixtures of
// tests/fixtures/filters: each notification, request side and response side, as a client sees
// it. The rows of docs/compatibility.md ("ISAPI filters behind a proxy") name these tests.
// Built a second time (tests/wine_worker) with the extensions as PE DLLs under Wine: the tests
// that reach an extension run there with the same assertions (docs/wine.md, "ISAPI filters").
#include <fcntl.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "isapi/isapi_fixture.hpp"

namespace isapi_fcgi::test {
namespace {

std::string filter_path(const std::string& name) { return std::string(ISAPI_FILTER_FIXTURE_DIR) + "/" + name + ".so"; }

std::string read_whole(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class isapi_filters : public isapi_behind_front {
protected:
    /// The standard extensions plus headerblock, and `filters` (target names) in this order.
    void start_with(const std::vector<std::string>& filters, std::string extra = {}, std::string access_format = "text")
    {
        start(options_with(filters, std::move(extra), std::move(access_format)));
    }

    isapi_sidecar_options options_with(const std::vector<std::string>& filters, std::string extra = {},
                                       std::string access_format = "text")
    {
        auto options = standard_options();
        options.access_format = std::move(access_format);
        options.extensions.push_back({"headerblock", ISAPI_EXT_HEADERBLOCK, {"/scripts/headerblock.dll"}});
        options.pool_extra = "    filters:\n";
        for (const auto& f : filters)
            options.pool_extra += "      - {name: " + f + ", path: " + filter_path(f) + "}\n";
        options.pool_extra += extra;
#ifdef ISAPI_WINE_TEST_PREFIX
        // Built a second time (tests/wine_worker): the extensions these tests reach are PE DLLs
        // from the same sources, served by the Windows worker under Wine; the filters stay native.
        for (auto& extension : options.extensions) {
            if (extension.name != "hello" && extension.name != "servervars" && extension.name != "formdump" &&
                extension.name != "bigresponse" && extension.name != "headerblock")
                continue;
            extension.path = std::filesystem::path(ISAPI_WINE_DLL_DIR) / (extension.name + ".dll");
            extension.wine = true;
        }
        options.env.push_back("WINEPREFIX=" ISAPI_WINE_TEST_PREFIX);
#endif
        const auto users = work().file("users");
        std::ofstream(users) << "alice:wonderland\n";
        options.env.push_back("AUTHFILTER_USERS=" + users.string());
        return options;
    }

    /// Two GETs of `path` on one client connection (one curl, keep-alive): the second's body.
    std::string second_on_one_connection(const std::string& path, std::string& first_body)
    {
        const auto second = work().file("second-" + std::to_string(++calls_) + ".body");
        const auto result = curl(path, {front().url(path), "-o", second.string()});
        EXPECT_EQ(result.curl_exit, 0) << result.describe();
        first_body = result.body;
        return read_whole(second);
    }
    int calls_ = 0;
};

TEST_F(isapi_filters, basic_authentication_denies_with_the_filters_own_401_and_lets_a_known_user_through)
{
    start_with({"authfilter"});
    const auto denied = get("/scripts/hello.dll");
    EXPECT_EQ(denied.status, 401) << denied.describe();
    EXPECT_EQ(denied.head.header("WWW-Authenticate"), "Basic realm=\"isapi-fcgi test\"");
    EXPECT_EQ(denied.body, "authfilter: credentials required\n");

    const auto wrong = curl("/scripts/hello.dll", {"-u", "alice:rabbit"});
    EXPECT_EQ(wrong.status, 401) << wrong.describe();

    const auto allowed = curl("/scripts/servervars.dll?var=HTTP_X_REMOTE_USER", {"-u", "alice:wonderland"});
    EXPECT_EQ(allowed.status, 200) << allowed.describe();
    EXPECT_NE(allowed.body.find("HTTP_X_REMOTE_USER=alice"), std::string::npos) << allowed.body;
    EXPECT_EQ(allowed.head.header("X-Authenticated-User"), "alice") << "AddResponseHeaders reaches the response";
    stop_all();
}

TEST_F(isapi_filters, a_url_rewritten_in_preproc_headers_routes_to_another_extension)
{
    start_with({"rewritefilter"});
    const auto unfiltered = get("/scripts/legacy.dll");
    EXPECT_EQ(unfiltered.status, 404) << "legacy.dll is mapped to no extension";
    const auto routed = get("/scripts/legacy.dll/servervars/a?var=HTTP_X_ORIGINAL_URL&var=URL&var=PATH_INFO");
    EXPECT_EQ(routed.status, 200) << routed.describe();
    EXPECT_NE(routed.body.find("HTTP_X_ORIGINAL_URL=/scripts/legacy.dll/servervars/a?var="), std::string::npos)
        << routed.body;
    EXPECT_NE(routed.body.find("URL=/scripts/servervars.dll/a\n"), std::string::npos) << routed.body;
    EXPECT_NE(routed.body.find("PATH_INFO=/a\n"), std::string::npos) << routed.body;
    stop_all();
}

TEST_F(isapi_filters, send_response_edits_the_status_and_headers)
{
    start_with({"headerfilter"});
    const auto plain = get("/scripts/hello.dll");
    EXPECT_EQ(plain.status, 200) << plain.describe();
    EXPECT_EQ(plain.head.header("X-Filtered-By"), "headerfilter");
    EXPECT_EQ(plain.head.header("X-Seen-Content-Type"), "text/plain");
    EXPECT_EQ(plain.body, "Hello from ISAPI!\r\n");
    const auto changed = get("/scripts/hello.dll", {"X-Set-Status: 203"});
    EXPECT_EQ(changed.status, 203) << changed.describe();
    EXPECT_EQ(changed.head.header("X-Filtered-By"), "headerfilter");
    stop_all();
}

TEST_F(isapi_filters, a_401_from_an_extension_raises_access_denied_before_send_response)
{
    start_with({"headerfilter"});
    const auto denied = get("/scripts/headerblock.dll?status=401");
    EXPECT_EQ(denied.status, 401) << denied.describe();
    EXPECT_EQ(denied.head.header("X-Access-Denied-Seen"), "/scripts/headerblock.dll");
    EXPECT_EQ(denied.head.header("X-Filtered-By"), "headerfilter");
    const auto fine = get("/scripts/headerblock.dll?status=200");
    EXPECT_EQ(fine.status, 200) << fine.describe();
    EXPECT_FALSE(fine.head.header("X-Access-Denied-Seen")) << "ACCESS_DENIED is for 401s only";
    stop_all();
}

TEST_F(isapi_filters, url_map_sees_the_url_and_its_physical_path_under_the_document_root)
{
    const auto root = work().file("www");
    std::filesystem::create_directories(root);
    start_with({"headerfilter"}, "    document_root: " + root.string() + "\n");
    const auto mapped = get("/scripts/hello.dll/more?q=1");
    EXPECT_EQ(mapped.status, 200) << mapped.describe();
    EXPECT_EQ(mapped.head.header("X-Url-Map"),
              "/scripts/hello.dll/more -> " + root.string() + "/scripts/hello.dll/more")
        << mapped.describe();
    stop_all();
}

TEST_F(isapi_filters, send_raw_data_rewrites_the_body_block_by_block)
{
    start_with({"rawdatafilter"});
    const auto upper = get("/scripts/hello.dll", {"X-Transform: upper"});
    EXPECT_EQ(upper.status, 200) << upper.describe();
    EXPECT_EQ(upper.body, "HELLO FROM ISAPI!\r\n");
    const auto framed = get("/scripts/hello.dll", {"X-Transform: frame"});
    EXPECT_EQ(framed.body, "[Hello from ISAPI!\r\n]") << "a filter's own buffer, longer than the block";
    const auto counted = get("/scripts/hello.dll", {"X-Transform: count"});
    EXPECT_EQ(counted.body, "Hello from ISAPI!\r\n[blocks: 1]\n") << "WriteClient in END_OF_REQUEST ends the body";
    // A large body streams: the filter sees it in many blocks, each transformed.
    const auto big = get("/scripts/bigresponse.dll?size=1048576", {"X-Transform: upper"});
    EXPECT_EQ(big.status, 200) << big.describe();
    EXPECT_EQ(big.body.size(), 1048576u);
    EXPECT_EQ(big.body.find_first_of("abcdefghijklmnopqrstuvwxyz"), std::string::npos);
    stop_all();
}

TEST_F(isapi_filters, read_raw_data_sees_the_request_head_rebuilt_from_the_params)
{
    start_with({"rawdatafilter"});
    const auto result = get("/scripts/hello.dll/p?x=1");
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.head.header("X-Raw-Request-Line"), "GET /scripts/hello.dll/p?x=1 HTTP/1.1");
    stop_all();
}

TEST_F(isapi_filters, log_edits_the_access_log_record)
{
    start_with({"logfilter"}, {}, "json");
    const auto result = get("/scripts/hello.dll?a=1");
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.body, "Hello from ISAPI!\r\n") << "LOG changes the record, not the response";
    const auto line = sidecar().wait_for_log(std::regex(R"(\{.*"edited-by=logfilter&was=a=1".*\})"), soon());
    ASSERT_TRUE(line) << sidecar().log();
    EXPECT_NE(line->find("\"logfilter\""), std::string::npos) << "the user the filter named: " << *line;
    stop_all();
}

/// The access log line (json) whose query string logfilter edited from `was`.
std::regex edited_log_line(const std::string& was)
{
    return std::regex(R"(\{.*"edited-by=logfilter&was=)" + was + R"(".*\})");
}

std::size_t header_count(const http_result& result, std::string_view name)
{
    std::size_t n = 0;
    for (const auto& [field, value] : result.head.headers)
        if (field.size() == name.size() && ::strncasecmp(field.data(), name.data(), name.size()) == 0) ++n;
    return n;
}

TEST_F(isapi_filters, the_hosts_own_404_goes_through_send_response_send_raw_data_end_of_request_and_log)
{
    start_with({"headerfilter", "rawdatafilter", "logfilter"}, {}, "json");
    // SEND_RESPONSE: a header added, the status changed; the request side's AddResponseHeaders
    // (READ_RAW_DATA here) reach it too.
    const auto changed = get("/scripts/nothing.dll?a=1", {"X-Set-Status: 410"});
    EXPECT_EQ(changed.status, 410) << changed.describe();
    EXPECT_EQ(changed.head.header("X-Filtered-By"), "headerfilter") << changed.describe();
    EXPECT_EQ(changed.head.header("X-Seen-Content-Type"), "text/plain; charset=utf-8") << changed.describe();
    EXPECT_EQ(changed.head.header("X-Raw-Request-Line"), "GET /scripts/nothing.dll?a=1 HTTP/1.1");
    EXPECT_NE(changed.body.find("no extension is mapped to"), std::string::npos) << changed.describe();
    // LOG: the record is the host's answer, with the status the client got.
    const auto line = sidecar().wait_for_log(edited_log_line("a=1"), soon());
    ASSERT_TRUE(line) << sidecar().log();
    EXPECT_NE(line->find("\"status\":410"), std::string::npos) << *line;
    EXPECT_NE(line->find("\"logfilter\""), std::string::npos) << *line;
    // SEND_RAW_DATA sees the host's body; END_OF_REQUEST's WriteClient ends it.
    const auto upper = get("/scripts/nothing.dll", {"X-Transform: upper"});
    EXPECT_EQ(upper.status, 404) << upper.describe();
    EXPECT_NE(upper.body.find("404 NOT FOUND: NO EXTENSION IS MAPPED TO"), std::string::npos) << upper.body;
    const auto counted = get("/scripts/nothing.dll", {"X-Transform: count"});
    EXPECT_EQ(counted.status, 404) << counted.describe();
    EXPECT_NE(counted.body.find("404 Not Found: no extension is mapped to"), std::string::npos) << counted.body;
    EXPECT_TRUE(counted.body.ends_with("\n[blocks: 1]\n")) << counted.body;
    stop_all();
}

TEST_F(isapi_filters, the_hosts_own_413_goes_through_send_response_and_log)
{
    start_with({"headerfilter", "logfilter"}, "    max_request_body: 65536\n", "json");
    const auto refused = post("/scripts/formdump.dll?c=3", std::string(1u << 20, 'x'),
                              {"Content-Type: application/octet-stream"});
    EXPECT_EQ(refused.status, 413) << refused.describe();
    EXPECT_EQ(refused.head.header("X-Filtered-By"), "headerfilter") << refused.describe();
    const auto line = sidecar().wait_for_log(edited_log_line("c=3"), soon());
    ASSERT_TRUE(line) << sidecar().log();
    EXPECT_NE(line->find("\"status\":413"), std::string::npos) << *line;
    stop_all();
}

TEST_F(isapi_filters, a_filters_own_response_goes_through_send_response_and_log)
{
    start_with({"authfilter", "headerfilter", "logfilter"}, {}, "json");
    const auto denied = get("/scripts/hello.dll?b=2");
    EXPECT_EQ(denied.status, 401) << denied.describe();
    EXPECT_EQ(denied.head.header("WWW-Authenticate"), "Basic realm=\"isapi-fcgi test\"");
    EXPECT_EQ(denied.body, "authfilter: credentials required\n");
    EXPECT_EQ(denied.head.header("X-Filtered-By"), "headerfilter") << "SEND_RESPONSE: " << denied.describe();
    EXPECT_EQ(header_count(denied, "X-Access-Denied-Seen"), 1u) << "ACCESS_DENIED once: " << denied.describe();
    const auto line = sidecar().wait_for_log(edited_log_line("b=2"), soon());
    ASSERT_TRUE(line) << sidecar().log();
    EXPECT_NE(line->find("\"status\":401"), std::string::npos) << *line;
    // SEND_RESPONSE may change a filter's status as any other.
    const auto changed = get("/scripts/hello.dll", {"X-Set-Status: 403"});
    EXPECT_EQ(changed.status, 403) << changed.describe();
    stop_all();
}

TEST_F(isapi_filters, the_500_for_a_failing_filter_goes_through_send_response_and_log)
{
    start_with({"misusefilter", "headerfilter", "logfilter"}, {}, "json");
    const auto failed = get("/scripts/hello.dll?d=4", {"X-Misuse: status"});
    EXPECT_EQ(failed.status, 500) << failed.describe();
    EXPECT_EQ(failed.body.find("Hello"), std::string::npos) << "never served unfiltered";
    EXPECT_EQ(failed.head.header("X-Filtered-By"), "headerfilter") << failed.describe();
    const auto line = sidecar().wait_for_log(edited_log_line("d=4"), soon());
    ASSERT_TRUE(line) << sidecar().log();
    EXPECT_NE(line->find("\"status\":500"), std::string::npos) << *line;
    stop_all();
}

TEST_F(isapi_filters, two_filters_of_different_priority_see_an_event_high_first)
{
    // Configured low first: the priority, not the list, decides.
    start_with({"orderfilter_low_a", "orderfilter_high"});
    const auto result = get("/scripts/servervars.dll?var=HTTP_X_FILTER_ORDER");
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_NE(result.body.find("HTTP_X_FILTER_ORDER=high, low-a\n"), std::string::npos) << result.body;
    stop_all();
}

TEST_F(isapi_filters, the_filter_context_counts_the_requests_of_one_client_connection)
{
    start_with({"orderfilter_high"});
    std::string first;
    const auto second = second_on_one_connection("/scripts/servervars.dll?var=HTTP_X_FILTER_SEEN_HIGH", first);
    EXPECT_NE(first.find("HTTP_X_FILTER_SEEN_HIGH=1\n"), std::string::npos) << first;
    EXPECT_NE(second.find("HTTP_X_FILTER_SEEN_HIGH=2\n"), std::string::npos) << "same client connection: " << second;
    const auto other = get("/scripts/servervars.dll?var=HTTP_X_FILTER_SEEN_HIGH");
    EXPECT_NE(other.body.find("HTTP_X_FILTER_SEEN_HIGH=1\n"), std::string::npos) << "a new connection: " << other.body;
    stop_all();
}

TEST_F(isapi_filters, a_filter_that_fails_gets_a_500_logged_once_naming_it)
{
    start_with({"misusefilter"});
    const auto mark = sidecar().log_mark();
    for (int i = 0; i < 3; ++i) {
        const auto result = get("/scripts/hello.dll", {"X-Misuse: status"});
        EXPECT_EQ(result.status, 500) << result.describe();
        EXPECT_EQ(result.body.find("Hello"), std::string::npos) << "never served unfiltered";
    }
    const auto fine = get("/scripts/hello.dll");
    EXPECT_EQ(fine.status, 200) << "the next request is served: " << fine.describe();
    EXPECT_EQ(sidecar().log_lines(std::regex("filter 'misusefilter': HttpFilterProc returned 0x1234"), mark).size(), 1u)
        << sidecar().log();
    stop_all();
}

TEST_F(isapi_filters, wrong_buffer_sizes_and_header_injection_get_iis_error_codes)
{
    start_with({"misusefilter"});
    const auto small = get("/scripts/servervars.dll?var=HTTP_X_MISUSE_RESULT",
                           {"X-Misuse: smallbuffer", "User-Agent: filter-test/1.0"});
    EXPECT_EQ(small.status, 200) << small.describe();
    // ERROR_INSUFFICIENT_BUFFER (122) and the size needed, NUL included.
    EXPECT_NE(small.body.find("HTTP_X_MISUSE_RESULT=FALSE 122 16\n"), std::string::npos) << small.body;
    const auto split = get("/scripts/servervars.dll?var=HTTP_X_MISUSE_RESULT&var=HTTP_X_INJECTED", {"X-Misuse: crlf"});
    EXPECT_EQ(split.status, 200) << split.describe();
    EXPECT_NE(split.body.find("HTTP_X_MISUSE_RESULT=FALSE 87\n"), std::string::npos) << split.body;
    EXPECT_EQ(split.body.find("HTTP_X_INJECTED=1"), std::string::npos) << split.body;
    stop_all();
}

TEST_F(isapi_filters, a_filter_that_crashes_kills_only_its_worker)
{
    // Under ASan/TSan the deliberate SIGSEGV is left to the default action (death by the signal,
    // as in a release build) instead of the sanitizer's report-and-exit. Set here, not as a CTest
    // ENVIRONMENT list, which gtest_discover_tests cuts at its first ';'.
    ::setenv("ASAN_OPTIONS", "handle_segv=0", 1);
    ::setenv("TSAN_OPTIONS", "handle_segv=0", 1);
    start_with({"misusefilter"});
    allow_front_problems("upstream prematurely closed|reset by peer|AH01067|AH01075|AH01068|AH01079|AH01097|AH00898");
    const auto mark = sidecar().log_mark();
    const auto crashed = get("/scripts/hello.dll", {"X-Misuse: crash"});
    EXPECT_NE(crashed.status, 200) << crashed.describe();
    EXPECT_EQ(crashed.body.find("Hello"), std::string::npos) << crashed.describe();
    ASSERT_TRUE(sidecar().wait_for_log(std::regex("killed by SIGSEGV"), soon(), mark)) << sidecar().log();
    // The master replaces the worker; the pool serves on.
    ASSERT_TRUE(sidecar().wait_for_log(std::regex(R"(worker \d+ \(pid \d+\): ready)"), soon(), mark)) << sidecar().log();
    const auto next = get("/scripts/hello.dll");
    EXPECT_EQ(next.status, 200) << next.describe();
    EXPECT_EQ(next.body, "Hello from ISAPI!\r\n");
    stop_all();
}

TEST_F(isapi_filters, a_send_raw_data_failure_after_the_head_cuts_the_response)
{
    start_with({"rawdatafilter"});
    allow_front_problems(
        "upstream prematurely closed|closed connection|Premature end|reset by peer|AH01067|AH01075|AH01068");
    const auto result = get("/scripts/hello.dll", {"X-Transform: fail"});
    // nginx passes the head on and the client sees a truncated body; Apache, which had not
    // sent the head yet, answers with its own error page.
    EXPECT_TRUE(result.curl_exit != 0 || result.body.empty() || result.status >= 500) << result.describe();
    EXPECT_EQ(result.body.find("Hello"), std::string::npos) << result.describe();
    const auto fine = get("/scripts/hello.dll");
    EXPECT_EQ(fine.status, 200) << fine.describe();
    stop_all();
}

// The host hands the access log record over before the response's end reaches the filters; for
// a client that left, the record must still wait for that end (END_OF_REQUEST), or the session
// is let go first and END_OF_REQUEST runs on a session no longer held: the worker crashed.
TEST_F(isapi_filters, a_client_that_leaves_a_held_request_gets_end_of_request_before_the_session_goes)
{
    if (behind_apache()) GTEST_SKIP() << "mod_proxy_fcgi passes a client's departure on only when it writes to it";
    auto options = options_with({"rawdatafilter"});
    options.extensions.push_back({"probe", ISAPI_EXT_PROBE_NATIVE, {"/scripts/probe.dll"}});
    const auto probe_log = work().file("probe.log");
    const auto release = work().file("release.fifo");
    options.env.push_back("ISAPI_PROBE_LOG=" + probe_log.string());
    options.env.push_back("ISAPI_PROBE_RELEASE=" + release.string());
    ASSERT_EQ(::mkfifo(release.c_str(), 0600), 0);
    const int release_fd = ::open(release.c_str(), O_RDWR | O_CLOEXEC);
    ASSERT_GE(release_fd, 0);
    start(std::move(options));
    allow_front_problems("client prematurely closed|upstream prematurely closed|client closed|reset by peer");

    const int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(client, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(front().port());
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(client, reinterpret_cast<const sockaddr*>(&to), sizeof to), 0);
    const std::string request = "GET /scripts/probe.dll?op=hold HTTP/1.1\r\nHost: localhost\r\n\r\n";
    ASSERT_EQ(::send(client, request.data(), request.size(), MSG_NOSIGNAL), static_cast<ssize_t>(request.size()));
    ASSERT_TRUE(wait_file_line(probe_log, std::regex("^hold 1$"), soon()));
    const auto mark = sidecar().log_mark();
    ::close(client);
    ASSERT_TRUE(sidecar().wait_for_log(std::regex("aborting 1 request|the web server aborted the request",
                                                  std::regex::icase),
                                       soon(), mark))
        << sidecar().log();

    // The held request ends now, for nobody: its record (499) and its end race to the filters.
    ASSERT_EQ(::write(release_fd, "x", 1), 1);
    ::close(release_fd);
    const auto line = wait_access_line("GET /scripts/probe.dll?op=hold", mark);
    ASSERT_TRUE(line) << sidecar().log();
    EXPECT_NE(line->find(" 499 "), std::string::npos) << *line;
    const auto fine = get("/scripts/hello.dll");
    EXPECT_EQ(fine.status, 200) << fine.describe();
    const auto after = sidecar().log().substr(mark);
    EXPECT_EQ(after.find("SIGSEGV"), std::string::npos) << after;
    EXPECT_FALSE(std::regex_search(after, std::regex(R"(worker \d+ \(pid \d+\) (exited|killed))"))) << after;
    stop_all();
}

}  // namespace
}  // namespace isapi_fcgi::test
