// A Windows DLL under Wine, operated like a native extension, through real nginx and the
// master: its requests in the pool's status, metrics and access log; a crashing DLL's Windows
// worker counted by the crash quarantine and by rapid-fail protection, which stops that
// extension (503) while the pool's native extension keeps serving.
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "ops/ops_fixture.hpp"

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

std::string wine_pool_yaml(const std::string& extra) {
    const std::string dlls = ISAPI_WINE_DLL_DIR;
    return "allow_root: true\nshutdown_timeout: 10s\n"
           "log: { level: info, access_log: @DIR@/access.log, access_format: text }\n"
           "pools:\n"
           "  - name: app\n    listen: unix:@DIR@/app.sock\n    status_path: /status\n    metrics_path: /metrics\n"
           "    workers: 1\n    extension_threads: 4\n" +
           extra +
           "    extensions:\n"
           "      - { name: winhello, path: " + dlls + "/hello.dll, urls: /scripts/winhello.dll, runtime: wine }\n"
           "      - { name: winmisbehave, path: " + dlls + "/winmisbehave.dll, urls: /scripts/winmisbehave.dll, "
           "runtime: wine }\n"
           "      - { name: hello, path: " + ops_extension("hello").string() + ", urls: /scripts/hello.dll }\n";
}

/// Polls `holds` (bounded): the counters and the access line of a request are written after
/// its response reached the client, so a test reading them at once could run ahead of them.
template <class Condition>
bool eventually(Condition holds, std::chrono::seconds bound = 30s) {
    const auto until = std::chrono::steady_clock::now() + bound;
    while (!holds()) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

const json_value* extension_entry(const json_value& status, const std::string& name) {
    for (const auto& e : status["extensions"].items())
        if (e["name"].text() == name) return &e;
    return nullptr;
}

class wine_operations : public ops_test {
protected:
    void start_wine(const std::string& extra) {
        start(wine_pool_yaml(extra), true, {"WINEPREFIX=" ISAPI_WINE_TEST_PREFIX});
        web_ = &start_front("nginx");
        // What nginx says about the connection a crashed Windows worker's request lost.
        allowed_nginx_problems_ = std::regex("upstream prematurely closed|recv\\(\\) failed|reset by peer");
    }

    http_result get(const std::string& path) { return http_get(work_, web_->url(path)); }

    /// The access log's lines so far that mention `needle`.
    std::vector<std::string> access_lines(const std::string& needle) {
        std::ifstream in(work_.file("access.log"));
        std::vector<std::string> lines;
        for (std::string line; std::getline(in, line);)
            if (line.find(needle) != std::string::npos) lines.push_back(line);
        return lines;
    }

    web_front* web_ = nullptr;
};

TEST_F(wine_operations, a_wine_extensions_requests_are_in_status_metrics_and_the_access_log) {
    start_wine("");
    for (int i = 0; i < 3; ++i) {
        const auto ok = get("/scripts/winhello.dll");
        ASSERT_EQ(ok.status, 200) << ok.describe() << tail(master().error_output());
    }
    const auto printed = get("/scripts/winmisbehave.dll/print");
    ASSERT_EQ(printed.status, 200) << printed.describe();

    ASSERT_TRUE(eventually([&] {
        return status_json()["responses by code"]["200"].number() == 4 && access_lines("ext=win").size() == 4;
    })) << tail(master().error_output());
    const auto status = status_json();
    const auto* winhello = extension_entry(status, "winhello");
    ASSERT_NE(winhello, nullptr);
    EXPECT_EQ((*winhello)["state"].text(), "loaded");
    EXPECT_EQ((*winhello)["requests"].number(), 3);
    EXPECT_EQ((*winhello)["errors"].number(), 0);
    EXPECT_GT((*winhello)["duration us"].number(), 0);
    const auto* winmisbehave = extension_entry(status, "winmisbehave");
    ASSERT_NE(winmisbehave, nullptr);
    EXPECT_EQ((*winmisbehave)["requests"].number(), 1);
    EXPECT_EQ(status["responses by code"]["200"].number(), 4);
    // The body bytes the clients got: hello's 19 bytes three times and "printed\n".
    EXPECT_EQ(status["bytes out"].number(), 3 * 19 + 8);

    // The Windows workers, with their pids and memory, under the Linux worker that owns them.
    ASSERT_EQ(status["workers list"].items().size(), 1U);
    const auto& windows = status["workers list"].items()[0]["windows workers"].items();
    ASSERT_EQ(windows.size(), 2U) << "winhello and winmisbehave";
    std::set<std::string> names;
    for (const auto& ww : windows) {
        names.insert(ww["extension"].text());
        EXPECT_GT(ww["pid"].number(), 0);
        EXPECT_GT(ww["resident memory"].number(), 1e6) << ww["extension"].text();
    }
    EXPECT_EQ(names, (std::set<std::string>{"winhello", "winmisbehave"}));

    const auto text = metrics();
    EXPECT_TRUE(std::regex_search(text, std::regex(R"(isapi_fcgi_windows_worker_resident_memory_bytes\{pool="app",)"
                                                   R"(worker="\d+",extension="winhello",pid="\d+"\} [1-9]\d{6,})")))
        << text;
    EXPECT_NE(text.find("isapi_fcgi_extension_requests_total{pool=\"app\",extension=\"winhello\"} 3"), std::string::npos)
        << text;
    EXPECT_NE(text.find("isapi_fcgi_extension_loaded{pool=\"app\",extension=\"winmisbehave\"} 1"), std::string::npos)
        << text;
    EXPECT_NE(text.find("isapi_fcgi_responses_total{pool=\"app\",code=\"200\"} 4"), std::string::npos) << text;

    // One line per request, as a native extension's: method, URL, status, bytes, duration, name.
    const auto lines = access_lines("ext=winhello");
    ASSERT_EQ(lines.size(), 3U) << tail(master().error_output());
    // hello sends Content-Length, so curl may hang up after the last byte while the Windows
    // worker's FCGI_END_REQUEST is still on its way through the pipe; nginx then ends the
    // request and the line says 499 (as nginx's own log does), with every byte out.
    EXPECT_TRUE(std::regex_search(lines[0],
                                  std::regex(R"("GET /scripts/winhello\.dll" (200|499) 200 in=0 out=19 \d+us ext=winhello)")))
        << lines[0];
    ASSERT_EQ(access_lines("ext=winmisbehave").size(), 1U);
    stop_master();
}

TEST_F(wine_operations, a_crashing_dll_is_quarantined_then_stopped_by_rapid_fail_while_native_serves) {
    start_wine("    crash_quarantine: 60s\n    rapid_fail: { max_crashes: 3, interval: 5m }\n");
    ASSERT_EQ(get("/scripts/winmisbehave.dll").status, 200);

    // The first crash: 502 for its request, the request quarantined, a restart counted.
    auto mark = log_mark();
    const auto crashed = get("/scripts/winmisbehave.dll/crash?n=1");
    EXPECT_EQ(crashed.status, 502) << crashed.describe();
    ASSERT_TRUE(wait_log(R"(pool app: quarantined GET /scripts/winmisbehave\.dll/crash\?n=1 for 60s: it crashed the )"
                         R"(Windows worker of extension 'winmisbehave' in worker \d+)",
                         30s, mark))
        << tail(master().error_output());
    const auto repeat_mark = log_mark();
    const auto repeat = get("/scripts/winmisbehave.dll/crash?n=1");
    EXPECT_EQ(repeat.status, 500) << repeat.describe();
    EXPECT_TRUE(wait_log("answering 500: the same request crashed a worker moments ago \\(crash_quarantine\\)", 20s,
                         repeat_mark));
    // No Windows worker ran it: the extension's other URLs are served by the one started after
    // the crash, and no second crash was counted.
    ASSERT_EQ(get("/scripts/winmisbehave.dll").status, 200);
    auto status = status_json();
    EXPECT_EQ(status["restarts by cause"]["windows_worker_crash"].number(), 1);
    EXPECT_EQ(status["restarts by cause"]["crash"].number(), 0) << "the Linux worker lives on";
    ASSERT_EQ(status["quarantined requests"].items().size(), 1U);
    EXPECT_EQ(status["quarantined requests"].items()[0]["request"].text(), "GET /scripts/winmisbehave.dll/crash?n=1");
    EXPECT_EQ(status["quarantined requests"].items()[0]["refused"].number(), 1);

    // Two more crashes (other requests) within the interval trip the extension's rapid-fail
    // protection: the extension is stopped, the pool is not.
    mark = log_mark();
    EXPECT_EQ(get("/scripts/winmisbehave.dll/crash?n=2").status, 502);
    ASSERT_TRUE(wait_log(R"(quarantined GET /scripts/winmisbehave\.dll/crash\?n=2)", 30s, mark));
    EXPECT_EQ(get("/scripts/winmisbehave.dll/crash?n=3").status, 502);
    ASSERT_TRUE(wait_log(R"(pool app: extension 'winmisbehave' \(.*winmisbehave\.dll\): rapid-fail protection: 3 )"
                         R"(Windows worker failures within 300s; the extension is stopped)",
                         30s, mark))
        << tail(master().error_output());

    mark = log_mark();
    const auto refused = get("/scripts/winmisbehave.dll");
    EXPECT_EQ(refused.status, 503) << refused.describe();
    EXPECT_TRUE(wait_log(R"(503: extension 'winmisbehave' is stopped: rapid-fail protection)", 20s, mark));
    // The pool's native extension and its other Wine extension serve on.
    EXPECT_EQ(get("/scripts/hello.dll").status, 200);
    EXPECT_EQ(get("/scripts/winhello.dll").status, 200);

    ASSERT_TRUE(eventually([&] {
        return status_json()["responses by code"]["503"].number() == 1 &&
               access_lines("\"GET /scripts/winmisbehave.dll\" 503").size() == 1;
    })) << tail(master().error_output());
    status = status_json();
    EXPECT_EQ(status["restarts by cause"]["windows_worker_crash"].number(), 3);
    EXPECT_EQ(status["quarantined total"].number(), 3);
    EXPECT_EQ(status["workers ready"].number(), 1);
    const auto* winmisbehave = extension_entry(status, "winmisbehave");
    ASSERT_NE(winmisbehave, nullptr);
    EXPECT_EQ((*winmisbehave)["state"].text(), "failed");
    EXPECT_NE((*winmisbehave)["load error"].text().find("stopped: rapid-fail protection"), std::string::npos);
    const auto text = metrics();
    EXPECT_NE(text.find("isapi_fcgi_up{pool=\"app\"} 1"), std::string::npos) << text;
    EXPECT_NE(text.find("isapi_fcgi_worker_restarts_total{pool=\"app\",cause=\"windows_worker_crash\"} 3"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("isapi_fcgi_responses_total{pool=\"app\",code=\"503\"} 1"), std::string::npos) << text;
    EXPECT_EQ(access_lines("\"GET /scripts/winmisbehave.dll\" 503").size(), 1U);

    // A reload (SIGHUP) starts the stopped extension afresh, its count reset.
    mark = log_mark();
    ASSERT_EQ(::kill(master().pid(), SIGHUP), 0);
    ASSERT_TRUE(wait_log("reload complete", 60s, mark)) << tail(master().error_output());
    const auto revived = get("/scripts/winmisbehave.dll");
    EXPECT_EQ(revived.status, 200) << revived.describe() << tail(master().error_output());
    const auto reloaded = status_json();
    const auto* after_reload = extension_entry(reloaded, "winmisbehave");
    ASSERT_NE(after_reload, nullptr);
    EXPECT_EQ((*after_reload)["state"].text(), "loaded");
    stop_master();
}

// The Linux host counts an HSE_REQ_EXEC_URL child as part of its parent's request: the pool's
// requests and responses by code, and the extension counters, have the parent alone (its status
// the one the child gave it), the child's extension nothing; the child writes only its access
// line. A Wine parent's children are counted the same wherever they run: in its Windows worker,
// in the Linux worker (a native extension's), or relayed to another Windows worker.
TEST_F(wine_operations, exec_url_children_of_wine_and_native_parents_are_counted_as_the_linux_host_counts_them) {
    const std::string dlls = ISAPI_WINE_DLL_DIR;
    start("allow_root: true\nshutdown_timeout: 10s\n"
          "log: { level: info, access_log: @DIR@/access.log, access_format: text }\n"
          "pools:\n"
          "  - name: app\n    listen: unix:@DIR@/app.sock\n    status_path: /status\n    metrics_path: /metrics\n"
          "    workers: 1\n    extension_threads: 4\n"
          "    extensions:\n"
          "      - { name: winprobe, path: " + dlls + "/probe.dll, urls: /scripts/winprobe.dll, runtime: wine }\n"
          "      - { name: winprobe2, path: " + dlls + "/probe.dll, urls: /scripts/winprobe2.dll, runtime: wine }\n"
          "      - { name: probe, path: " ISAPI_EXT_PROBE_NATIVE ", urls: /scripts/probe.dll }\n"
          "      - { name: hello, path: " + ops_extension("hello").string() + ", urls: /scripts/hello.dll }\n",
          true, {"WINEPREFIX=" ISAPI_WINE_TEST_PREFIX});
    web_ = &start_front("nginx");
    const auto exec = [&](const std::string& parent, const std::string& child, int status) {
        const auto result = get(parent + "?op=exec&quiet=1&url=" + child);
        EXPECT_EQ(result.status, status) << parent << " -> " << child << " " << result.describe()
                                         << tail(master().error_output());
    };
    // Native parents: the Linux host's own counting.
    exec("/scripts/probe.dll", "/scripts/probe.dll%3Fop%3Decho", 200);
    exec("/scripts/probe.dll", "/scripts/hello.dll", 200);
    exec("/scripts/probe.dll", "/scripts/nothing.dll", 404);
    // Wine parents: a child in the same Windows worker, one the Linux worker runs (native), one
    // relayed to another Windows worker, one nothing serves.
    exec("/scripts/winprobe.dll", "/scripts/winprobe.dll%3Fop%3Decho", 200);
    exec("/scripts/winprobe.dll", "/scripts/hello.dll", 200);
    exec("/scripts/winprobe.dll", "/scripts/winprobe2.dll%3Fop%3Decho", 200);
    exec("/scripts/winprobe.dll", "/scripts/nothing.dll", 404);

    // Twelve access lines (each parent's, and each child's that an extension served), then the counters.
    ASSERT_TRUE(eventually([&] {
        return status_json()["finished requests"].number() >= 7 && access_lines("ext=").size() == 12;
    })) << tail(master().error_output());
    const auto status = status_json();
    EXPECT_EQ(status["accepted requests"].number(), 7) << "the parents only";
    EXPECT_EQ(status["finished requests"].number(), 7);
    EXPECT_EQ(status["responses by code"]["200"].number(), 5);
    EXPECT_EQ(status["responses by code"]["404"].number(), 2);
    const auto requests_of = [&](const std::string& name) {
        const auto* entry = extension_entry(status, name);
        return entry ? (*entry)["requests"].number() : -1;
    };
    EXPECT_EQ(requests_of("probe"), 3);
    EXPECT_EQ(requests_of("winprobe"), 4);
    EXPECT_EQ(requests_of("winprobe2"), 0) << "a child relayed to it is its parent's";
    EXPECT_EQ(requests_of("hello"), 0) << "a child is its parent's";
    for (const auto* name : {"probe", "winprobe", "winprobe2", "hello"}) {
        const auto* entry = extension_entry(status, name);
        ASSERT_NE(entry, nullptr) << name;
        EXPECT_EQ((*entry)["errors"].number(), 0) << name;
    }
    const auto text = metrics();
    EXPECT_NE(text.find("isapi_fcgi_extension_requests_total{pool=\"app\",extension=\"winprobe\"} 4"), std::string::npos)
        << text;
    EXPECT_NE(text.find("isapi_fcgi_extension_requests_total{pool=\"app\",extension=\"probe\"} 3"), std::string::npos)
        << text;
    EXPECT_EQ(text.find("isapi_fcgi_extension_requests_total{pool=\"app\",extension=\"hello\"} 1"), std::string::npos)
        << text;
    EXPECT_EQ(text.find("isapi_fcgi_extension_requests_total{pool=\"app\",extension=\"winprobe2\"} 1"), std::string::npos)
        << text;
    EXPECT_NE(text.find("isapi_fcgi_responses_total{pool=\"app\",code=\"404\"} 2"), std::string::npos) << text;
    // Each child still wrote its own line: three under Wine, two under the native parent.
    EXPECT_EQ(access_lines("ext=hello ").size(), 2U);
    EXPECT_EQ(access_lines("ext=winprobe2 ").size(), 1U);
    stop_master();
}

TEST_F(wine_operations, without_a_master_the_process_itself_quarantines_and_stops_a_crashing_dll) {
    single_process_ = true;
    start_wine("    crash_quarantine: 60s\n    rapid_fail: { max_crashes: 2, interval: 5m }\n");
    auto mark = log_mark();
    EXPECT_EQ(get("/scripts/winmisbehave.dll/crash?n=1").status, 502);
    ASSERT_TRUE(wait_log(R"(pool app: quarantined GET /scripts/winmisbehave\.dll/crash\?n=1 for 60s)", 30s, mark))
        << tail(master().error_output());
    EXPECT_EQ(get("/scripts/winmisbehave.dll/crash?n=1").status, 500);
    EXPECT_EQ(get("/scripts/winmisbehave.dll/crash?n=2").status, 502);
    ASSERT_TRUE(wait_log(R"(extension 'winmisbehave' \(.*\): rapid-fail protection: 2 Windows worker failures within )"
                         R"(300s; the extension is stopped)",
                         30s, mark))
        << tail(master().error_output());
    EXPECT_EQ(get("/scripts/winmisbehave.dll").status, 503);
    EXPECT_EQ(get("/scripts/hello.dll").status, 200);
    EXPECT_EQ(get("/scripts/winhello.dll").status, 200);
    const auto status = status_json();
    EXPECT_EQ(status["restarts by cause"]["windows_worker_crash"].number(), 2);
    EXPECT_EQ(status["quarantined total"].number(), 2);
    stop_master();
}

std::string proc_file(pid_t pid, const std::string& name) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/" + name, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    std::string text = content.str();
    std::replace(text.begin(), text.end(), '\0', '\n');
    return text;
}

bool alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

pid_t parent_of(pid_t pid) {
    const auto stat = proc_file(pid, "stat");  // pid (comm) state ppid ...
    const auto after_comm = stat.rfind(')');
    if (after_comm == std::string::npos) return -1;
    std::istringstream rest(stat.substr(after_comm + 1));
    std::string state;
    pid_t parent = -1;
    rest >> state >> parent;
    return parent;
}

/// Wine's services.exe of `prefix` (0 when none runs): it lives as long as the prefix has a
/// Windows process, and is started again (the ~1-2 s of a cold start) when it had none.
pid_t services_of(const std::string& prefix) {
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const auto name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        const pid_t pid = std::stoi(name);
        if (proc_file(pid, "cmdline").find("\\system32\\services.exe") == std::string::npos) continue;
        if (("\n" + proc_file(pid, "environ")).find("\nWINEPREFIX=" + prefix + "\n") != std::string::npos) return pid;
    }
    return 0;
}

