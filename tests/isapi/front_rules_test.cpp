// Response and request rules that differ between front ends (FASTCGI.md §0 and §9), tested
// through each one: Location keeps the explicit Status the sidecar always sends (nginx would
// make a bare Location a 302, Apache keeps it a 200), header blocks over the sidecar's
// max_response_header_bytes get a clear 500 and a log line instead of the front end's 502, and
// each front end's own limit behind a raised one; duplicate request headers (Apache merges them
// itself, Cookie included, with ", "), duplicate response headers, Authorization, chunked
// uploads without CONTENT_LENGTH, FastCGI connection reuse and HAProxy's multiplexing.
#include <chrono>
#include <cstdint>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "isapi/isapi_fixture.hpp"
#include "support/engine_log.hpp"

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

std::regex loose(const std::string& pattern)
{
    return std::regex(pattern, std::regex::ECMAScript | std::regex::icase);
}

/// The NAME=value line of a servervars answer.
std::string variable(const std::string& body, const std::string& name)
{
    const std::string key = name + "=";
    for (std::size_t at = 0; at < body.size();) {
        auto end = body.find('\n', at);
        if (end == std::string::npos) end = body.size();
        if (body.compare(at, key.size(), key) == 0) return body.substr(at + key.size(), end - at - key.size());
        at = end + 1;
    }
    return "<" + name + " missing>";
}

const std::string headerblock_body = "headerblock\n";

/// The bytes of headerblock's CGI header block for `pad` bytes of X-Pad-0, status 200, plus the
/// FastCGI record header: what the sidecar compares with max_response_header_bytes.
std::size_t block_bytes(std::size_t pad)
{
    return std::string("Status: 200 Headerblock\r\n").size()
           + std::string("Content-Type: text/plain\r\n").size()
           + std::string("Content-Length: 12\r\n").size() + std::string("X-Pad-0: \r\n").size() + pad
           + 2 /* blank line */ + 8 /* FastCGI record header */;
}

class isapi_front_rules : public isapi_behind_front {
protected:
    /// The status the client gets for a response with Location and `status`. HAProxy 2.6 makes
    /// it 302 when the Location header comes after Status, and the sidecar writes Status first
    /// (a change to write it last is proposed; then HAProxy keeps the status too).
    isapi_sidecar_options rules_options(const std::string& pool_extra = "") const
    {
        auto options = standard_options();
        options.extensions.push_back({"headerblock", ISAPI_EXT_HEADERBLOCK, {"/scripts/headerblock.dll"}, false});
        options.extensions.push_back({"ecbdump", ISAPI_EXT_ECBDUMP, {"/scripts/ecbdump.dll"}, false});
        options.pool_extra = pool_extra;
        return options;
    }

    /// A 500 from the sidecar for a header block it refused, and the log line naming why.
    void expect_refused_header_block(const std::string& query)
    {
        const auto mark = sidecar().log_mark();
        auto result = get("/scripts/headerblock.dll?" + query);
        EXPECT_EQ(result.status, 500) << query << ": " << result.describe();
        EXPECT_FALSE(result.head.header("X-Pad-0").has_value()) << query;
        EXPECT_TRUE(sidecar().wait_for_log(loose("SEND_RESPONSE_HEADER refused: response header block is too large"),
                                           soon(), mark))
            << query << "\n" << tail(sidecar().log());
    }
};

TEST_F(isapi_front_rules, location_with_a_200_status_stays_a_200)
{
    start(rules_options());
    auto result = get("/scripts/headerblock.dll?status=200&location=/elsewhere");
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.head.header("Location").value_or(""), "/elsewhere") << result.describe();
    EXPECT_EQ(result.body, headerblock_body);
}

TEST_F(isapi_front_rules, location_with_a_redirect_status_keeps_that_status)
{
    start(rules_options());
    for (int status : {301, 303, 307}) {
        auto result = get("/scripts/headerblock.dll?status=" + std::to_string(status) + "&location=http://example.test/x");
        EXPECT_EQ(result.status, status) << result.describe();
        EXPECT_EQ(result.head.header("Location").value_or(""), "http://example.test/x") << status;
    }
    // The redirect example's HSE_REQ_SEND_URL_REDIRECT_RESP.
    auto redirect = get("/scripts/redirect.dll?url=%2Fscripts%2Fhello.dll");
    EXPECT_EQ(redirect.status, 302) << redirect.describe();
}

