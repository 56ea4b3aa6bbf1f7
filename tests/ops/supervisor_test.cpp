// The master/worker supervisor end to end: real worker processes, real nginx in front, a load
// generator of curl processes; readiness is READY=1 on a notification socket the test owns, and
// the other waits are for log lines or status figures, each bounded.
#include "ops/ops_fixture.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <csignal>
#include <sstream>
#include <fstream>
#include <cstring>
#include <regex>

#include "support/engine_instance.hpp"
#include "support/fcgi_client.hpp"

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

std::string pool_yaml(const std::string& name, const std::string& socket, const std::string& extra,
                      const std::vector<std::pair<std::string, std::string>>& extensions) {
    std::string yaml = "  - name: " + name + "\n    listen: unix:@DIR@/" + socket +
                       "\n    status_path: /status\n    metrics_path: /metrics\n" + extra + "    extensions:\n";
    for (const auto& [ext, url] : extensions)
        yaml += "      - { name: " + ext + ", path: " + ops_extension(ext).string() + ", urls: " + url + " }\n";
    return yaml;
}

std::string config(const std::string& pools, const std::string& top = "shutdown_timeout: 10s\n") {
    return "allow_root: true\n" + top + "log: { level: info }\npools:\n" + pools;
}

std::string app_pool(const std::string& extra) {
    return pool_yaml("app", "app.sock", extra, {{"misbehave", "/scripts/misbehave.dll"}});
}

double restarts(const json_value& status, const std::string& cause) {
    return status["restarts by cause"][cause].number();
}

TEST_F(ops_test, segfault_on_one_url_fails_only_the_requests_in_flight_on_that_worker) {
    SKIP_DELIBERATE_CRASHES_UNDER_TSAN();
    start(config(app_pool("    workers: 2\n    extension_threads: 4\n") +
                 pool_yaml("web", "web.sock", "    workers: 1\n", {{"hello", "/web/hello.dll"}})));
    start_nginx(true);
    allowed_nginx_problems_ = std::regex("upstream prematurely closed|recv\\(\\) failed|reset by peer");
    load_generator other_pool(work_, {nginx().url("/web/hello.dll")});
    load_generator same_pool(work_, {nginx().url("/scripts/misbehave.dll/ok")});
    ASSERT_TRUE(other_pool.wait_completed(30, within(20s)));
    ASSERT_TRUE(same_pool.wait_completed(30, within(20s)));

    const auto mark = log_mark();
    // Straight to the socket (poison_request_test.cpp sends crashes through the front ends).
    const auto crashed = fcgi_get(address(), "/scripts/misbehave.dll/segv");
    EXPECT_FALSE(crashed.ended);
    const auto report = wait_log(R"(worker \d+ \(pid \d+\) killed by SIGSEGV; SIGSEGV at address 0x[0-9a-f]+, in extension 'misbehave' \(\+0x[0-9a-f]+\), while running GET /scripts/misbehave\.dll/segv)",
                                 20s, mark);
    ASSERT_TRUE(report) << tail(master().error_output());
    // The replacement is started at once and announces itself ready.
    ASSERT_TRUE(wait_log(R"(pool app: worker 3 \(pid \d+\): ready)", 20s, mark));
    const std::size_t before = other_pool.completed() + same_pool.completed();
    ASSERT_TRUE(other_pool.wait_completed(other_pool.completed() + 30, within(20s)));
    ASSERT_TRUE(same_pool.wait_completed(same_pool.completed() + 30, within(20s)));
    EXPECT_GT(other_pool.completed() + same_pool.completed(), before);

    const auto other = other_pool.stop();
    const auto same = same_pool.stop();
    EXPECT_EQ(other.size(), 1U) << "the other pool saw failures";
    EXPECT_GT(other.count(200) ? other.at(200) : 0, 0U);
    // Only what was in flight on the crashed worker may fail: the requests it was running (the
    // report counts them, the crash request among them) and those nginx had already written on
    // its connections but it had not read yet (nginx does not replay them: the shipped snippet
    // sets fastcgi_next_upstream off). The latter are at most one per load connection.
    std::smatch m;
    ASSERT_TRUE(std::regex_search(*report, m, std::regex(R"((\d+) request\(s\) in flight failed)")));
    const auto in_flight = static_cast<std::size_t>(std::stoul(m[1]));
    std::size_t same_failures = 0;
    for (const auto& [status, n] : same)
        if (status != 200) same_failures += n;
    constexpr std::size_t load_connections = 6;  // load_generator's default
    EXPECT_LE(same_failures + 1, std::max<std::size_t>(in_flight, 1) + load_connections) << *report;

    const auto status = status_json();
    EXPECT_EQ(restarts(status, "crash"), 1);
    EXPECT_EQ(status["workers ready"].number(), 2);
    ASSERT_FALSE(status["recent restarts"].items().empty());
    EXPECT_NE(status["recent restarts"].items()[0]["detail"].text().find("SIGSEGV"), std::string::npos);
    EXPECT_EQ(status_json("web.sock")["worker restarts"].number(), 0);
    stop_master();
}