pid_t pid_in(const std::string& line) {
    std::smatch found;
    return std::regex_search(line, found, std::regex(R"(\(pid (\d+)\))")) ? std::stoi(found[1].str()) : -1;
}

// Wine stops a prefix's services when its last Windows process exits, and a worker started
// after that pays ~1-2 s to start them again; the master keeps one Windows process per prefix
// (`--keep-prefix`) for as long as the pool runs, so a crashed worker's successor starts in
// ~0.1-0.3 s. Asserted on events rather than times: the restart completes with the keeper and
// the same services.exe alive throughout.
TEST_F(wine_operations, the_master_keeps_the_prefix_alive_so_a_crashed_windows_worker_restarts_beside_its_services) {
    start_wine("");
    const auto started = wait_log(R"(Wine prefix keeper for the master's user \(pool app\) started \(pid \d+\))");
    ASSERT_TRUE(started) << tail(master().error_output());
    const pid_t keeper = pid_in(*started);
    ASSERT_GT(keeper, 0) << *started;
    EXPECT_EQ(parent_of(keeper), master().pid()) << "the master owns it";
    EXPECT_NE(proc_file(keeper, "cmdline").find("isapi-wine-worker.exe\n--keep-prefix\n"), std::string::npos)
        << proc_file(keeper, "cmdline");
    EXPECT_NE(("\n" + proc_file(keeper, "environ")).find("\nWINEPREFIX=" ISAPI_WINE_TEST_PREFIX "\n"), std::string::npos)
        << "the pool user's prefix";

    ASSERT_EQ(get("/scripts/winmisbehave.dll").status, 200);
    const pid_t services = services_of(ISAPI_WINE_TEST_PREFIX);
    ASSERT_GT(services, 0) << "Wine's services run while a Windows worker does";
    auto mark = log_mark();
    EXPECT_EQ(get("/scripts/winmisbehave.dll/crash?n=1").status, 502);
    ASSERT_TRUE(wait_log(R"(extension 'winmisbehave' .*: its Windows worker \(pid \d+\) exited)", 20s, mark))
        << tail(master().error_output());
    const auto again = get("/scripts/winmisbehave.dll");
    EXPECT_EQ(again.status, 200) << again.describe();
    EXPECT_TRUE(wait_log(R"(extension 'winmisbehave' loaded from .* in a Windows worker)", 20s, mark));
    EXPECT_TRUE(alive(keeper)) << "the keeper lived through the crash and the restart";
    EXPECT_EQ(services_of(ISAPI_WINE_TEST_PREFIX), services) << "the new worker found the prefix's services up";

    // A keeper that dies is replaced at once.
    mark = log_mark();
    ASSERT_EQ(::kill(keeper, SIGKILL), 0);
    EXPECT_TRUE(wait_log(R"(Wine prefix keeper .*\(pid )" + std::to_string(keeper) +
                             R"(\) killed by SIGKILL; starting it again now)",
                         20s, mark))
        << tail(master().error_output());
    const auto restarted = wait_log(R"(Wine prefix keeper for the master's user \(pool app\) started \(pid \d+\))", 20s, mark);
    ASSERT_TRUE(restarted) << tail(master().error_output());
    const pid_t second = pid_in(*restarted);
    EXPECT_NE(second, keeper);
    EXPECT_TRUE(alive(second));
    EXPECT_EQ(parent_of(second), master().pid());

    // Stopped with the master, which waits for it (by pid) before it exits.
    mark = log_mark();
    stop_master();
    EXPECT_TRUE(wait_log(R"(Wine prefix keeper .*\(pid )" + std::to_string(second) + R"(\) stopped)", 1s, mark));
    EXPECT_FALSE(alive(second)) << "the keeper ended with the master";
}