TEST_F(isapi_front_rules, a_header_block_at_the_sidecars_limit_passes_every_front_end)
{
    // max_response_header_bytes' default is nginx's fastcgi_buffer_size (4 KiB, the record
    // header counted). nginx 1.22 passes blocks up to 4094 bytes counted so and loses the body
    // of a 4095- or 4096-byte one, so the sidecar keeps two bytes free (docs/front-ends.md):
    // the largest block it allows passes every front end, the next gets its 500.
    start(rules_options());
    const std::size_t pad = 4094 - block_bytes(0);
    ASSERT_EQ(block_bytes(pad), 4094u);
    auto result = get("/scripts/headerblock.dll?pad=" + std::to_string(pad));
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.head.header("X-Pad-0").value_or("").size(), pad);
    EXPECT_EQ(result.body, headerblock_body);
    expect_refused_header_block("pad=" + std::to_string(pad + 1));
}

TEST_F(isapi_front_rules, header_blocks_over_max_response_header_bytes_get_500_and_a_log_line)
{
    start(rules_options());
    // One line longer than Apache's 8 KiB line limit, and a block of short lines over nginx's
    // 4 KiB buffer: the sidecar answers both, the front end never sees them.
    expect_refused_header_block("pad=9000");
    expect_refused_header_block("pad=1000&lines=5");
    auto hello = get("/scripts/hello.dll");
    EXPECT_EQ(hello.status, 200) << hello.describe();
}

TEST_F(isapi_front_rules, each_front_end_has_its_own_limit_behind_a_raised_max_response_header_bytes)
{
    // Raised past every front end's limit, the sidecar passes what the front end then refuses:
    // nginx 502 over fastcgi_buffer_size (4 KiB), Apache 500 for one line over ~8 KiB, HAProxy
    // 502 over its buffer (tune.bufsize 16 KiB less tune.maxrewrite). This is why the default
    // stays 4 KiB (docs/config.md).
    start(rules_options("    max_response_header_bytes: 64KiB\n"));
    allow_front_problems("too big header|AH01070|AH01075|Premature end of script headers|"
                         "Error parsing script headers| 502 [0-9]+ |PH--|SH--");
    const auto six_kib = get("/scripts/headerblock.dll?pad=1200&lines=5");  // lines of 1.2 KiB
    const auto one_long_line = get("/scripts/headerblock.dll?pad=9000");
    const auto twenty_kib = get("/scripts/headerblock.dll?pad=4000&lines=5");
    switch (kind()) {
    case front_kind::nginx:
        EXPECT_EQ(six_kib.status, 502) << six_kib.describe();
        EXPECT_EQ(one_long_line.status, 502) << one_long_line.describe();
        EXPECT_EQ(twenty_kib.status, 502) << twenty_kib.describe();
        break;
    case front_kind::apache:
    case front_kind::apache_sethandler:
        EXPECT_EQ(six_kib.status, 200) << six_kib.describe();
        EXPECT_EQ(one_long_line.status, 500) << one_long_line.describe();
        EXPECT_EQ(twenty_kib.status, 200) << twenty_kib.describe();
        break;
    case front_kind::haproxy:
        EXPECT_EQ(six_kib.status, 200) << six_kib.describe();
        EXPECT_EQ(one_long_line.status, 200) << one_long_line.describe();
        EXPECT_EQ(twenty_kib.status, 502) << twenty_kib.describe();
        break;
    }
}

TEST_F(isapi_front_rules, duplicate_request_headers_arrive_merged)
{
    start(rules_options());
    auto result = get("/scripts/servervars.dll?var=HTTP_X_DUP&var=HTTP_COOKIE",
                      {"X-Dup: one", "X-Dup: two", "Cookie: a=1", "Cookie: b=2"});
    ASSERT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(variable(result.body, "HTTP_X_DUP"), "one, two") << result.body;
    // nginx 1.22 sends two HTTP_COOKIE params, which the sidecar joins with "; " (as nginx
    // 1.23+ does itself); HAProxy joins them with "; "; Apache has already merged them with
    // ", " before the sidecar sees them.
    EXPECT_EQ(variable(result.body, "HTTP_COOKIE"), behind_apache() ? "a=1, b=2" : "a=1; b=2")
        << result.body;
}

TEST_F(isapi_front_rules, duplicate_response_headers_reach_the_client_as_separate_lines)
{
    start(rules_options());
    auto result = get("/scripts/headerblock.dll?cookies=1");
    ASSERT_EQ(result.status, 200) << result.describe();
    std::vector<std::string> cookies;
    for (const auto& [name, value] : result.head.headers) {
        if (name == "Set-Cookie" || name == "set-cookie") cookies.push_back(value);
    }
    EXPECT_EQ(cookies, (std::vector<std::string>{"a=1", "b=2"})) << result.describe();
}