// (An extension that crashes while loading does not stop its pool: tests/ops/load_failure_test.cpp.)
TEST_F(ops_test, rapid_fail_protection_stops_a_pool_whose_workers_keep_crashing) {
    SKIP_DELIBERATE_CRASHES_UNDER_TSAN();
    // The same crash request three times: with crash_quarantine (default 60s) the second would be
    // answered 500 without reaching a worker.
    start(config(app_pool("    workers: 1\n    rapid_fail: { max_crashes: 3, interval: 60s }\n    crash_quarantine: 0\n")));
    for (std::size_t crash = 1; crash <= 3; ++crash) {
        EXPECT_FALSE(fcgi_get(address(), "/scripts/misbehave.dll/segv").ended);
        ASSERT_TRUE(master().wait_for_log_count(std::regex("killed by SIGSEGV"), crash, within(20s)));
        if (crash < 3) {
            ASSERT_TRUE(master().wait_for_log_count(std::regex(R"(worker \d+ \(pid \d+\): ready)"), crash + 1, within(20s)));
        }
    }
    EXPECT_TRUE(wait_log("pool app: rapid-fail protection: 3 worker failures within 60s; the pool is stopped", 5s));
    EXPECT_EQ(master().count_log_lines(std::regex("killed by SIGSEGV")), 3U);
    // No further worker is started.
    EXPECT_EQ(master().count_log_lines(std::regex("pool app: started worker")), 3U);

    const auto status = status_json();
    EXPECT_EQ(status["pool state"].text(), "stopped");
    EXPECT_EQ(restarts(status, "crash"), 3);
    EXPECT_NE(status["stop reason"].text().find("rapid-fail"), std::string::npos);
    // The master answers for the stopped pool at once: 503, and the ping fails too.
    const auto answer = fcgi_get(address(), "/scripts/misbehave.dll/ok");
    EXPECT_TRUE(answer.ended);
    EXPECT_EQ(answer.status, 503);
    EXPECT_EQ(fcgi_get(address(), "/ping").status, 503);
    std::vector<std::string> problems;
    const auto samples = parse_prometheus(metrics(), problems);
    EXPECT_TRUE(problems.empty()) << problems.front();
    EXPECT_EQ(samples.at(R"(isapi_fcgi_up{pool="app"})"), 0);

    // A reload with a working extension restarts the pool.
    rewrite_config(config(app_pool("    workers: 1\n")));
    ASSERT_EQ(::kill(master().pid(), SIGHUP), 0);
    ASSERT_TRUE(wait_log("pool app: restarting after rapid-fail protection stopped it", 10s));
    ASSERT_TRUE(wait_log("reload complete", 20s));
    EXPECT_EQ(fcgi_get(address(), "/scripts/misbehave.dll/ok").status, 200);
    EXPECT_EQ(status_json()["pool state"].text(), "running");
    stop_master();
}

TEST_F(ops_test, sighup_under_load_answers_every_request_and_puts_the_new_configuration_in_force) {
    const std::string before = app_pool("    workers: 2\n");
    start(config(before));
    start_nginx();
    allowed_nginx_problems_ = std::regex("upstream prematurely closed connection while reading response header");
    EXPECT_EQ(http("/scripts/hello.dll").status, 404);
    load_generator load(work_, {nginx().url("/scripts/misbehave.dll/ok"), nginx().url("/scripts/misbehave.dll/sleep?ms=50")});
    ASSERT_TRUE(load.wait_completed(12, within(20s)));

    // The new generation adds an extension.
    rewrite_config(config(pool_yaml("app", "app.sock", "    workers: 2\n",
                                    {{"misbehave", "/scripts/misbehave.dll"}, {"hello", "/scripts/hello.dll"}})));
    const auto ready_index = notify().count();
    ASSERT_EQ(::kill(master().pid(), SIGHUP), 0);
    EXPECT_TRUE(notify().wait_for("RELOADING=1", within(10s), ready_index));
    ASSERT_TRUE(wait_log("reload complete", 20s));
    EXPECT_TRUE(notify().wait_for("READY=1", within(10s), ready_index + 1));
    ASSERT_TRUE(wait_log(R"(pool app: worker [12] \(pid \d+\): exited after draining)", 20s));
    const auto done = load.completed();
    ASSERT_TRUE(load.wait_completed(done + 12, within(20s)));
    const auto statuses = load.stop();
    EXPECT_EQ(statuses.size(), 1U) << "non-2xx answers during the reload: " << (load.failures().empty() ? "" : load.failures().front());
    EXPECT_EQ(http("/scripts/hello.dll").status, 200);
    const auto status = status_json();
    EXPECT_EQ(status["generation"].number(), 2);
    EXPECT_EQ(restarts(status, "reload"), 2);
    EXPECT_FALSE(status["reload failed"].boolean());
    stop_master();
}

