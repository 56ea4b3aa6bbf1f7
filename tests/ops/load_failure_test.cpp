// Load failures isolated: an extension that cannot be loaded (missing file, missing symbol,
// GetExtensionVersion FALSE, a crash inside GetExtensionVersion) never stops its pool; its URLs
// answer 500, the log names the file and the reason, status and metrics show it failed, and
// `--check-config` reports each with its line. Also the secure CRT policy (abort / fail).
#include "ops/ops_fixture.hpp"

#include <csignal>
#include <fstream>
#include <regex>

#include "support/engine_instance.hpp"

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

std::string extension_line(const std::string& name, const std::string& path, const std::string& url) {
    return "      - { name: " + name + ", path: " + path + ", urls: " + url + " }\n";
}

std::string app_config(const std::string& pool_extra, const std::string& extensions) {
    return "allow_root: true\nshutdown_timeout: 10s\nlog: { level: info }\npools:\n"
           "  - name: app\n    listen: unix:@DIR@/app.sock\n    status_path: /status\n    metrics_path: /metrics\n" +
           pool_extra + "    extensions:\n" + extensions;
}

const json_value* find_extension(const json_value& status, const std::string& name) {
    for (const auto& e : status["extensions"].items())
        if (e["name"].text() == name) return &e;
    return nullptr;
}

double loaded_metric(const std::string& text, const std::string& extension) {
    std::vector<std::string> problems;
    const auto samples = parse_prometheus(text, problems);
    EXPECT_TRUE(problems.empty()) << problems.front();
    const auto found = samples.find(R"(isapi_fcgi_extension_loaded{pool="app",extension=")" + extension + "\"}");
    EXPECT_NE(found, samples.end()) << extension << " has no extension_loaded sample in:\n" << text;
    return found == samples.end() ? -1 : found->second;
}

#if defined(__SANITIZE_THREAD__)
#define SKIP_DELIBERATE_CRASHES_UNDER_TSAN() GTEST_SKIP() << "deliberate crashes are reported by TSan's own SIGSEGV handler"
#else
#define SKIP_DELIBERATE_CRASHES_UNDER_TSAN() (void)0
#endif

TEST_F(ops_test, an_extension_that_crashes_while_loading_is_failed_and_the_pool_serves_the_others) {
    SKIP_DELIBERATE_CRASHES_UNDER_TSAN();
    // Two workers both die loading it: were those deaths counted, rapid-fail (2) would stop the pool.
    start(app_config("    workers: 2\n    rapid_fail: { max_crashes: 2, interval: 60s }\n",
                     extension_line("misbehave_load", ops_extension("misbehave_load").string(), "/scripts/crash.dll") +
                         extension_line("misbehave", ops_extension("misbehave").string(), "/scripts/misbehave.dll")));
    start_nginx();
    const auto logged = wait_log(
        R"(pool app: extension 'misbehave_load' \(.*misbehave_load\.so\) failed to load: worker \d+ died while loading it .*SIGSEGV)");
    ASSERT_TRUE(logged);
    EXPECT_EQ(http("/scripts/misbehave.dll/ok").status, 200);
    EXPECT_EQ(http("/scripts/crash.dll").status, 500);
    // One master line for the extension however many workers died of it.
    EXPECT_EQ(master().count_log_lines(std::regex("pool app: extension 'misbehave_load' .*failed to load")), 1U);

    const auto status = status_json();
    EXPECT_EQ(status["pool state"].text(), "running");
    const auto* failed = find_extension(status, "misbehave_load");
    ASSERT_NE(failed, nullptr);
    EXPECT_EQ((*failed)["state"].text(), "failed");
    EXPECT_NE((*failed)["load error"].text().find("SIGSEGV"), std::string::npos) << (*failed)["load error"].text();
    const auto* good = find_extension(status, "misbehave");
    ASSERT_NE(good, nullptr);
    EXPECT_EQ((*good)["state"].text(), "loaded");
    const auto text = metrics();
    EXPECT_EQ(loaded_metric(text, "misbehave_load"), 0);
    EXPECT_EQ(loaded_metric(text, "misbehave"), 1);
    stop_master();
}

