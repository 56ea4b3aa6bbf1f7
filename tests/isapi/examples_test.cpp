// The example extensions (examples/*.c) served by isapi-fcgi behind each real front end running
// its shipped configuration (nginx, Apache, HAProxy): what a user sees with curl.
#include <algorithm>
#include <cstdint>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "isapi/isapi_fixture.hpp"
#include "isapi/partial_download.hpp"

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

const std::string hello_body = "Hello from ISAPI!\r\n";

/// The [VARIABLES] lines of a servervars answer, by name.
std::string variable_line(const std::string& body, const std::string& name)
{
    const std::string key = "\n" + name + "=";
    auto at = ("\n" + body).find(key);
    if (at == std::string::npos) {
        return "<" + name + " missing>";
    }
    auto end = body.find('\n', at);
    return body.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

/// The ALL_HTTP section of a servervars answer (between the two section headers).
std::string all_http_section(const std::string& body)
{
    const std::string open = "[ALL_HTTP]\n";
    auto begin = body.find(open);
    auto end = body.find("[VARIABLES]");
    if (begin == std::string::npos || end == std::string::npos || end < begin) {
        return {};
    }
    begin += open.size();
    return body.substr(begin, end - begin);
}

/// What bigresponse sends for `size` bytes.
std::string bigresponse_pattern(std::size_t size)
{
    static const std::string line =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\r\n";
    std::string body;
    body.reserve(size);
    while (body.size() + line.size() <= size) {
        body += line;
    }
    body.append(line, 0, size - body.size());
    return body;
}

/// A file of `size` pseudo-random bytes (xorshift64), different for each `seed`.
std::filesystem::path random_file(const temp_dir& dir, const std::string& name, std::size_t size,
                                  std::uint64_t seed)
{
    auto path = dir.file(name);
    std::ofstream out(path, std::ios::binary);
    std::vector<std::uint64_t> block(1 << 17);  // 1 MiB
    std::uint64_t state = seed | 1;
    for (std::size_t written = 0; written < size;) {
        for (auto& word : block) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            word = state;
        }
        auto n = std::min(size - written, block.size() * sizeof(std::uint64_t));
        out.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(n));
        written += n;
    }
    out.close();
    if (!out) {
        throw std::runtime_error("cannot write " + path.string());
    }
    return path;
}

/// First two lines of a formdump answer ("bytes=..\nfnv1a64=..\n").
std::string first_two_lines(const std::string& text)
{
    auto first = text.find('\n');
    auto second = first == std::string::npos ? first : text.find('\n', first + 1);
    return second == std::string::npos ? text : text.substr(0, second + 1);
}

class isapi_examples : public isapi_behind_front {
protected:
    void SetUp() override { start(); }
};

TEST_F(isapi_examples, hello_answers_with_its_exact_body)
{
    auto result = get("/scripts/hello.dll");
    ASSERT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.body, hello_body);
    EXPECT_EQ(result.head.header("Content-Type"), "text/plain");
    EXPECT_EQ(result.head.header("Content-Length"), std::to_string(hello_body.size()));
}

TEST_F(isapi_examples, mixed_case_url_reaches_the_extension_as_on_iis)
{
    for (const char* path : {"/Scripts/HELLO.DLL", "/SCRIPTS/Hello.Dll", "/scripts/hello.DLL"}) {
        auto result = get(path);
        EXPECT_EQ(result.status, 200) << path << ": " << result.describe();
        EXPECT_EQ(result.body, hello_body) << path;
    }
}

TEST_F(isapi_examples, path_after_the_dll_becomes_path_info)
{
    auto result = get("/scripts/servervars.dll/a/b?var=PATH_INFO&var=SCRIPT_NAME&var=URL");
    ASSERT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(variable_line(result.body, "PATH_INFO"), "PATH_INFO=/a/b") << result.body;
    EXPECT_EQ(variable_line(result.body, "SCRIPT_NAME"), "SCRIPT_NAME=/scripts/servervars.dll")
        << result.body;
    EXPECT_EQ(result.body.find("[ALL_HTTP]"), std::string::npos) << result.body;
}

TEST_F(isapi_examples, mixed_case_script_keeps_its_spelling_and_path_info)
{
    auto result = get("/Scripts/ServerVars.DLL/Deep/Path?var=PATH_INFO&var=SCRIPT_NAME");
    ASSERT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(variable_line(result.body, "PATH_INFO"), "PATH_INFO=/Deep/Path") << result.body;
    EXPECT_EQ(variable_line(result.body, "SCRIPT_NAME"), "SCRIPT_NAME=/Scripts/ServerVars.DLL")
        << result.body;
}

TEST_F(isapi_examples, encoded_query_string_is_passed_untouched)
{
    const std::string query =
        "var=QUERY_STRING&x=%41%2F%26%3D+y%20z%25&empty=&utf8=%C3%A9&dup=1&dup=2";
    auto result = get("/scripts/servervars.dll?" + query);
    ASSERT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(variable_line(result.body, "QUERY_STRING"), "QUERY_STRING=" + query)
        << result.body;
}