TEST_F(ops_test, an_extension_file_replaced_atomically_reloads_while_the_old_workers_drain) {
    const auto app = work_.file("app.so");
    std::filesystem::copy_file(ops_extension("misbehave"), app);
    start(config("  - name: app\n    listen: unix:@DIR@/app.sock\n    workers: 1\n    status_path: /status\n"
                 "    extensions:\n      - { name: app, path: " + app.string() + ", urls: /scripts/app.dll }\n"));
    start_nginx();
    http_request request;
    request.url = nginx().url("/scripts/app.dll/sleep?ms=1500");
    http_call long_request(work_, request);
    ASSERT_TRUE(wait_active_threads(1));
    // install(1)'s way: a new file under a temporary name, renamed over the old one.
    std::filesystem::copy_file(ops_extension("hello"), work_.file("app.so.new"));
    std::filesystem::rename(work_.file("app.so.new"), app);
    ASSERT_EQ(::kill(master().pid(), SIGHUP), 0);
    ASSERT_TRUE(wait_log("reload complete", 20s));
    const auto result = long_request.finish(within(20s));
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_NE(result.body.find("slept 1500"), std::string::npos);
    EXPECT_EQ(http("/scripts/app.dll").body, "Hello from ISAPI!\r\n");
    EXPECT_EQ(master().count_log_lines(std::regex("killed by|overwritten in place")), 0U);

    // Overwriting in place (same inode, new contents) is what draining workers cannot survive,
    // so it is flagged. A new modification time on the same inode stands in for it here: really
    // rewriting a mapped library would crash the workers running it.
    std::filesystem::last_write_time(app, std::filesystem::last_write_time(app) + 2s);
    ASSERT_EQ(::kill(master().pid(), SIGHUP), 0);
    EXPECT_TRUE(wait_log("extension 'app' .* was overwritten in place; workers still running the old code may crash", 10s));
    ASSERT_TRUE(wait_log(R"(generation 3 serving)", 20s));
    stop_master();
}

TEST_F(ops_test, an_invalid_configuration_on_sighup_keeps_the_running_workers_and_is_flagged) {
    start(config(app_pool("    workers: 1\n")));
    rewrite_config(config(app_pool("    workers: 1\n    no_such_key: 1\n")));
    ASSERT_EQ(::kill(master().pid(), SIGHUP), 0);
    ASSERT_TRUE(wait_log("reload refused: .*unknown key 'no_such_key'", 10s));
    const auto status = status_json();
    EXPECT_TRUE(status["reload failed"].boolean());
    EXPECT_NE(status["reload error"].text().find("no_such_key"), std::string::npos);
    EXPECT_EQ(status["generation"].number(), 1);
    EXPECT_EQ(fcgi_get(address(), "/scripts/misbehave.dll/ok").status, 200);
    stop_master();
}

TEST_F(ops_test, sigterm_lets_long_requests_finish_and_exits_0) {
    start(config(app_pool("    workers: 2\n")));
    start_nginx();
    std::vector<std::unique_ptr<http_call>> calls;
    for (int i = 0; i < 3; ++i) {
        http_request request;
        request.url = nginx().url("/scripts/misbehave.dll/sleep?ms=2000");
        request.max_time = 30s;
        calls.push_back(std::make_unique<http_call>(work_, request));
    }
    // Wait until all three are inside the extension (status event, bounded).
    ASSERT_TRUE(wait_active_threads(3));
    ASSERT_EQ(::kill(master().pid(), SIGTERM), 0);
    EXPECT_TRUE(notify().wait_for("STOPPING=1", within(5s)));
    for (auto& call : calls) {
        const auto result = call->finish(within(30s));
        EXPECT_EQ(result.status, 200) << result.describe();
        EXPECT_NE(result.body.find("slept 2000"), std::string::npos);
    }
    const auto end = master().wait(within(20s));
    ASSERT_TRUE(end);
    EXPECT_TRUE(ended_cleanly(*end, master().error_output()));
    EXPECT_TRUE(wait_log("master exiting", 1s));
}

