// Unmodified Windows DLLs through real nginx: the example extensions built a second time as PE
// DLLs by mingw-w64 from the same source, served by the Windows worker under Wine; and the ways a
// binary-only DLL fails (a crash, a hang, a missing export, printf to stdout), each costing only
// its own request.
#include <optional>
#include <regex>

#include "isapi/isapi_fixture.hpp"

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

const std::string hello_body = "Hello from ISAPI!\r\n";

isapi_extension_entry wine_dll(const std::string& name) {
    isapi_extension_entry entry;
    entry.name = name;
    entry.path = std::filesystem::path(ISAPI_WINE_DLL_DIR) / (name + ".dll");
    entry.urls = {"/scripts/" + name + ".dll"};
    entry.wine = true;
    return entry;
}

class wine_worker_nginx_only : public isapi_behind_nginx_only {
protected:
    void SetUp() override {
        isapi_behind_nginx_only::SetUp();
        if (IsSkipped()) return;
        isapi_sidecar_options options;
        options.extensions = {wine_dll("hello"), wine_dll("formdump"), wine_dll("winmisbehave"), wine_dll("noproc")};
        // Few threads: each costs milliseconds under Wine. A short timeout for the hang test.
        options.pool_extra = "    extension_threads: 4\n    request_timeout: 3s\n";
        options.env = {"WINEPREFIX=" ISAPI_WINE_TEST_PREFIX};
        start(options);
    }
};

TEST_F(wine_worker_nginx_only, hello_dll_answers_with_the_native_examples_exact_response) {
    const auto result = get("/scripts/hello.dll");
    ASSERT_EQ(result.status, 200) << result.describe() << sidecar().log();
    EXPECT_EQ(result.body, hello_body);
    EXPECT_EQ(result.head.header("Content-Type"), "text/plain");
    EXPECT_EQ(result.head.header("Content-Length"), std::to_string(hello_body.size()));
    EXPECT_TRUE(sidecar().wait_for_log(std::regex("extension 'hello' loaded from .*hello\\.dll in a Windows worker"),
                                       soon()))
        << sidecar().log();
}

// The same hello.c built for i686 and for x86_64, side by side in one pool: each DLL's worker is
// picked from its PE header. Its own fixture, so the other tests start no 32-bit worker.
class wine_worker_32_bit : public isapi_behind_nginx_only {
protected:
    void SetUp() override {
        isapi_behind_nginx_only::SetUp();
        if (IsSkipped()) return;
#ifdef ISAPI_WINE32_DLL_DIR
        isapi_sidecar_options options;
        auto hello32 = wine_dll("hello");
        hello32.name = "hello32";
        hello32.path = std::filesystem::path(ISAPI_WINE32_DLL_DIR) / "hello.dll";
        hello32.urls = {"/scripts/hello32.dll"};
        options.extensions = {wine_dll("hello"), hello32};
        options.pool_extra = "    extension_threads: 4\n";
        options.env = {"WINEPREFIX=" ISAPI_WINE_TEST_PREFIX};
        start(options);
#else
        GTEST_SKIP() << "no 32-bit sub-build or no wine32 (docs/wine.md, 32-bit)";
#endif
    }
};

TEST_F(wine_worker_32_bit, a_32_bit_dll_is_served_by_the_32_bit_worker_beside_a_64_bit_one) {
    for (const char* name : {"hello32", "hello"}) {
        const auto result = get(std::string("/scripts/") + name + ".dll");
        ASSERT_EQ(result.status, 200) << name << ": " << result.describe() << sidecar().log();
        EXPECT_EQ(result.body, hello_body) << name;
        EXPECT_EQ(result.head.header("Content-Type"), "text/plain") << name;
        EXPECT_EQ(result.head.header("Content-Length"), std::to_string(hello_body.size())) << name;
    }
    EXPECT_TRUE(sidecar().wait_for_log(std::regex("extension 'hello32' loaded from .*/i686/hello\\.dll in a Windows worker"),
                                       soon()))
        << sidecar().log();
    EXPECT_TRUE(sidecar().wait_for_log(std::regex("extension 'hello' loaded from .*/x86_64/hello\\.dll in a Windows worker"),
                                       soon()))
        << sidecar().log();
}

TEST_F(wine_worker_nginx_only, posted_body_reaches_the_dll_whole_through_the_pipes) {
    // Larger than the read-ahead, the pipe and one record: read-ahead, then ReadClient, streamed.
    std::string body(300 * 1024 + 17, '\0');
    for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>((i * 131) ^ (i >> 7));
    const auto result = post("/scripts/formdump.dll", body, {"Content-Type: application/octet-stream"});
    ASSERT_EQ(result.status, 200) << result.describe() << sidecar().log();
    EXPECT_EQ(result.body, fnv1a64_lines(body) + "complete=yes\n");
}

TEST_F(wine_worker_nginx_only, pending_request_is_completed_from_a_createthread_thread) {
    const auto result = get("/scripts/winmisbehave.dll/async");
    ASSERT_EQ(result.status, 200) << result.describe() << sidecar().log();
    EXPECT_EQ(result.body, "async\n");
}