// Wine can fail a start before the worker's own code runs (seen under load: a new process racing
// the shared prefix's wineserver as it exits, status 1 and not a word on the link). The first
// start of a DLL's worker is then made once more, instead of leaving the extension answering 500
// until the next start 5 s later. Here a wrapper plays that Wine once.
TEST_F(wine_operations, a_windows_worker_wine_fails_to_start_before_it_says_anything_is_started_once_more) {
    const auto wrapper = work_.file("wine-failing-once");
    {
        std::ofstream script(wrapper);
        script << "#!/bin/sh\n"
                  "case \" $* \" in *\" --keep-prefix \"*) exec " ISAPI_WINE64 " \"$@\" ;; esac\n"
                  "mkdir \"" << work_.file("failed-once").string() << "\" 2>/dev/null && exit 1\n"
                  "exec " ISAPI_WINE64 " \"$@\"\n";
    }
    std::filesystem::permissions(wrapper, std::filesystem::perms::owner_all);
    start(wine_pool_yaml(""), true, {"WINEPREFIX=" ISAPI_WINE_TEST_PREFIX, "ISAPI_FCGI_WINE=" + wrapper.string()});
    web_ = &start_front("nginx");
    EXPECT_TRUE(wait_log(R"(extension '(winhello|winmisbehave)' \(.*\): Wine ended its Windows worker before it )"
                         R"(started; starting it once more)"))
        << tail(master().error_output());
    EXPECT_TRUE(std::filesystem::exists(work_.file("failed-once"))) << "the wrapper failed one start";
    const auto hello = get("/scripts/winhello.dll");
    EXPECT_EQ(hello.status, 200) << hello.describe();
    EXPECT_EQ(get("/scripts/winmisbehave.dll").status, 200);
    EXPECT_EQ(master().error_output().find("failed to load under Wine"), std::string::npos)
        << tail(master().error_output());
    stop_master();
}