TEST_F(ops_test, a_worker_whose_extension_threads_all_hang_is_replaced) {
    start(config(app_pool("    workers: 1\n    extension_threads: 2\n    request_timeout: 1s\n"), "shutdown_timeout: 3s\n"));
    start_nginx();
    allowed_nginx_problems_ = std::regex("upstream prematurely closed|recv\\(\\) failed|reset by peer|upstream timed out");
    std::vector<std::unique_ptr<http_call>> hung;
    for (int i = 0; i < 2; ++i) {
        http_request request;
        request.url = nginx().url("/scripts/misbehave.dll/hang");
        request.max_time = 30s;
        hung.push_back(std::make_unique<http_call>(work_, request));
    }
    ASSERT_TRUE(wait_log(R"(pool app: worker 1 \(pid \d+\): all 2 extension threads are stuck past request_timeout \(1000ms\), e\.g\. GET /scripts/misbehave\.dll/hang in extension 'misbehave')",
                         20s));
    ASSERT_TRUE(wait_log(R"(pool app: worker 2 \(pid \d+\): ready)", 20s));
    EXPECT_EQ(http("/scripts/misbehave.dll/ok").status, 200);
    for (auto& call : hung) {
        // The ISAPI layer answers 504 at request_timeout; the thread stays stuck until the
        // worker is replaced and killed.
        const auto result = call->finish(within(30s));
        EXPECT_EQ(result.status, 504) << result.describe();
    }
    EXPECT_TRUE(wait_log(R"(worker 1 \(pid \d+\): still running .* killing it|worker 1 \(pid \d+\).*exited)", 20s));
    EXPECT_EQ(restarts(status_json(), "request_timeout"), 1);
    stop_master();
}

TEST_F(ops_test, max_requests_recycles_workers_under_load_without_a_failed_request) {
    start(config(app_pool("    workers: 2\n    max_requests: 15\n")));
    start_nginx();
    // A kept-alive connection the old worker closes as nginx reuses it: nginx retries it on a
    // fresh connection (it logs the first attempt); the client still gets its 200.
    allowed_nginx_problems_ = std::regex("upstream prematurely closed connection while reading response header");
    load_generator load(work_, {nginx().url("/scripts/misbehave.dll/ok")});
    const auto until = within(60s);
    while (restarts(status_json(), "max_requests") < 3) {
        ASSERT_LT(clock::now(), until) << "fewer than 3 recycles";
        std::this_thread::sleep_for(50ms);
    }
    const auto statuses = load.stop();
    EXPECT_EQ(statuses.size(), 1U) << (load.failures().empty() ? "" : load.failures().front());
    EXPECT_GT(statuses.count(200) ? statuses.at(200) : 0, 30U);
    EXPECT_TRUE(wait_log(R"(recycling \(max_requests\): served max_requests \(15\); worker \d+ starts first)", 1s));
    stop_master();
}

// HSE_REQ_REPORT_UNHEALTHY reaches host_observer::extension_unhealthy (support_functions.cpp);
// the worker asks the master over its channel, the master recycles it.
TEST_F(ops_test, report_unhealthy_recycles_the_worker) {
    start(config(app_pool("    workers: 1\n")));
    EXPECT_EQ(fcgi_get(address(), "/scripts/misbehave.dll/unhealthy").status, 200);
    EXPECT_TRUE(wait_log(R"(recycling \(unhealthy\): extension 'misbehave' reported unhealthy: misbehave: asked)", 10s));
    EXPECT_TRUE(wait_log(R"(pool app: worker 2 \(pid \d+\): ready)", 10s));
    EXPECT_TRUE(wait_log(R"(pool app: worker 1 \(pid \d+\): exited after draining)", 10s));
    EXPECT_EQ(restarts(status_json(), "unhealthy"), 1);
    stop_master();
}

TEST_F(ops_test, recycle_interval_and_max_rss_recycle_workers) {
    start(config(app_pool("    workers: 1\n    recycle_interval: 1s\n") +
                 pool_yaml("fat", "fat.sock", "    workers: 1\n    max_rss: 1MiB\n", {{"hello", "/scripts/hello.dll"}})));
    EXPECT_TRUE(wait_log(R"(pool app: worker 1 \(pid \d+\): recycling \(recycle_interval\): running longer than recycle_interval \(1s\))", 10s));
    EXPECT_TRUE(wait_log(R"(pool fat: worker \d+ \(pid \d+\): recycling \(max_rss\): resident memory \d+ bytes is above max_rss \(1048576\))", 10s));
    EXPECT_TRUE(wait_log(R"(pool app: worker 1 \(pid \d+\): exited after draining)", 10s));
    EXPECT_GE(restarts(status_json(), "recycle_interval"), 1);
    EXPECT_GE(restarts(status_json("fat.sock"), "max_rss"), 1);
    EXPECT_EQ(fcgi_get(address(), "/scripts/misbehave.dll/ok").status, 200);
    stop_master();
}