TEST_F(ops_test, extensions_that_fail_to_load_answer_500_while_the_others_serve) {
    const std::string ghost = dir_text() + "/ghost.so";
    start(app_config("    workers: 1\n",
                     extension_line("ghost", ghost, "/scripts/ghost.dll") +
                         extension_line("missing_import", ops_extension("missing_import").string(), "/scripts/import.dll") +
                         extension_line("fail_version", ops_extension("fail_version").string(), "/scripts/version.dll") +
                         extension_line("hello", ops_extension("hello").string(), "/scripts/hello.dll")));
    start_nginx();
    EXPECT_EQ(http("/scripts/hello.dll").status, 200);
    for (const char* url : {"/scripts/ghost.dll", "/scripts/import.dll", "/scripts/version.dll"}) {
        const auto answer = http(url);
        EXPECT_EQ(answer.status, 500) << url;
        EXPECT_EQ(answer.body.find("was called"), std::string::npos) << url << ": " << answer.body;
    }
    // One line each, naming the file and the symbol or reason.
    EXPECT_TRUE(wait_log(R"(extension 'ghost' \(.*ghost\.so\) failed to load: cannot load: .*ghost\.so: cannot open shared object file)", 5s));
    EXPECT_TRUE(wait_log(R"(extension 'missing_import' \(.*missing_import\.so\) failed to load: cannot load: .*undefined symbol: IsapiFixtureNoSuchFunction)", 5s));
    EXPECT_TRUE(wait_log(R"(extension 'fail_version' \(.*fail_version\.so\) failed to load: GetExtensionVersion returned FALSE \(last error 50\))", 5s));

    const auto status = status_json();
    for (const char* name : {"ghost", "missing_import", "fail_version"}) {
        const auto* e = find_extension(status, name);
        ASSERT_NE(e, nullptr) << name;
        EXPECT_EQ((*e)["state"].text(), "failed") << name;
    }
    EXPECT_EQ((*find_extension(status, "hello"))["state"].text(), "loaded");
    const auto text = metrics();
    EXPECT_EQ(loaded_metric(text, "ghost"), 0);
    EXPECT_EQ(loaded_metric(text, "hello"), 1);
    stop_master();
}

TEST_F(ops_test, a_required_extension_that_fails_to_load_still_stops_the_start) {
    start(app_config("    workers: 1\n",
                     "      - { name: fail_version, path: " + ops_extension("fail_version").string() +
                         ", urls: /scripts/version.dll, required: true }\n"),
          false);
    const auto end = master().wait(within(20s));
    ASSERT_TRUE(end) << "the master kept running";
    EXPECT_TRUE(end->exited);
    EXPECT_EQ(end->exit_code, 1);
    EXPECT_TRUE(master().count_log_lines(std::regex("'fail_version' .* is required and failed to load: "
                                                    "GetExtensionVersion returned FALSE")) > 0)
        << master().error_output();
}