// --single-process runs the same keeper, from the same code: a child of the process, in the
// pool's prefix, stopped (and waited for by pid) when the process exits.
TEST_F(wine_operations, a_single_process_keeps_the_prefix_alive_too_and_stops_its_keeper_when_it_exits) {
    single_process_ = true;
    start_wine("");
    const auto started = wait_log(R"(Wine prefix keeper for the master's user \(pool app\) started \(pid \d+\))");
    ASSERT_TRUE(started) << tail(master().error_output());
    const pid_t keeper = pid_in(*started);
    ASSERT_GT(keeper, 0) << *started;
    EXPECT_EQ(parent_of(keeper), master().pid()) << "the process owns it";
    EXPECT_NE(proc_file(keeper, "cmdline").find("isapi-wine-worker.exe\n--keep-prefix\n"), std::string::npos)
        << proc_file(keeper, "cmdline");
    EXPECT_NE(("\n" + proc_file(keeper, "environ")).find("\nWINEPREFIX=" ISAPI_WINE_TEST_PREFIX "\n"), std::string::npos)
        << "the pool user's prefix";
    const auto ok = get("/scripts/winhello.dll");
    EXPECT_EQ(ok.status, 200) << ok.describe();

    // A keeper that dies is replaced here too.
    auto mark = log_mark();
    ASSERT_EQ(::kill(keeper, SIGKILL), 0);
    const auto restarted = wait_log(R"(Wine prefix keeper for the master's user \(pool app\) started \(pid \d+\))", 20s, mark);
    ASSERT_TRUE(restarted) << tail(master().error_output());
    const pid_t second = pid_in(*restarted);
    EXPECT_NE(second, keeper);
    EXPECT_EQ(parent_of(second), master().pid());

    mark = log_mark();
    stop_master();
    EXPECT_TRUE(wait_log(R"(Wine prefix keeper .*\(pid )" + std::to_string(second) + R"(\) stopped)", 1s, mark))
        << tail(master().error_output());
    EXPECT_FALSE(alive(second)) << "the keeper ended with the process";
}