TEST_F(ops_test, a_second_sigterm_stops_at_once) {
    start(config(app_pool("    workers: 1\n"), "shutdown_timeout: 60s\n"));
    fcgi_client hung(address());
    hung.request(1, {{"REQUEST_METHOD", "GET"}, {"SCRIPT_NAME", "/scripts/misbehave.dll/hang"},
                     {"REQUEST_URI", "/scripts/misbehave.dll/hang"}, {"CONTENT_LENGTH", ""}},
                 {}, false);
    ASSERT_TRUE(wait_active_threads(1));
    const auto started = clock::now();
    ASSERT_EQ(::kill(master().pid(), SIGTERM), 0);
    ASSERT_TRUE(wait_log("stopping gracefully", 5s));
    // The hung request would hold the graceful stop for shutdown_timeout (60s).
    EXPECT_FALSE(master().wait(deadline_after(500ms)));
    ASSERT_EQ(::kill(master().pid(), SIGTERM), 0);
    const auto end = master().wait(within(10s));
    ASSERT_TRUE(end);
    EXPECT_TRUE(end->exited && end->exit_code == 0) << end->describe();
    EXPECT_LT(clock::now() - started, 10s);
}

TEST_F(ops_test, slow_requests_are_counted) {
    start(config(app_pool("    workers: 1\n    slowlog_threshold: 100ms\n")));
    EXPECT_EQ(fcgi_get(address(), "/scripts/misbehave.dll/sleep", "ms=400").status, 200);
    EXPECT_EQ(fcgi_get(address(), "/scripts/misbehave.dll/ok").status, 200);
    EXPECT_EQ(status_json()["slow requests"].number(), 1);
    std::vector<std::string> problems;
    EXPECT_EQ(parse_prometheus(metrics(), problems).at(R"(isapi_fcgi_slow_requests_total{pool="app"})"), 1);
    stop_master();
}

