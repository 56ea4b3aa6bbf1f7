// `isapi-fcgi reload` (the systemd unit's ExecReload) against a running master: it checks the
// file, sends SIGHUP, and exits with the master's verdict on that reload read from state_file:
// 0 when the new configuration serves, 1 with the cause when it was refused or could not start,
// without ever signalling the master for a file the check refuses. The deploy test runs it under
// a real systemd (`systemctl reload`).
#include "ops/ops_fixture.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <regex>

#include "support/engine_instance.hpp"

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

std::string config(const std::string& listen_extra, const std::string& extensions) {
    return "allow_root: true\nshutdown_timeout: 10s\nstate_file: @DIR@/master.state\nlog: { level: info }\npools:\n"
           "  - name: app\n    listen: [unix:@DIR@/app.sock" + listen_extra + "]\n    workers: 1\n"
           "    status_path: /status\n    metrics_path: /metrics\n    extensions:\n" + extensions;
}

std::string hello_at(const std::string& url) {
    return "      - { name: hello, path: " + ops_extension("hello").string() + ", urls: [" + url + "] }\n";
}

struct command_outcome {
    int exit_code = -1;
    std::string output;
};

class reload_command_test : public ops_test {
protected:
    command_outcome run_reload(std::vector<std::string> extra = {}) {
        std::vector<std::string> argv{engine_instance::binary().string(), "reload", "--config",
                                      work_.file("isapi-fcgi.yaml").string(), "--timeout", "30s"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        spawn_options spawn;
        spawn.stdout_path = work_.file("reload-" + std::to_string(++runs_) + ".log");
        test_process command(argv, spawn);
        const auto end = command.wait(within(60s));
        command_outcome out;
        if (end && end->exited) out.exit_code = end->exit_code;
        out.output = command.output();
        return out;
    }

    std::string state_text() {
        std::ifstream in(work_.file("master.state"));
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }

    double sample(const std::string& name) {
        std::vector<std::string> problems;
        const auto samples = parse_prometheus(metrics(), problems);
        EXPECT_TRUE(problems.empty()) << problems.front();
        const auto found = samples.find(name);
        return found == samples.end() ? -1 : found->second;
    }

    int runs_ = 0;
};

TEST_F(reload_command_test, exits_0_once_the_new_configuration_serves) {
    start(config("", hello_at("/scripts/hello.dll")));
    ASSERT_TRUE(master().wait_for_log_line(std::regex("ready: 1 pool"), within(20s)));
    EXPECT_NE(state_text().find("pid: " + std::to_string(master().pid()) + "\n"), std::string::npos) << state_text();
    EXPECT_EQ(fcgi_get(address(), "/scripts/other.dll").status, 404);
    rewrite_config(config("", hello_at("/scripts/hello.dll, /scripts/other.dll")));
    const auto r = run_reload({"--pid", std::to_string(master().pid())});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("reload complete"), std::string::npos) << r.output;
    // Exit 0 means in force: no waiting for the new URL.
    EXPECT_EQ(fcgi_get(address(), "/scripts/other.dll").status, 200);
    EXPECT_NE(state_text().find("reloads: 1\nlast_reload: ok\n"), std::string::npos) << state_text();
    EXPECT_EQ(sample(R"(isapi_fcgi_reloads_total{pool="app",result="done"})"), 1);
    EXPECT_EQ(sample(R"(isapi_fcgi_reload_failed{pool="app"})"), 0);
    stop_master();
    EXPECT_FALSE(std::filesystem::exists(work_.file("master.state"))) << "the master leaves its state file behind";
}

