// More of the host's contract with extensions, through each real front end and its shipped
// configuration: the ECB fields an extension sees, callbacks with ended or forged ConnIDs, the
// extension-thread queue timeout, and a streamed body crossing max_request_body.
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
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

/// "name=value" lines as a map.
std::map<std::string, std::string> fields_of(const std::string& text)
{
    std::map<std::string, std::string> fields;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        const auto eq = line.find('=');
        if (eq != std::string::npos) {
            fields[line.substr(0, eq)] = line.substr(eq + 1);
        }
    }
    return fields;
}

isapi_extension_entry extra_extension(const std::string& name, const std::string& path)
{
    return {name, path, {"/scripts/" + name + ".dll"}, false};
}

class isapi_host_more : public isapi_behind_front {
protected:
    /// The standard extensions plus this file's fixtures.
    isapi_sidecar_options more_options() const
    {
        auto options = standard_options();
        options.extensions.push_back(extra_extension("ecbdump", ISAPI_EXT_ECBDUMP));
        options.extensions.push_back(extra_extension("staleconn", ISAPI_EXT_STALECONN));
        options.extensions.push_back(extra_extension("sleeper", ISAPI_EXT_SLEEPER));
        options.env.push_back("ISAPI_SLEEPER_LOG=" + sleeper_log().string());
        return options;
    }

    std::filesystem::path sleeper_log() const { return work_.file("sleeper-entries.log"); }