TEST_F(ops_test, status_json_and_prometheus_text_parse_and_count_the_requests_sent) {
    start(config(app_pool("    workers: 2\n")));
    start_nginx();
    for (int i = 0; i < 7; ++i) ASSERT_EQ(http("/scripts/misbehave.dll/ok").status, 200);
    for (int i = 0; i < 3; ++i) ASSERT_EQ(http("/scripts/misbehave.dll/sleep?ms=30").status, 200);
    const auto status = status_json();
    EXPECT_EQ(status["accepted requests"].number(), 10);
    EXPECT_EQ(status["finished requests"].number(), 10);
    EXPECT_EQ(status["responses"]["2xx"].number(), 10);
    EXPECT_EQ(status["workers"].number(), 2);
    EXPECT_EQ(status["workers list"].items().size(), 2U);
    ASSERT_EQ(status["extensions"].items().size(), 1U);
    EXPECT_EQ(status["extensions"].items()[0]["requests"].number(), 10);
    EXPECT_GE(status["extensions"].items()[0]["duration us"].number(), 3 * 30'000);
    EXPECT_EQ(status["total threads"].number(), 64);

    std::vector<std::string> problems;
    const auto samples = parse_prometheus(metrics(), problems);
    EXPECT_TRUE(problems.empty()) << problems.front();
    EXPECT_EQ(samples.at(R"(isapi_fcgi_requests_total{pool="app"})"), 10);
    EXPECT_EQ(samples.at(R"(isapi_fcgi_responses_total{pool="app",code="200"})"), 10);
    EXPECT_EQ(samples.at(R"(isapi_fcgi_extension_request_duration_seconds_count{pool="app",extension="misbehave"})"), 10);
    // 3 requests slept 30ms: they are above the 25ms bucket's bound.
    EXPECT_LE(samples.at(R"(isapi_fcgi_extension_request_duration_seconds_bucket{pool="app",extension="misbehave",le="0.025"})"), 7);
    EXPECT_EQ(samples.at(R"(isapi_fcgi_workers{pool="app",state="ready"})"), 2);
    // The text form, php-fpm's fields.
    const auto text = fcgi_get(address(), "/status").body;
    EXPECT_NE(text.find("accepted requests:    10"), std::string::npos) << text;
    EXPECT_NE(text.find("pool state:           running"), std::string::npos) << text;
    stop_master();
}

TEST_F(ops_test, status_answers_while_every_extension_thread_hangs) {
    start(config(app_pool("    workers: 1\n    extension_threads: 2\n    request_timeout: 1h\n"), "shutdown_timeout: 1s\n"));
    fcgi_client first(address()), second(address());
    const wire::param_list hang{{"REQUEST_METHOD", "GET"}, {"SCRIPT_NAME", "/scripts/misbehave.dll/hang"},
                                {"REQUEST_URI", "/scripts/misbehave.dll/hang"}, {"CONTENT_LENGTH", ""}};
    first.request(1, hang, {}, false);
    second.request(1, hang, {}, false);
    ASSERT_TRUE(wait_active_threads(2));
    const auto status = status_json();
    EXPECT_EQ(status["idle threads"].number(), 0);
    const auto& in_flight = status["workers list"].items().at(0)["in flight"].items();
    ASSERT_EQ(in_flight.size(), 2U);
    EXPECT_EQ(in_flight[0]["request"].text(), "GET /scripts/misbehave.dll/hang");
    EXPECT_GE(in_flight[0]["in extension code ms"].number(), 0);
    // The hung requests never finish: the graceful stop gives up after shutdown_timeout.
    const auto end = master().stop(scaled(30s));
    EXPECT_TRUE(end.exited && end.exit_code == 0) << end.describe();
}

TEST_F(ops_test, extension_output_is_logged_whole_with_the_worker_id) {
    start(config(app_pool("    workers: 1\n")));
    EXPECT_EQ(fcgi_get(address(), "/scripts/misbehave.dll/print", "n=40000").status, 200);
    ASSERT_TRUE(wait_log("pool app: worker 1 output: misbehave: after the long line", 10s));
    // 40000 bytes on one line: logged in pieces, every byte of it.
    std::size_t xs = 0;
    // (std::regex recurses per character: match a short prefix, count the rest by hand.)
    for (const auto& line : master().log_lines(std::regex("pool app: worker 1 output: x"))) {
        const auto text = line.substr(line.find("output: ") + 8);
        EXPECT_EQ(text.find_first_not_of('x'), std::string::npos);
        xs += text.size();
    }
    EXPECT_EQ(xs, 40000U);
    stop_master();
}

std::string proc_field(int pid, const std::string& file, const std::string& prefix) {
    std::istringstream lines(read_file("/proc/" + std::to_string(pid) + "/" + file));
    for (std::string line; std::getline(lines, line);)
        if (line.starts_with(prefix)) return line;
    return {};
}

// A pool of unprivileged `nobody`. That user cannot be assumed to reach the build tree (a clone
// under a 0700 directory), so it loads a copy of misbehave the test lets it read, beside copies
// of the project libraries the copy needs ($ORIGIN comes first in its RUNPATH; the sanitizer
// builds keep libisapi-win32 as a dependency). The test directory becomes traversable, nothing more.
std::string nobody_pool(const temp_dir& work) {
    namespace fs = std::filesystem;
    const auto make_readable = [](const fs::path& path) {
        fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                  fs::perms::others_read);
    };
    const auto readable = work.file("misbehave.so");
    fs::copy_file(ops_extension("misbehave"), readable);
    make_readable(readable);
    const auto libraries = engine_instance::binary().parent_path();
    for (const auto* library : {"win32/libisapi-win32.so.0", "runtime/libisapi-runtime.so.0"}) {
        const auto copy = work.file(fs::path(library).filename().string());
        fs::copy_file(libraries / library, copy);  // follows the soname link to the library itself
        make_readable(copy);
    }
    fs::permissions(work.path(), fs::perms::group_exec | fs::perms::others_exec, fs::perm_options::add);
    return replace_all(app_pool("    workers: 1\n    user: nobody\n"), ops_extension("misbehave").string(),
                       readable.string());
}

TEST_F(ops_test, workers_take_the_pools_user_and_the_master_raises_the_open_files_limit) {
    // No allow_root: the pool names an unprivileged user instead.
    const std::string yaml = "shutdown_timeout: 10s\nlog: { level: info }\npools:\n" + nobody_pool(work_);
    start(yaml);
    const auto status = status_json();
    const int worker_pid = static_cast<int>(status["workers list"].items().at(0)["pid"].number());
    std::istringstream uid(proc_field(worker_pid, "status", "Uid:").substr(4));
    unsigned real = 0, effective = 0;
    uid >> real >> effective;
    EXPECT_EQ(real, 65534U);
    EXPECT_EQ(effective, 65534U);
    EXPECT_EQ(fcgi_get(address(), "/scripts/misbehave.dll/ok").status, 200);
    std::istringstream limit(proc_field(master().pid(), "limits", "Max open files").substr(14));
    std::string soft, hard;
    limit >> soft >> hard;
    EXPECT_EQ(soft, hard);
    stop_master();
}

TEST_F(ops_test, extensions_do_not_run_as_root_unless_allowed) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    start("log: { level: info }\npools:\n" + app_pool("    workers: 1\n"), false);
    const auto end = master().wait(within(10s));
    ASSERT_TRUE(end);
    EXPECT_TRUE(end->exited && end->exit_code == 1) << end->describe();
    EXPECT_NE(master().error_output().find("pool app: refusing to run extensions as root; set the pool's 'user'"),
              std::string::npos)
        << master().error_output();
}