TEST_F(reload_command_test, exits_1_with_the_cause_when_the_master_refuses_the_reload) {
    start(config("", hello_at("/scripts/hello.dll")));
    // A port someone else listens on: the check (which binds nothing) passes, the master cannot
    // open it, so the verdict comes from the master, not from the check.
    const int holder = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(holder, 0);
    sockaddr_in at{};
    at.sin_family = AF_INET;
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof at;
    ASSERT_EQ(::bind(holder, reinterpret_cast<sockaddr*>(&at), sizeof at), 0);
    ASSERT_EQ(::listen(holder, 1), 0);
    ASSERT_EQ(::getsockname(holder, reinterpret_cast<sockaddr*>(&at), &size), 0);
    const auto port = std::to_string(ntohs(at.sin_port));
    rewrite_config(config(", tcp:127.0.0.1:" + port, hello_at("/scripts/hello.dll, /scripts/other.dll")));
    const auto mark = log_mark();
    const auto r = run_reload();  // the pid from the state file
    ::close(holder);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(std::regex_search(r.output, std::regex("reload failed: .*127\\.0\\.0\\.1:" + port + ".*in use.*; the previous "
                                                       "configuration stays in force")))
        << r.output;
    EXPECT_TRUE(master().wait_for_log_line(std::regex("reload refused: .*in use"), within(5s), mark));
    EXPECT_EQ(fcgi_get(address(), "/scripts/other.dll").status, 404) << "the refused configuration is in force";
    EXPECT_EQ(fcgi_get(address(), "/scripts/hello.dll").status, 200);
    const auto status = status_json();
    EXPECT_TRUE(status["reload failed"].boolean());
    EXPECT_NE(status["reload error"].text().find("in use"), std::string::npos) << status["reload error"].text();
    EXPECT_EQ(sample(R"(isapi_fcgi_reloads_total{pool="app",result="failed"})"), 1);
    EXPECT_NE(metrics().find("isapi_fcgi_reload_failure_info{pool=\"app\",cause=\""), std::string::npos) << metrics();
    stop_master();
}

TEST_F(reload_command_test, refuses_a_broken_file_without_signalling_the_master) {
    start(config("", hello_at("/scripts/hello.dll")));
    rewrite_config(config("", hello_at("/scripts/hello.dll")) + "no_such_key: 1\n");
    const auto mark = log_mark();
    const auto r = run_reload();
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(std::regex_search(r.output, std::regex("no_such_key"))) << r.output;
    EXPECT_NE(r.output.find("not reloaded"), std::string::npos) << r.output;
    EXPECT_EQ(master().count_log_lines(std::regex("received SIGHUP"), mark), 0U);
    EXPECT_NE(state_text().find("reloads: 0\n"), std::string::npos) << state_text();
    stop_master();
}

TEST_F(reload_command_test, says_so_when_the_pid_is_not_the_master_that_wrote_the_state_file) {
    start(config("", hello_at("/scripts/hello.dll")));
    const auto r = run_reload({"--pid", std::to_string(::getpid())});
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("names pid " + std::to_string(master().pid())), std::string::npos) << r.output;
    stop_master();
}

TEST(reload_command, is_a_usage_error_without_a_value) {
    temp_dir dir("isapi-fcgi-reload");
    spawn_options spawn;
    spawn.stdout_path = dir.file("out.log");
    test_process command({engine_instance::binary().string(), "reload", "--pid"}, spawn);
    const auto end = command.wait(deadline_after(scaled(20s)));
    ASSERT_TRUE(end && end->exited);
    EXPECT_EQ(end->exit_code, 2) << command.output();
    EXPECT_NE(command.output().find("missing value for '--pid'"), std::string::npos) << command.output();
    EXPECT_NE(command.output().find("usage: isapi-fcgi reload"), std::string::npos) << command.output();
    test_process unknown({engine_instance::binary().string(), "reload", "--bogus"}, spawn);
    const auto unknown_end = unknown.wait(deadline_after(scaled(20s)));
    ASSERT_TRUE(unknown_end && unknown_end->exited);
    EXPECT_EQ(unknown_end->exit_code, 2);
    EXPECT_NE(unknown.output().find("unknown option '--bogus'"), std::string::npos) << unknown.output();
}

}  // namespace
}  // namespace isapi_fcgi::test