TEST_F(isapi_examples, servervars_shows_request_headers_in_http_variables_and_all_http)
{
    auto result = get("/scripts/servervars.dll",
                      {"X-Custom-Header: some value", "Accept-Language: en-GB, fr;q=0.5"});
    ASSERT_EQ(result.status, 200) << result.describe();
    // The example reports any size GetServerVariable got wrong as NAME!size=...
    EXPECT_EQ(result.body.find("!size="), std::string::npos) << result.body;
    const std::string all_http = all_http_section(result.body);
    EXPECT_NE(all_http.find("HTTP_X_CUSTOM_HEADER:some value\n"), std::string::npos)
        << "ALL_HTTP:\n" << all_http;
    EXPECT_NE(all_http.find("HTTP_ACCEPT_LANGUAGE:en-GB, fr;q=0.5\n"), std::string::npos)
        << "ALL_HTTP:\n" << all_http;
    // The Host header as sent, port included, as IIS gives it (nginx: $http_host in the snippet).
    const std::string host = "127.0.0.1:" + std::to_string(front().port());
    EXPECT_NE(all_http.find("HTTP_HOST:" + host + "\n"), std::string::npos) << all_http;
    EXPECT_EQ(variable_line(result.body, "HTTP_HOST"), "HTTP_HOST=" + host) << result.body;
    EXPECT_EQ(variable_line(result.body, "HTTP_USER_AGENT").rfind("HTTP_USER_AGENT=curl/", 0), 0u)
        << result.body;
    EXPECT_EQ(variable_line(result.body, "REQUEST_METHOD"), "REQUEST_METHOD=GET");
    EXPECT_EQ(variable_line(result.body, "REMOTE_ADDR"), "REMOTE_ADDR=127.0.0.1");
    EXPECT_EQ(variable_line(result.body, "SERVER_PORT"),
              "SERVER_PORT=" + std::to_string(front().port()));
    EXPECT_EQ(variable_line(result.body, "GATEWAY_INTERFACE"), "GATEWAY_INTERFACE=CGI/1.1");

    auto named = get("/scripts/servervars.dll?var=HTTP_X_CUSTOM_HEADER&var=NO_SUCH_VARIABLE",
                     {"X-Custom-Header: some value"});
    ASSERT_EQ(named.status, 200) << named.describe();
    EXPECT_EQ(variable_line(named.body, "HTTP_X_CUSTOM_HEADER"),
              "HTTP_X_CUSTOM_HEADER=some value")
        << named.body;
    EXPECT_NE(named.body.find("NO_SUCH_VARIABLE!error=1413"), std::string::npos) << named.body;
}

TEST_F(isapi_examples, servervars_on_a_post_lists_the_content_type_once)
{
    auto result = post("/scripts/servervars.dll", "a=1&b=2",
                       {"Content-Type: application/x-www-form-urlencoded"});
    ASSERT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(variable_line(result.body, "CONTENT_LENGTH"), "CONTENT_LENGTH=7") << result.body;
    EXPECT_EQ(variable_line(result.body, "CONTENT_TYPE"),
              "CONTENT_TYPE=application/x-www-form-urlencoded");
    const std::string all_http = all_http_section(result.body);
    std::size_t count = 0;
    for (auto at = all_http.find("HTTP_CONTENT_TYPE:"); at != std::string::npos;
         at = all_http.find("HTTP_CONTENT_TYPE:", at + 1)) {
        ++count;
    }
    EXPECT_LE(count, 1u) << "ALL_HTTP:\n" << all_http;
}

TEST_F(isapi_examples, redirect_reaches_the_client_as_a_302_with_its_location)
{
    auto relative = get("/scripts/redirect.dll?url=%2Fscripts%2Fhello.dll");
    EXPECT_EQ(relative.status, 302) << relative.describe();
    auto location = relative.head.header("Location");
    ASSERT_TRUE(location.has_value()) << relative.describe();
    EXPECT_TRUE(location->size() >= 18
                && location->compare(location->size() - 18, 18, "/scripts/hello.dll") == 0)
        << *location;

    auto absolute = get("/scripts/redirect.dll?url=http%3A%2F%2Fexample.test%2Fpath%3Fq%3D1");
    EXPECT_EQ(absolute.status, 302) << absolute.describe();
    EXPECT_EQ(absolute.head.header("Location"), "http://example.test/path?q=1");
}

TEST_F(isapi_examples, rawheaders_status_line_written_with_writeclient_is_translated)
{
    auto teapot = get("/scripts/rawheaders.dll?status=418");
    EXPECT_EQ(teapot.status, 418) << teapot.describe();
    EXPECT_EQ(teapot.head.header("X-Example"), "rawheaders");
    EXPECT_EQ(teapot.head.header("Content-Type"), "text/plain");
    EXPECT_EQ(teapot.body, "raw headers 418\n");

    auto created = get("/scripts/rawheaders.dll?status=201");
    EXPECT_EQ(created.status, 201) << created.describe();
    EXPECT_EQ(created.head.header("X-Example"), "rawheaders");
    EXPECT_EQ(created.body, "raw headers 201\n");

    auto plain = get("/scripts/rawheaders.dll");
    EXPECT_EQ(plain.status, 200) << plain.describe();
    EXPECT_EQ(plain.body, "raw headers 200\n");
}