TEST_F(ops_test, a_reload_whose_workers_cannot_start_keeps_the_old_generation_and_says_why) {
    // With a state_file, where `isapi-fcgi reload` (ExecReload) reads the verdict.
    const auto with_state = [](const std::string& yaml) {
        return replace_all(yaml, "allow_root: true\n", "allow_root: true\nstate_file: @DIR@/master.state\n");
    };
    start(with_state(app_config("    workers: 1\n", extension_line("hello", ops_extension("hello").string(), "/scripts/hello.dll"))));
    rewrite_config(with_state(app_config("    workers: 1\n",
                              extension_line("hello", ops_extension("hello").string(), "/scripts/hello.dll") +
                                  "      - { name: fail_version, path: " + ops_extension("fail_version").string() +
                                  ", urls: /scripts/version.dll, required: true }\n")));
    const auto mark = log_mark();
    ASSERT_EQ(::kill(master().pid(), SIGHUP), 0);
    const auto line = wait_log(R"(pool app: reload failed: worker \d+ of generation 2 could not start: .*'fail_version' .* is )"
                               R"(required and failed to load: GetExtensionVersion returned FALSE.*; generation 1 keeps serving)",
                               20s, mark);
    ASSERT_TRUE(line);
    ASSERT_TRUE(notify().wait_for("last reload failed", within(10s)));
    EXPECT_EQ(master().count_log_lines(std::regex("reload complete"), mark), 0U);
    const auto status = status_json();
    EXPECT_TRUE(status["reload failed"].boolean());
    EXPECT_NE(status["reload error"].text().find("GetExtensionVersion returned FALSE"), std::string::npos)
        << status["reload error"].text();
    EXPECT_EQ(status["generation"].number(), 1);
    std::vector<std::string> problems;
    const auto samples = parse_prometheus(metrics(), problems);
    EXPECT_EQ(samples.at(R"(isapi_fcgi_reload_failed{pool="app"})"), 1);
    EXPECT_EQ(samples.at(R"(isapi_fcgi_reloads_total{pool="app",result="failed"})"), 1);
    std::ifstream state_file(work_.file("master.state"));
    const std::string state((std::istreambuf_iterator<char>(state_file)), std::istreambuf_iterator<char>());
    EXPECT_TRUE(std::regex_search(state, std::regex("reloads: 1\nlast_reload: failed\nlast_reload_error: pool app: "
                                                    "worker \\d+ of generation 2 could not start: .*GetExtensionVersion "
                                                    "returned FALSE")))
        << state;
    EXPECT_EQ(fcgi_get(address(), "/scripts/hello.dll").status, 200);
    stop_master();
}

struct check_outcome {
    int exit_code = -1;
    std::string output;   ///< stderr: the check's messages
    std::string printed;  ///< stdout (-T)
};

check_outcome run_check(const temp_dir& dir, const std::string& yaml, const std::string& option = "--check-config") {
    const auto path = dir.file("check.yaml");
    std::ofstream(path) << replace_all(yaml, "@DIR@", dir.path().string());
    spawn_options spawn;
    spawn.stdout_path = dir.file("check.out");
    spawn.stderr_path = dir.file("check.log");
    test_process check({engine_instance::binary().string(), option, "--config", path.string()}, spawn);
    const auto end = check.wait(deadline_after(scaled(60s)));
    check_outcome out;
    if (end && end->exited) out.exit_code = end->exit_code;
    out.output = check.error_output();
    std::ifstream printed(dir.file("check.out"));
    out.printed.assign(std::istreambuf_iterator<char>(printed), std::istreambuf_iterator<char>());
    return out;
}