TEST_F(ops_test, sigusr1_reopens_the_log_in_the_master_and_its_workers_and_the_watchdog_is_fed) {
    const std::string yaml = config(app_pool("    workers: 1\n"));
    std::string with_file = std::regex_replace(yaml, std::regex("log: \\{ level: info \\}"),
                                               "log: { level: info, file: @DIR@/main.log }");
    start(with_file, true, {"WATCHDOG_USEC=200000"});
    EXPECT_TRUE(notify().wait_for("WATCHDOG=1", within(5s)));
    std::filesystem::rename(work_.file("main.log"), work_.file("main.log.1"));
    ASSERT_EQ(::kill(master().pid(), SIGUSR1), 0);
    // A request no extension answers makes the worker log a line; a printing one, the master.
    const auto until = within(10s);
    std::string fresh;
    do {
        ASSERT_LT(clock::now(), until) << fresh;
        EXPECT_EQ(fcgi_get(address(), "/scripts/none.dll").status, 404);
        EXPECT_EQ(fcgi_get(address(), "/scripts/misbehave.dll/print", "n=3").status, 200);
        std::this_thread::sleep_for(50ms);
        fresh = std::filesystem::exists(work_.file("main.log")) ? read_file(work_.file("main.log")) : "";
    } while (fresh.find("no extension is mapped") == std::string::npos ||
             fresh.find("worker 1 output: xxx") == std::string::npos);
    EXPECT_NE(read_file(work_.file("main.log.1")).find("reopening log files"), std::string::npos);
    stop_master();
}