void expect_bigresponse(const http_result& result, std::size_t size,
                        const std::filesystem::path& saved, const temp_dir& scratch)
{
    ASSERT_EQ(result.status, 200) << result.curl_error;
    EXPECT_EQ(result.curl_exit, 0) << result.curl_error;
    EXPECT_EQ(result.head.header("Content-Length"), std::to_string(size));
    EXPECT_EQ(result.body.size(), size);
    // Two readings of the checksum: the examples' tool on the bytes curl saved, and this test's
    // own over the pattern bigresponse documents.
    EXPECT_EQ(fnv1a64_tool_output(saved, scratch), fnv1a64_lines(bigresponse_pattern(size)));
}

TEST_F(isapi_examples, bigresponse_one_mebibyte_arrives_whole)
{
    const std::size_t size = 1u << 20;
    auto result = curl("/scripts/bigresponse.dll?size=" + std::to_string(size), {});
    expect_bigresponse(result, size, work().write_file("big-1m.body", result.body), work());
}

TEST_F(isapi_examples, bigresponse_ten_mebibytes_arrives_whole)
{
    const std::size_t size = 10u << 20;
    auto result = curl("/scripts/bigresponse.dll?size=" + std::to_string(size), {});
    expect_bigresponse(result, size, work().write_file("big-10m.body", result.body), work());
}

TEST_F(isapi_examples, bigresponse_of_zero_bytes_is_an_empty_200)
{
    auto result = get("/scripts/bigresponse.dll?size=0");
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.body, "");
    auto bad = get("/scripts/bigresponse.dll?size=lots");
    EXPECT_EQ(bad.status, 400) << bad.describe();
}

class isapi_upload : public isapi_examples {
protected:
    static constexpr std::size_t upload_size = std::size_t{100} << 20;

    void upload_and_compare(bool chunked)
    {
        auto file = random_file(work(), "upload.bin", upload_size, chunked ? 7 : 11);
        const std::string expected = fnv1a64_tool_output(file, work());
        std::vector<std::string> args{"-X", "POST", "-H",
                                      "Content-Type: application/octet-stream",
                                      "--data-binary", "@" + file.string()};
        if (chunked) {
            args.push_back("-H");
            args.push_back("Transfer-Encoding: chunked");
        }
        const auto mark = sidecar().log_mark();
        auto result = curl("/scripts/formdump.dll", args, std::chrono::seconds(150));
        ASSERT_EQ(result.status, 200) << result.describe();
        EXPECT_EQ(first_two_lines(result.body), expected) << result.body;
        EXPECT_NE(result.body.find("complete=yes"), std::string::npos) << result.body;
        // The sidecar's access line counts the same bytes in.
        auto line = wait_access_line("POST /scripts/formdump.dll", mark);
        ASSERT_TRUE(line.has_value()) << tail(sidecar().log());
        EXPECT_NE(line->find("in=" + std::to_string(upload_size) + " "), std::string::npos)
            << *line;
    }
};

TEST_F(isapi_upload, hundred_mebibytes_with_content_length_echo_an_equal_checksum)
{
    upload_and_compare(false);
}

TEST_F(isapi_upload, hundred_mebibytes_chunked_echo_an_equal_checksum)
{
    if (kind() == front_kind::haproxy) GTEST_SKIP() << haproxy_refuses_unknown_length;
    upload_and_compare(true);
}

TEST_F(isapi_examples, client_leaving_mid_download_fails_writeclient_and_the_sidecar_stays_up)
{
    // Far more than nginx buffers (fastcgi_max_temp_file_size is 1 GiB by default), so the
    // extension is still writing when the client goes.
    const std::string target = "/scripts/bigresponse.dll?size=8589934592";
    const auto mark = sidecar().log_mark();
    auto received = read_then_close(
        front().port(), "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n", 1u << 20,
        deadline_after(scaled(20s)));
    ASSERT_EQ(received.rfind("HTTP/1.1 200", 0), 0u) << received.substr(0, 200);

    // bigresponse records the failed WriteClient in lpszLogData, which the access line shows.
    const std::regex aborted(
        R"(GET /scripts/bigresponse\.dll.*bigresponse aborted after [0-9]+ bytes, error [0-9]+)");
    auto line = sidecar().wait_for_log(aborted, deadline_after(scaled(60s)), mark);
    ASSERT_TRUE(line.has_value()) << "no abort in the access log:\n" << tail(sidecar().log());
    std::smatch sent;
    ASSERT_TRUE(std::regex_search(*line, sent, std::regex(R"(aborted after ([0-9]+) bytes)")));
    EXPECT_LT(std::stoull(sent[1].str()), 8589934592ULL) << *line;

    ASSERT_TRUE(sidecar().process().running());
    auto after = get("/scripts/hello.dll");
    EXPECT_EQ(after.status, 200) << after.describe();
    EXPECT_EQ(after.body, hello_body);
}

}  // namespace
}  // namespace isapi_fcgi::test