// max_rss counts what a Linux worker costs: its Windows workers' resident memory too (~9 MiB
// each, measured), since recycling the Linux worker is what replaces them.
TEST_F(wine_operations, max_rss_counts_the_windows_workers_resident_memory) {
    start_wine("    max_rss: 1MiB\n");
    // The first check may come before a Windows worker's pid is published: wait for one that saw it.
    const auto line = wait_log(R"(pool app: worker \d+ \(pid \d+\): recycling \(max_rss\): resident memory \d+ bytes )"
                               R"(\(\d+ of them its Windows workers'\) is above max_rss \(1048576\))",
                               std::chrono::seconds(90));
    ASSERT_TRUE(line) << tail(master().error_output());
    std::smatch figures;
    ASSERT_TRUE(std::regex_search(*line, figures, std::regex(R"(resident memory (\d+) bytes \((\d+) of them)")));
    const double total = std::stod(figures[1].str());
    const double windows = std::stod(figures[2].str());
    EXPECT_GT(windows, 2e6) << "two Windows workers of several MiB each: " << *line;
    EXPECT_GT(total, windows) << "the Linux worker's own memory is in the sum too: " << *line;
    EXPECT_TRUE(eventually([&] { return status_json()["restarts by cause"]["max_rss"].number() >= 1; }))
        << tail(master().error_output());
    // The replacement's Windows workers serve (recycled in turn, each after its start).
    EXPECT_TRUE(eventually([&] { return get("/scripts/winhello.dll").status == 200; }, 60s))
        << tail(master().error_output());
    stop_master();
}

}  // namespace
}  // namespace isapi_fcgi::test