TEST_F(ops_test, sigusr1_reopens_every_log_file_for_workers_the_pools_user_could_not_open_them_as) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (the pool runs as nobody)";
    namespace fs = std::filesystem;
    // The files are root's, 0640, in a directory nobody cannot write: only the master can open
    // them, before and after the rotation; the workers get them handed over.
    const std::string yaml = "shutdown_timeout: 10s\nlog: { level: info, file: @DIR@/main.log, access_log: "
                             "@DIR@/access.log }\npools:\n" +
                             nobody_pool(work_);
    start(yaml);
    const auto mode_of = [&](const char* name) {
        return fs::status(work_.file(name)).permissions() & fs::perms::mask;
    };
    const auto rw_r = fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read;
    EXPECT_EQ(mode_of("main.log"), rw_r);
    EXPECT_EQ(mode_of("access.log"), rw_r);
    const auto main_pid = master().pid();
    const int worker_pid = static_cast<int>(status_json()["workers list"].items().at(0)["pid"].number());
    EXPECT_NE(proc_field(worker_pid, "status", "Uid:").find("65534"), std::string::npos);

    fs::rename(work_.file("main.log"), work_.file("main.log.1"));
    fs::rename(work_.file("access.log"), work_.file("access.log.1"));
    ASSERT_EQ(::kill(main_pid, SIGUSR1), 0);
    // Requests until the new files hold the worker's lines (its 404 in the main log, the access
    // line) and the master's (the extension's output it relays), each after the signal.
    const auto until = within(20s);
    std::string main_log, access_log;
    for (int round = 0;; ++round) {
        ASSERT_LT(clock::now(), until) << "main.log:\n" << main_log << "\naccess.log:\n" << access_log;
        EXPECT_EQ(fcgi_get(address(), "/scripts/none.dll").status, 404);
        EXPECT_EQ(fcgi_get(address(), "/scripts/misbehave.dll/print", "n=3&round=" + std::to_string(round)).status, 200);
        main_log = fs::exists(work_.file("main.log")) ? read_file(work_.file("main.log")) : "";
        access_log = fs::exists(work_.file("access.log")) ? read_file(work_.file("access.log")) : "";
        if (main_log.find("no extension is mapped") != std::string::npos &&
            main_log.find("worker 1 output: xxx") != std::string::npos &&
            access_log.find("\"GET /scripts/misbehave.dll/print?n=3&round=") != std::string::npos)
            break;
        std::this_thread::sleep_for(50ms);
    }
    EXPECT_EQ(mode_of("main.log"), rw_r);
    EXPECT_EQ(mode_of("access.log"), rw_r);
    EXPECT_NE(read_file(work_.file("main.log.1")).find("reopening log files"), std::string::npos);
    EXPECT_EQ(main_log.find("cannot reopen"), std::string::npos) << main_log;
    // combined: address - user [time] "request" status bytes "referer" "agent"
    EXPECT_TRUE(std::regex_search(access_log, std::regex(R"re(- - \[[0-9]{2}/[A-Z][a-z]{2}/[0-9]{4}(:[0-9]{2}){3} [+-][0-9]{4}\] "GET /scripts/misbehave\.dll/print\?n=3&round=[0-9]+ [^"]*" 200 [0-9]+ "-" "-")re")))
        << access_log;
    stop_master();
}

TEST_F(ops_test, an_inherited_socket_no_pool_claims_is_a_start_up_error) {
    // systemd-style activation with a name the configuration does not listen on.
    rewrite_config(config(app_pool("    workers: 1\n")));
    // systemd-socket-activate does what systemd does: LISTEN_FDS=1, fd 3, LISTEN_PID = the child.
    spawn_options spawn;
    spawn.stdout_path = work_.file("activate.log");
    test_process activate({"systemd-socket-activate", "-l", work_.file("act.sock").string(), "--fdname=admin",
                           engine_instance::binary().string(), "--config", work_.file("isapi-fcgi.yaml").string()},
                          spawn);
    ASSERT_TRUE(activate.wait_for_log_line(std::regex("Listening on"), within(10s)));
    // The activator execs on the first connection.
    fcgi_client poke("unix:" + work_.file("act.sock").string());
    const auto end = activate.wait(within(10s));
    ASSERT_TRUE(end) << activate.output();
    EXPECT_TRUE(end->exited && end->exit_code == 1) << end->describe();
    EXPECT_NE(activate.output().find("systemd passed socket 'admin' (fd 3) that no pool listens on"), std::string::npos)
        << activate.output();
}

TEST_F(ops_test, systemd_socket_activation_serves_on_the_named_socket) {
    const std::string yaml =
        config(pool_yaml("app", "app.sock", "    listen: systemd:fcgi\n    workers: 1\n", {{"misbehave", "/scripts/misbehave.dll"}}));
    // pool_yaml wrote a unix listen line first; the second `listen` would be a duplicate key.
    std::string fixed = std::regex_replace(yaml, std::regex("    listen: unix:@DIR@/app.sock\n"), "");
    rewrite_config(fixed);
    notify_ = std::make_unique<notify_socket>(work_.file("notify.sock"));
    spawn_options spawn;
    spawn.stdout_path = work_.file("activate.log");
    spawn.env = {"NOTIFY_SOCKET=" + notify_->path().string()};
    master_ = std::make_unique<test_process>(
        std::vector<std::string>{"systemd-socket-activate", "-l", work_.file("app.sock").string(), "--fdname=fcgi",
                                 "-E", "NOTIFY_SOCKET=" + notify_->path().string(), engine_instance::binary().string(), "--config", work_.file("isapi-fcgi.yaml").string()},
        spawn);
    ASSERT_TRUE(wait_log("Listening on", 10s));
    // The first connection makes the activator exec the binary, which then answers it.
    const auto answer = fcgi_get(address(), "/scripts/misbehave.dll/ok", {}, scaled(20s));
    EXPECT_EQ(answer.status, 200) << tail(master().error_output());
    EXPECT_TRUE(notify().wait_for("READY=1", within(10s)));
    EXPECT_EQ(fcgi_get(address(), "/status").status, 200);
    stop_master();
}

TEST_F(ops_test, a_socket_inherited_on_fd_0_is_served_as_spawn_fcgi_passes_it) {
    // FastCGI's FCGI_LISTENSOCK_FILENO convention: spawn-fcgi (and Apache mod_fcgid) bind the
    // socket and exec the application with it as fd 0.
    const std::string yaml =
        config(pool_yaml("app", "app.sock", "    listen: fd:0\n    workers: 1\n", {{"misbehave", "/scripts/misbehave.dll"}}));
    rewrite_config(std::regex_replace(yaml, std::regex("    listen: unix:@DIR@/app.sock\n"), ""));
    notify_ = std::make_unique<notify_socket>(work_.file("notify.sock"));
    spawn_options spawn;
    spawn.stdout_path = work_.file("spawn-fcgi.log");
    spawn.env = {"NOTIFY_SOCKET=" + notify_->path().string()};
    master_ = std::make_unique<test_process>(
        std::vector<std::string>{"spawn-fcgi", "-n", "-s", work_.file("app.sock").string(), "--",
                                 engine_instance::binary().string(), "--config", work_.file("isapi-fcgi.yaml").string()},
        spawn);
    ASSERT_TRUE(notify().wait_for("READY=1", within(20s))) << tail(master().error_output());
    const auto answer = fcgi_get(address(), "/scripts/misbehave.dll/ok", {}, scaled(20s));
    EXPECT_EQ(answer.status, 200) << tail(master().error_output());
    stop_master();
}

}  // namespace
}  // namespace isapi_fcgi::test