TEST_F(isapi_front_rules, the_authorization_header_reaches_the_extension)
{
    // Apache needs CGIPassAuth On, HAProxy pass-header Authorization (both in the shipped
    // files); nginx passes every header.
    start(rules_options());
    auto result = get("/scripts/servervars.dll?var=HTTP_AUTHORIZATION", {"Authorization: Basic dXNlcjpwdw=="});
    ASSERT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(variable(result.body, "HTTP_AUTHORIZATION"), "Basic dXNlcjpwdw==") << result.body;
}

TEST_F(isapi_front_rules, script_translated_is_the_script_file_without_prefix_or_path_info)
{
    // Apache's SCRIPT_FILENAME is "proxy:fcgi://host/scripts/x.dll/a/b" with the default backend
    // type, or the URL path with GENERIC: the shipped snippets drop it, so the sidecar maps the
    // script into the document root (its own document_root, else DOCUMENT_ROOT), as behind
    // nginx. HAProxy sends its docroot + SCRIPT_NAME.
    start(rules_options("    document_root: " + work().path().string() + "\n"));
    auto result = get("/scripts/servervars.dll/a/b?var=SCRIPT_TRANSLATED&var=PATH_INFO&var=SCRIPT_NAME");
    ASSERT_EQ(result.status, 200) << result.describe();
    const std::string translated = variable(result.body, "SCRIPT_TRANSLATED");
    const std::string expected = kind() == front_kind::haproxy ? "/var/www/html/scripts/servervars.dll"
                                                               : work().path().string() + "/scripts/servervars.dll";
    EXPECT_EQ(translated, expected) << result.body;
    EXPECT_EQ(variable(result.body, "SCRIPT_NAME"), "/scripts/servervars.dll") << result.body;
    EXPECT_EQ(variable(result.body, "PATH_INFO"), "/a/b") << result.body;
}

TEST_F(isapi_front_rules, a_large_chunked_upload_arrives_whole_without_content_length)
{
    // Neither nginx nor Apache knows the length of a streamed chunked body: nginx (unbuffered)
    // sends CONTENT_LENGTH "", Apache none at all; the extension sees cbTotalBytes 0xFFFFFFFF
    // and reads to the end of STDIN. HAProxy refuses such a body once it outgrows its buffer.
    start(rules_options());
    const std::string body(3u << 20, 'c');
    const auto file = work().write_file("chunked.bin", body);
    if (kind() == front_kind::haproxy) {
        // HAProxy 2.6's FastCGI multiplexer needs the length of a body larger than its buffer
        // (a small one it measures itself): it answers 400 itself (PH) and closes. curl may still
        // be sending then, and report the broken connection instead of reading the 400: either
        // way the request is refused and never reaches the sidecar.
        allow_front_problems(" 400 [0-9]+ \\S+ \\S+ PH-- ");
        const auto mark = sidecar().log_mark();
        auto refused = curl("/scripts/formdump.dll", {"-X", "POST", "-H", "Content-Type: application/octet-stream", "-H",
                                                      "Transfer-Encoding: chunked", "--data-binary", "@" + file.string()});
        const bool cut_while_sending = refused.status == 0 && (refused.curl_exit == 55 || refused.curl_exit == 56);
        EXPECT_TRUE(refused.status == 400 || cut_while_sending) << refused.describe();
        EXPECT_TRUE(sidecar().log_lines(std::regex("POST /scripts/formdump"), mark).empty()) << tail(sidecar().log());
        return;
    }
    auto ecb = curl("/scripts/ecbdump.dll", {"-X", "POST", "-H", "Content-Type: application/octet-stream", "-H",
                                             "Transfer-Encoding: chunked", "--data-binary", "@" + file.string()});
    ASSERT_EQ(ecb.status, 200) << ecb.describe();
    EXPECT_NE(ecb.body.find("\ncbTotalBytes=4294967295\n"), std::string::npos) << ecb.body;
    const auto mark = sidecar().log_mark();
    auto echoed = curl("/scripts/formdump.dll", {"-X", "POST", "-H", "Content-Type: application/octet-stream", "-H",
                                                 "Transfer-Encoding: chunked", "--data-binary", "@" + file.string()});
    ASSERT_EQ(echoed.status, 200) << echoed.describe();
    EXPECT_EQ(echoed.body.rfind(fnv1a64_lines(body), 0), 0u) << echoed.body.substr(0, 200);
    auto line = wait_access_line("POST /scripts/formdump.dll", mark);
    ASSERT_TRUE(line.has_value()) << tail(sidecar().log());
    EXPECT_NE(line->find("in=" + std::to_string(body.size()) + " "), std::string::npos) << *line;
}