TEST(config_check, reports_each_extension_that_cannot_load_with_its_line_and_fails) {
    SKIP_DELIBERATE_CRASHES_UNDER_TSAN();
    temp_dir dir("isapi-fcgi-check");
    const std::string yaml = app_config(
        "",
        extension_line("hello", ops_extension("hello").string(), "/scripts/hello.dll") +                   // line 10
            extension_line("ghost", dir.file("ghost.so").string(), "/scripts/ghost.dll") +                  // line 11
            extension_line("crash", ops_extension("misbehave_load").string(), "/scripts/crash.dll") +       // line 12
            extension_line("missing_import", ops_extension("missing_import").string(), "/scripts/i.dll") +  // line 13
            extension_line("fail_version", ops_extension("fail_version").string(), "/scripts/v.dll"));      // line 14
    const auto r = run_check(dir, yaml);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    const std::string file = dir.file("check.yaml").string();
    const auto has = [&](const std::string& pattern) {
        EXPECT_TRUE(std::regex_search(r.output, std::regex(pattern))) << "expected /" << pattern << "/ in:\n" << r.output;
    };
    has(":11:9: pool 'app': extension 'ghost' .* cannot be loaded: cannot load: .*ghost\\.so: cannot open shared object file");
    has(":12:9: pool 'app': extension 'crash' .* cannot be loaded: it crashed or hung while loading .*SIGSEGV");
    has(":13:9: pool 'app': extension 'missing_import' .* undefined symbol: IsapiFixtureNoSuchFunction");
    has(":14:9: pool 'app': extension 'fail_version' .* GetExtensionVersion returned FALSE");
    EXPECT_EQ(r.output.find("'hello'"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("test failed"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find(file + ":10:"), std::string::npos) << r.output;
}

TEST(config_check, passes_a_configuration_whose_extensions_load) {
    temp_dir dir("isapi-fcgi-check");
    const auto r = run_check(dir, app_config("", extension_line("hello", ops_extension("hello").string(), "/scripts/hello.dll")));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("test is successful"), std::string::npos) << r.output;
}

// The check fails (exit 1) with a message matching `pattern`.
void expect_check_refuses(const std::string& yaml, const std::string& pattern) {
    temp_dir dir("isapi-fcgi-check");
    const auto r = run_check(dir, yaml);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(std::regex_search(r.output, std::regex(pattern))) << "expected /" << pattern << "/ in:\n" << r.output;
}

const std::string hello_line = extension_line("hello", ops_extension("hello").string(), "/scripts/hello.dll");

TEST(config_check, refuses_the_same_url_twice_in_different_case) {
    expect_check_refuses(
        app_config("", hello_line + extension_line("other", ops_extension("misbehave").string(), "[/x.dll, /Scripts/Hello.dll]")),
        ":11:\\d+: URL '/Scripts/Hello.dll' of extension 'other' is already mapped to extension 'hello'");
}

TEST(config_check, refuses_a_socket_in_a_directory_that_does_not_exist) {
    expect_check_refuses(replace_all(app_config("", hello_line), "unix:@DIR@/app.sock", "unix:@DIR@/no-such-dir/app.sock"),
                         ":6:13: pool 'app': the directory of socket .*no-such-dir/app.sock does not exist");
}

TEST(config_check, refuses_an_unreadable_document_root) {
    expect_check_refuses(app_config("    document_root: @DIR@/missing-root\n", hello_line),
                         ":5:5: pool 'app': the document root cannot be read by the pool's user: .*missing-root: No such "
                         "file or directory");
}

TEST(config_check, print_config_shows_the_defaults_as_yaml) {
    temp_dir dir("isapi-fcgi-check");
    const auto r = run_check(dir, app_config("", extension_line("hello", ops_extension("hello").string(), "/scripts/hello.dll")),
                             "-T");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    const std::string printed = r.printed;
    for (const char* expected : {"extension_threads: 32", "request_timeout: 2m", "secure_crt_invalid_parameter: fail",
                                 "max_crashes: 5", "name: hello"})
        EXPECT_NE(printed.find(expected), std::string::npos) << expected << " not in:\n" << printed;
    // And what it prints is a configuration the check accepts as it is.
    const auto again = run_check(dir, printed);
    EXPECT_EQ(again.exit_code, 0) << again.output << "\n" << printed;
}

TEST_F(ops_test, secure_crt_fail_policy_logs_extension_url_and_function_once) {
    start(app_config("    workers: 1\n",
                     extension_line("crt_violation", ops_extension("crt_violation").string(), "/scripts/crt.dll")));
    start_nginx();
    for (int i = 0; i < 3; ++i) {
        const auto answer = http("/scripts/crt.dll/overflow");
        EXPECT_EQ(answer.status, 200);
        EXPECT_NE(answer.body.find("buffer ''"), std::string::npos) << answer.body;
        EXPECT_EQ(answer.body.find("returned 0,"), std::string::npos) << answer.body;
    }
    EXPECT_TRUE(wait_log(R"(extension 'crt_violation' \(GET /scripts/crt\.dll/overflow\): strcpy_s: invalid parameter)", 5s));
    // Throttled per extension and function: three violations, one line.
    EXPECT_EQ(master().count_log_lines(std::regex("strcpy_s: invalid parameter")), 1U);
    stop_master();
}

TEST_F(ops_test, secure_crt_abort_policy_ends_the_worker_and_the_pool_replaces_it) {
    SKIP_DELIBERATE_CRASHES_UNDER_TSAN();
    start(app_config("    workers: 1\n    secure_crt_invalid_parameter: abort\n",
                     extension_line("crt_violation", ops_extension("crt_violation").string(), "/scripts/crt.dll")));
    start_nginx();
    allowed_nginx_problems_ = std::regex("upstream prematurely closed connection|recv\\(\\) failed|reset by peer");
    const auto answer = http("/scripts/crt.dll/overflow");
    EXPECT_TRUE(answer.status == 502 || answer.status == 500) << answer.describe();
    EXPECT_TRUE(wait_log(R"(extension 'crt_violation' \(GET /scripts/crt\.dll/overflow\): strcpy_s: invalid parameter: .*ending the worker)", 5s));
    EXPECT_TRUE(wait_log("killed by SIGABRT", 10s));
    EXPECT_TRUE(wait_log(R"(pool app: worker 2 \(pid \d+\): ready)", 20s));
    EXPECT_EQ(http("/scripts/crt.dll/ok").status, 200);
    stop_master();
}

}  // namespace
}  // namespace isapi_fcgi::test