TEST_F(wine_worker_nginx_only, a_crash_fails_only_its_request_and_a_new_worker_serves_the_next) {
    const auto before = get("/scripts/winmisbehave.dll");
    ASSERT_EQ(before.status, 200) << before.describe();
    const auto crashed = get("/scripts/winmisbehave.dll/crash");
    EXPECT_EQ(crashed.status, 502) << crashed.describe();
    EXPECT_TRUE(sidecar().wait_for_log(
        std::regex("extension 'winmisbehave' \\(.*winmisbehave\\.dll\\): its Windows worker .* answered 502"), soon()))
        << sidecar().log();
    EXPECT_TRUE(sidecar().wait_for_log(std::regex("winmisbehave\\.dll: unhandled exception 0xc0000005"), soon()))
        << sidecar().log();
    const auto after = get("/scripts/winmisbehave.dll");
    ASSERT_EQ(after.status, 200) << after.describe() << sidecar().log();
    EXPECT_NE(after.body, before.body) << "a new Windows process serves after the crash";
    // The other DLLs' workers never noticed.
    EXPECT_EQ(get("/scripts/hello.dll").body, hello_body);
}

TEST_F(wine_worker_nginx_only, a_dll_missing_an_export_answers_500_and_the_log_names_file_and_export) {
    const auto result = get("/scripts/noproc.dll");
    EXPECT_EQ(result.status, 500) << result.describe();
    EXPECT_TRUE(sidecar().wait_for_log(
        std::regex("extension 'noproc' \\(.*noproc\\.dll\\) failed to load under Wine: it does not export "
                   "HttpExtensionProc"),
        soon()))
        << sidecar().log();
    EXPECT_EQ(get("/scripts/hello.dll").status, 200);
}

TEST_F(wine_worker_nginx_only, a_dlls_printf_reaches_the_log_and_never_the_response) {
    const auto result = get("/scripts/winmisbehave.dll/print");
    ASSERT_EQ(result.status, 200) << result.describe() << sidecar().log();
    EXPECT_EQ(result.body, "printed\n");
    EXPECT_TRUE(sidecar().wait_for_log(std::regex("winmisbehave: this line goes to stdout"), soon())) << sidecar().log();
}

TEST_F(wine_worker_nginx_only, a_hang_past_request_timeout_answers_504_and_the_worker_serves_on) {
    const auto hung = get("/scripts/winmisbehave.dll/hang");
    EXPECT_EQ(hung.status, 504) << hung.describe();
    EXPECT_TRUE(sidecar().wait_for_log(std::regex("504: extension 'winmisbehave' .* request_timeout"), soon()))
        << sidecar().log();
    const auto next = get("/scripts/winmisbehave.dll");
    EXPECT_EQ(next.status, 200) << next.describe();
}

// A pool with filters: the Linux worker's own answers for a Wine extension (a crash's 502, a
// hang's 504) are responses of the request as an extension's are, through SEND_RESPONSE and
// LOG (docs/wine.md, "ISAPI filters"; the extension's own responses: wine-nginx.isapi_filters).
class wine_worker_filtered_nginx_only : public isapi_behind_nginx_only {
protected:
    void SetUp() override {
        isapi_behind_nginx_only::SetUp();
        if (IsSkipped()) return;
        isapi_sidecar_options options;
        options.extensions = {wine_dll("hello"), wine_dll("winmisbehave")};
        options.access_format = "json";
        options.pool_extra = "    extension_threads: 4\n    request_timeout: 3s\n    filters:\n";
        for (const std::string name : {"headerfilter", "logfilter"})
            options.pool_extra += "      - {name: " + name + ", path: " ISAPI_FILTER_FIXTURE_DIR "/" + name + ".so}\n";
        options.env = {"WINEPREFIX=" ISAPI_WINE_TEST_PREFIX};
        start(options);
    }

    /// The access log line (json) whose query string logfilter edited from `was`.
    std::optional<std::string> edited_line(const std::string& was) {
        return sidecar().wait_for_log(std::regex(R"(\{.*"edited-by=logfilter&was=)" + was + R"(".*\})"), soon());
    }
};

TEST_F(wine_worker_filtered_nginx_only, the_linux_workers_own_502_and_504_go_through_send_response_and_log) {
    const auto crashed = get("/scripts/winmisbehave.dll/crash?c=1");
    EXPECT_EQ(crashed.status, 502) << crashed.describe();
    EXPECT_EQ(crashed.head.header("X-Filtered-By"), "headerfilter") << crashed.describe();
    const auto crash_line = edited_line("c=1");
    ASSERT_TRUE(crash_line) << sidecar().log();
    EXPECT_NE(crash_line->find("\"status\":502"), std::string::npos) << *crash_line;

    const auto hung = get("/scripts/winmisbehave.dll/hang?h=2");
    EXPECT_EQ(hung.status, 504) << hung.describe();
    EXPECT_EQ(hung.head.header("X-Filtered-By"), "headerfilter") << hung.describe();
    const auto hang_line = edited_line("h=2");
    ASSERT_TRUE(hang_line) << sidecar().log();
    EXPECT_NE(hang_line->find("\"status\":504"), std::string::npos) << *hang_line;

    // SEND_RESPONSE changes the status the client gets, and LOG sees the changed one, never the
    // DLL's 200. hello sends Content-Length, so nginx may end the request after the last byte
    // while FCGI_END_REQUEST is still in the pipe: the line then says 499 (wine_ops_test).
    const auto changed = get("/scripts/hello.dll?s=3", {"X-Set-Status: 203"});
    EXPECT_EQ(changed.status, 203) << changed.describe();
    EXPECT_EQ(changed.body, hello_body);
    const auto changed_line = edited_line("s=3");
    ASSERT_TRUE(changed_line) << sidecar().log();
    EXPECT_TRUE(std::regex_search(*changed_line, std::regex(R"("status":(203|499),)"))) << *changed_line;
}

}  // namespace
}  // namespace isapi_fcgi::test