TEST_F(isapi_front_rules, sequential_requests_use_the_shipped_connection_policy)
{
    // nginx: keepalive + fastcgi_keep_conn; HAProxy: keep-conn + http-reuse always: 12
    // requests reuse connections. Apache: enablereuse=off over the unix socket, a connection per
    // request (a kept one could be reused in the instant a draining worker closes it).
    start(rules_options());
    const auto mark = sidecar().log_mark();
    constexpr std::size_t requests = 12;
    for (std::size_t i = 0; i < requests; ++i) {
        auto hello = get("/scripts/hello.dll");
        ASSERT_EQ(hello.status, 200) << hello.describe();
    }
    ASSERT_TRUE(wait_access_line("GET /scripts/hello.dll", mark));
    const auto connections = sidecar().log_lines(engine_log::accepted(), mark).size();
    if (behind_apache()) {
        EXPECT_EQ(connections, requests) << tail(sidecar().log());
        return;
    }
    EXPECT_GE(connections, 1u) << tail(sidecar().log());
    EXPECT_LT(connections, requests) << "every request had its own FastCGI connection";
}

class isapi_multiplexing_haproxy_only : public isapi_behind_haproxy_only {};

TEST_F(isapi_multiplexing_haproxy_only, concurrent_extension_requests_share_connections)
{
    // The shipped backend multiplexes up to 32 requests per connection (option max-reqs; it
    // does not ask GET_VALUES, see conf/haproxy/isapi-fcgi.cfg): 48 requests that each hold an
    // extension thread for 300ms are in flight together on fewer connections.
    auto options = standard_options();
    options.extensions.push_back({"sleeper", ISAPI_EXT_SLEEPER, {"/scripts/sleeper.dll"}, false});
    options.pool_extra = "    extension_threads: 48\n";
    start(options);
    const auto mark = sidecar().log_mark();
    constexpr std::size_t concurrent = 48;
    auto results = http_get_parallel(front().dir(), std::vector<std::string>(concurrent, front().url("/scripts/sleeper.dll?ms=300")));
    for (const auto& r : results) {
        EXPECT_EQ(r.status, 200) << r.describe();
        EXPECT_EQ(r.body, "slept 300\n");
    }
    const auto connections = sidecar().log_lines(engine_log::accepted(), mark).size();
    EXPECT_GE(connections, 1u);
    EXPECT_LT(connections, concurrent) << "every request had its own connection: HAProxy did not multiplex\n"
                                       << tail(sidecar().log());
    EXPECT_TRUE(sidecar().log_lines(engine_log::get_values_answered(), mark).empty());
}

TEST_F(isapi_multiplexing_haproxy_only, concurrent_uploads_beyond_the_extension_threads_are_all_answered)
{
    // Eight times more 1 MiB uploads at once than extension threads, multiplexed by HAProxy and
    // sent at 4 MB/s each, so the bodies being read share connections with queued requests'
    // bodies. A queued body over max_stdin_buffer must not stop its connection (the requests
    // holding the threads would wait for bytes behind it until queue_timeout answered 503): it
    // goes on in a temporary file.
    auto options = standard_options();
    options.pool_extra = "    extension_threads: 2\n    queue_timeout: 300s\n";
    start(options);
    const auto mark = sidecar().log_mark();
    constexpr std::size_t concurrent = 16;
    std::vector<std::string> bodies;
    std::vector<std::unique_ptr<http_call>> calls;
    for (std::size_t i = 0; i < concurrent; ++i) {
        std::string body(1 << 20, '\0');
        std::uint32_t seed = static_cast<std::uint32_t>(i + 1);
        for (auto& c : body) {
            seed = seed * 1664525u + 1013904223u;
            c = static_cast<char>(seed >> 24);
        }
        http_request request;
        request.url = front().url("/scripts/formdump.dll");
        request.method = "POST";
        request.body = body;
        request.headers = {"Content-Type: application/octet-stream"};
        request.limit_rate = "4M";
        bodies.push_back(std::move(body));
        calls.push_back(std::make_unique<http_call>(front().dir(), request));
    }
    for (std::size_t i = 0; i < concurrent; ++i) {
        SCOPED_TRACE("upload " + std::to_string(i));
        const auto result = calls[i]->finish(deadline_after(scaled(std::chrono::seconds(40))));
        EXPECT_EQ(result.status, 200) << result.describe();
        EXPECT_EQ(result.body.rfind(fnv1a64_lines(bodies[i]), 0), 0u) << result.body.substr(0, 200);
    }
    EXPECT_TRUE(sidecar().log_lines(std::regex("answering 503"), mark).empty()) << tail(sidecar().log());
    const auto connections = sidecar().log_lines(engine_log::accepted(), mark).size();
    EXPECT_LT(connections, concurrent) << "every upload had its own connection: HAProxy did not multiplex";
}

}  // namespace
}  // namespace isapi_fcgi::test