namespace isapi_fcgi::test {
namespace {

std::string filter_fixture(const std::string& name) { return std::string(ISAPI_FILTER_FIXTURE_DIR) + "/" + name + ".so"; }

TEST(config_check, reports_each_filter_that_cannot_load_with_its_line) {
    temp_dir dir("isapi-fcgi-check");
    const std::string yaml = app_config("    filters:\n"                                                        // line 9
                                        "      - { name: order, path: " + filter_fixture("orderfilter_high") + " }\n"  // 10
                                        "      - { name: refuse, path: " + filter_fixture("refusefilter") + " }\n"     // 11
                                        "      - { name: ghost, path: " + dir.file("ghost.so").string() + " }\n",      // 12
                                        hello_line);
    const auto r = run_check(dir, yaml);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(std::regex_search(r.output, std::regex(":11:9: pool 'app': filter 'refuse' .* cannot be loaded, so the pool "
                                                       "cannot start: .*GetFilterVersion returned FALSE")))
        << r.output;
    EXPECT_TRUE(std::regex_search(r.output, std::regex(":12:9: pool 'app': filter 'ghost' .*cannot open shared object file")))
        << r.output;
    EXPECT_EQ(r.output.find("'order'"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("'hello'"), std::string::npos) << r.output;
}

TEST(config_check, print_config_shows_the_filters) {
    temp_dir dir("isapi-fcgi-check");
    const auto r = run_check(dir, app_config("    filters:\n      - { name: order, path: " + filter_fixture("orderfilter_high") + " }\n",
                                             hello_line),
                             "-T");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.printed.find("filters:\n      - name: order\n        path: " + filter_fixture("orderfilter_high")), std::string::npos)
        << r.printed;
    EXPECT_NE(r.printed.find("filter_session_timeout: 75s"), std::string::npos) << r.printed;
}

TEST_F(ops_test, a_filter_that_cannot_load_stops_the_start) {
    start(app_config("    workers: 1\n    filters:\n      - { name: refuse, path: " + filter_fixture("refusefilter") + " }\n",
                     hello_line),
          false);
    const auto end = master().wait(within(20s));
    ASSERT_TRUE(end) << "the master kept running";
    EXPECT_TRUE(end->exited);
    EXPECT_NE(end->exit_code, 0);
    EXPECT_GT(master().count_log_lines(std::regex("filter 'refuse': GetFilterVersion returned FALSE")), 0U)
        << master().error_output();
}

}  // namespace
}  // namespace isapi_fcgi::test