    /// Waits (bounded) until the sleeper fixture noted `line` in its log.
    bool wait_sleeper_entry(const std::string& line, deadline until)
    {
        return wait_file_line(sleeper_log(), std::regex("^" + std::regex_replace(line, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") + "$"), until).has_value();
    }

    /// The ECB ecbdump saw for `result`, after checking what every request has in common.
    std::map<std::string, std::string> ecb_of(const http_result& result)
    {
        EXPECT_EQ(result.status, 200) << result.describe();
        auto ecb = fields_of(result.body);
        EXPECT_EQ(ecb["cbSize"], ecb["sizeof_ecb"]) << result.body;
        EXPECT_EQ(ecb["dwVersion"], ecb["hse_version"]) << result.body;
        EXPECT_EQ(ecb["dwHttpStatusCode"], "200") << result.body;
        EXPECT_EQ(ecb["lpbData_nul"], "1") << result.body;
        EXPECT_EQ(ecb["null_strings"], "0") << result.body;
        return ecb;
    }

    /// A body file of `size` bytes in the work dir.
    std::filesystem::path body_file(const std::string& name, std::size_t size)
    {
        auto path = work().file(name);
        std::ofstream(path, std::ios::binary) << std::string(size, 'b');
        return path;
    }
};

TEST_F(isapi_host_more, ecb_of_a_get_has_no_body_and_a_terminated_empty_lpb_data)
{
    start(more_options());
    auto ecb = ecb_of(get("/scripts/ecbdump.dll/a/b?x=1&y=2"));
    EXPECT_EQ(ecb["cbTotalBytes"], "0");
    EXPECT_EQ(ecb["cbAvailable"], "0");
    EXPECT_EQ(ecb["lpszMethod"], "GET");
    EXPECT_EQ(ecb["lpszQueryString"], "x=1&y=2");
    EXPECT_EQ(ecb["lpszPathInfo"], "/a/b");
    EXPECT_EQ(ecb["lpszContentType"], "");
}

TEST_F(isapi_host_more, ecb_of_a_small_post_holds_the_whole_body)
{
    start(more_options());
    auto ecb = ecb_of(post("/scripts/ecbdump.dll", std::string(1000, 'p'),
                           {"Content-Type: application/x-test"}));
    EXPECT_EQ(ecb["cbTotalBytes"], "1000");
    EXPECT_EQ(ecb["cbAvailable"], "1000");
    EXPECT_EQ(ecb["lpszMethod"], "POST");
    EXPECT_EQ(ecb["lpszQueryString"], "");
    EXPECT_EQ(ecb["lpszContentType"], "application/x-test");
}

TEST_F(isapi_host_more, ecb_of_a_large_post_reads_ahead_upload_read_ahead_bytes)
{
    start(more_options());
    auto file = body_file("large.bin", 200 * 1024);
    auto ecb = ecb_of(curl("/scripts/ecbdump.dll",
                           {"-X", "POST", "-H", "Content-Type: application/octet-stream",
                            "--data-binary", "@" + file.string()}));
    EXPECT_EQ(ecb["cbTotalBytes"], "204800");
    EXPECT_EQ(ecb["cbAvailable"], "49152");  // upload_read_ahead's default, 48KiB
}

TEST_F(isapi_host_more, ecb_of_a_small_chunked_post_follows_content_length_when_nginx_knew_it)
{
    start(more_options());
    auto file = body_file("chunked.bin", 300);
    auto ecb = ecb_of(curl("/scripts/ecbdump.dll",
                           {"-X", "POST", "-H", "Content-Type: application/octet-stream", "-H",
                            "Transfer-Encoding: chunked", "--data-binary", "@" + file.string()}));
    // nginx passes CONTENT_LENGTH for a chunked body only when the whole body came in with the
    // headers; without it the total is unknown (0xFFFFFFFF) although the host read it all
    // ahead. Which one happens depends on how the body's bytes arrived at nginx.
    EXPECT_TRUE(ecb["cbTotalBytes"] == "300" || ecb["cbTotalBytes"] == "4294967295")
        << ecb["cbTotalBytes"];
    EXPECT_EQ(ecb["cbAvailable"], "300");
    EXPECT_EQ(ecb["lpszMethod"], "POST");
}

TEST_F(isapi_host_more, ecb_of_a_large_chunked_post_has_an_unknown_total)
{
    if (kind() == front_kind::haproxy) GTEST_SKIP() << haproxy_refuses_unknown_length;
    start(more_options());
    // Larger than nginx's body buffer: nginx starts the FastCGI request before the body ended,
    // so no CONTENT_LENGTH reaches the sidecar.
    auto file = body_file("chunked-large.bin", 200 * 1024);
    auto ecb = ecb_of(curl("/scripts/ecbdump.dll",
                           {"-X", "POST", "-H", "Content-Type: application/octet-stream", "-H",
                            "Transfer-Encoding: chunked", "--data-binary", "@" + file.string()}));
    EXPECT_EQ(ecb["cbTotalBytes"], "4294967295");
    EXPECT_EQ(ecb["cbAvailable"], "49152");
}

TEST_F(isapi_host_more, callbacks_with_an_ended_or_forged_conn_id_fail_with_invalid_parameter)
{
    start(more_options());
    auto first = get("/scripts/staleconn.dll");
    ASSERT_EQ(first.status, 200) << first.describe();
    ASSERT_EQ(first.body, "stored\n");
    const auto mark = sidecar().log_mark();
    auto probe = get("/scripts/staleconn.dll?use_stale=1");
    ASSERT_EQ(probe.status, 200) << probe.describe();
    std::string expected;
    for (const char* label : {"stale", "forged"}) {
        for (const char* function :
             {"WriteClient", "GetServerVariable", "ReadClient", "IS_CONNECTED"}) {
            expected += std::string(label) + " " + function + " ret=0 err=87\n";
        }
    }
    EXPECT_EQ(probe.body, expected);
    EXPECT_TRUE(sidecar().wait_for_log(loose(R"((unknown|ended) ConnID)"), soon(), mark))
        << tail(sidecar().log());
    // The sidecar keeps serving, the same extension included.
    auto hello = get("/scripts/hello.dll");
    EXPECT_EQ(hello.status, 200) << hello.describe();
    auto again = get("/scripts/staleconn.dll");
    EXPECT_EQ(again.status, 200) << again.describe();
}

TEST_F(isapi_host_more, request_waiting_longer_than_queue_timeout_for_a_thread_gets_503)
{
    auto options = more_options();
    options.pool_extra = "    extension_threads: 1\n    queue_timeout: 300ms\n";
    start(options);
    const auto mark = sidecar().log_mark();
    http_request slow;
    slow.url = front().url("/scripts/sleeper.dll?ms=2000");
    slow.max_time = 30s;
    http_call first(work(), slow);
    // The only extension thread is busy once the sleeper noted its entry.
    ASSERT_TRUE(wait_sleeper_entry("enter ms=2000", soon())) << tail(sidecar().log());
    auto second = get("/scripts/sleeper.dll?ms=0");
    auto first_result = first.finish(deadline_after(scaled(30s)));
    EXPECT_EQ(second.status, 503) << second.describe();
    EXPECT_EQ(first_result.status, 200) << first_result.describe();
    EXPECT_EQ(first_result.body, "slept 2000\n");
    EXPECT_TRUE(sidecar().wait_for_log(loose(R"(503.*queue_timeout)"), soon(), mark))
        << tail(sidecar().log());
    // The queued request never reached the extension.
    EXPECT_FALSE(wait_sleeper_entry("enter ms=0", clock::now())) << read_file(sleeper_log());
    // With the thread free again, a request runs.
    auto later = get("/scripts/sleeper.dll?ms=1");
    EXPECT_EQ(later.status, 200) << later.describe();
}

// The 413 is answered from the read-ahead's completion on the I/O thread, which must not block.
TEST_F(isapi_host_more, streamed_body_crossing_max_request_body_during_read_ahead_gets_413)
{
    if (kind() == front_kind::haproxy) GTEST_SKIP() << haproxy_refuses_unknown_length;
    auto options = more_options();
    options.pool_extra = "    max_request_body: 16384\n";  // below the 48KiB read-ahead
    start(options);
    const auto mark = sidecar().log_mark();
    auto file = body_file("streamed-early.bin", std::size_t{1} << 20);
    auto result = curl("/scripts/formdump.dll",
                       {"-X", "POST", "-H", "Content-Type: application/octet-stream", "-H",
                        "Transfer-Encoding: chunked", "--data-binary", "@" + file.string()});
    EXPECT_EQ(result.status, 413) << result.describe();
    EXPECT_TRUE(sidecar().wait_for_log(loose(R"(413.*max_request_body)"), soon(), mark))
        << tail(sidecar().log());
    auto small = post("/scripts/formdump.dll", std::string(1000, 'y'));
    EXPECT_EQ(small.status, 200) << small.describe();
    EXPECT_EQ(small.body.rfind("bytes=1000\n", 0), 0u) << small.body;
}

// The crossing read answers 413 at once, before the extension (which reads the rest as the end
// of the body) can send a 200 with the checksum of a truncated body.
TEST_F(isapi_host_more, streamed_body_crossing_max_request_body_in_read_client_gets_413)
{
    if (kind() == front_kind::haproxy) GTEST_SKIP() << haproxy_refuses_unknown_length;
    auto options = more_options();
    options.pool_extra = "    max_request_body: 65536\n";
    start(options);
    const auto mark = sidecar().log_mark();
    auto file = body_file("streamed.bin", std::size_t{1} << 20);
    // formdump sends its header only after reading the whole body: nothing went out yet.
    auto result = curl("/scripts/formdump.dll",
                       {"-X", "POST", "-H", "Content-Type: application/octet-stream", "-H",
                        "Transfer-Encoding: chunked", "--data-binary", "@" + file.string()});
    EXPECT_EQ(result.status, 413) << result.describe();
    EXPECT_TRUE(sidecar().wait_for_log(loose(R"(413.*max_request_body)"), soon(), mark))
        << tail(sidecar().log());
    auto small = post("/scripts/formdump.dll", std::string(1000, 'y'));
    EXPECT_EQ(small.status, 200) << small.describe();
    EXPECT_EQ(small.body.rfind("bytes=1000\n", 0), 0u) << small.body;
}

TEST_F(isapi_host_more, the_json_access_log_has_one_escaped_object_per_request)
{
    auto options = more_options();
    options.access_format = "json";
    start(options);
    const auto mark = sidecar().log_mark();
    auto result = get("/scripts/formdump.dll/x?q=%22quoted%22%0aline");
    ASSERT_EQ(result.status, 200) << result.describe();
    // The front end's id for the request: nginx's $request_id, Apache's UNIQUE_ID, HAProxy's
    // unique-id.
    const std::string request_id = kind() == front_kind::nginx ? "[0-9a-f]{32}"
                                   : behind_apache()           ? "[A-Za-z0-9@_-]{20,}"
                                                               : "[0-9A-F]{20,}";
    // Every variable of docs/config.md's list, in that order, numbers as numbers.
    const std::regex json_line(
        R"re(^\{"remote_addr":"127\.0\.0\.1","remote_port":"[0-9]*","remote_user":"","time_local":"[^"]+",)re"
        R"re("time_iso8601":"[0-9T:.+-]+","request":"GET /scripts/formdump\.dll/x\?q=%22quoted%22%0aline HTTP/1\.1",)re"
        R"re("request_method":"GET","request_uri":"/scripts/formdump\.dll/x\?q=%22quoted%22%0aline",)re"
        R"re("uri":"/scripts/formdump\.dll/x","query_string":"q=%22quoted%22%0aline","server_protocol":"HTTP/1\.1",)re"
        R"re("status":200,"iis_status":200,"bytes_received":0,"bytes_sent":[0-9]+,"request_time":[0-9]+\.[0-9]{3},)re"
        R"re("request_time_us":[0-9]+,"http_referer":"","http_user_agent":"[^"]*","request_id":")re" + request_id +
        R"re(","pool":"default","extension":"formdump","pid":[0-9]+,"log_data":"formdump bytes=0","log_parameters":""\}$)re");
    EXPECT_TRUE(sidecar().wait_for_log(json_line, soon(), mark)) << tail(sidecar().log());
}

}  // namespace
}  // namespace isapi_fcgi::test
