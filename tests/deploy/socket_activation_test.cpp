// The packaged systemd units and configuration agree with each other and with the binary:
// systemd-socket-activate stands in for isapi-fcgi.socket (its ListenStream and
// FileDescriptorName, read from deploy/systemd/isapi-fcgi.socket), runs ExecStart of
// isapi-fcgi.service with deploy/systemd/isapi-fcgi.yaml (what the package installs at the
// path ExecStart names) and a NOTIFY_SOCKET the test owns: the first connection starts the
// server, which answers the ping, sends READY=1, STATUS= and WATCHDOG=1, and on SIGTERM
// STOPPING=1 and exit 0.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ops/ops_fixture.hpp"
#include "support/engine_instance.hpp"

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

const std::filesystem::path deploy_dir = ISAPI_FCGI_DEPLOY_DIR;

// KEY=value lines of a unit file (the last one of a key wins; none is repeated here but
// ExecReload, which the test does not read).
std::map<std::string, std::string> unit_keys(const std::filesystem::path& unit) {
    std::ifstream in(unit);
    std::map<std::string, std::string> keys;
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#' || line[0] == '[') continue;
        const auto eq = line.find('=');
        if (eq != std::string::npos) keys[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return keys;
}

std::vector<std::string> words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

TEST(packaged_units, agree_with_each_other) {
    auto socket = unit_keys(deploy_dir / "systemd/isapi-fcgi.socket");
    auto service = unit_keys(deploy_dir / "systemd/isapi-fcgi.service");
    EXPECT_EQ(socket["ListenStream"], "/run/isapi-fcgi/isapi-fcgi.sock");
    EXPECT_EQ(socket["SocketGroup"], "www-data") << "nginx and Apache run as www-data on Debian";
    EXPECT_EQ(socket["SocketMode"], "0660");
    EXPECT_EQ(service["Type"], "notify");
    EXPECT_EQ(service["KillMode"], "mixed") << "SIGTERM to the master only; it drains its workers";
    EXPECT_EQ(words(service["ExecStart"]),
              (std::vector<std::string>{"/usr/sbin/isapi-fcgi", "--config", "/etc/isapi-fcgi/isapi-fcgi.yaml"}));
    EXPECT_EQ(service["Requires"], "isapi-fcgi.socket");
    // The socket is where nginx's example site and `isapi-fcgi ping` (its default) look.
    std::ifstream site(deploy_dir / "systemd/nginx-site.conf");
    std::stringstream text;
    text << site.rdbuf();
    EXPECT_NE(text.str().find("server unix:" + socket["ListenStream"] + ";"), std::string::npos);
    // The configuration listens on the socket unit's descriptor name.
    std::ifstream yaml(deploy_dir / "systemd/isapi-fcgi.yaml");
    std::stringstream config;
    config << yaml.rdbuf();
    EXPECT_NE(config.str().find("listen: systemd:" + socket["FileDescriptorName"] + "\n"), std::string::npos);
}

TEST(packaged_units, socket_activation_notify_and_watchdog) {
    auto socket_unit = unit_keys(deploy_dir / "systemd/isapi-fcgi.socket");
    auto service = unit_keys(deploy_dir / "systemd/isapi-fcgi.service");
    temp_dir work("isapi-fcgi-deploy-activation");
    notify_socket notify(work.file("notify.sock"));
    const std::string listen = work.file("isapi-fcgi.sock").string();

    // ExecStart, with the binary under test and the file the package installs at /etc.
    std::vector<std::string> exec = words(service["ExecStart"]);
    ASSERT_EQ(exec.size(), 3u);
    exec[0] = engine_instance::binary().string();
    exec[2] = (deploy_dir / "systemd/isapi-fcgi.yaml").string();
    std::vector<std::string> argv{"systemd-socket-activate", "-l", listen, "--fdname=" + socket_unit["FileDescriptorName"],
                                  "-E", "NOTIFY_SOCKET=" + notify.path().string(),
                                  // WatchdogSec=, shortened: pings every 150 ms.
                                  "-E", "WATCHDOG_USEC=300000"};
    argv.insert(argv.end(), exec.begin(), exec.end());
    spawn_options spawn;
    spawn.stdout_path = work.file("activate.log");
    test_process activator(argv, spawn);
    ASSERT_TRUE(activator.wait_for_log_line(std::regex("Listening on"), deadline_after(scaled(10s))))
        << activator.output();

    // Nothing runs before the first connection; this one starts the server and is answered.
    const auto answer = fcgi_get("unix:" + listen, "/ping", {}, scaled(20s));
    EXPECT_EQ(answer.status, 200) << tail(activator.output());
    EXPECT_EQ(answer.body, "pong");
    EXPECT_TRUE(notify.wait_for("READY=1", deadline_after(scaled(10s)))) << tail(activator.output());
    EXPECT_TRUE(notify.wait_for("STATUS=default: 2 worker(s)", deadline_after(scaled(10s))));
    const auto first_ping = notify.wait_for("WATCHDOG=1", deadline_after(scaled(10s)));
    ASSERT_TRUE(first_ping);
    EXPECT_TRUE(notify.wait_for("WATCHDOG=1", deadline_after(scaled(10s)), *first_ping + 1)) << "the watchdog is fed again";

    // `isapi-fcgi ping`, as the container health check runs it, on the activated socket.
    spawn_options ping_spawn;
    ping_spawn.stdout_path = work.file("ping.log");
    test_process ping({engine_instance::binary().string(), "ping", "--socket", "unix:" + listen}, ping_spawn);
    const auto ping_end = ping.wait(deadline_after(scaled(10s)));
    ASSERT_TRUE(ping_end);
    EXPECT_TRUE(ping_end->exited && ping_end->exit_code == 0) << ping.output();

    const auto end = activator.stop();
    EXPECT_TRUE(notify.wait_for("STOPPING=1", deadline_after(1s)));
    EXPECT_TRUE(ended_cleanly(end, activator.output())) << tail(activator.output());
}

}  // namespace
}  // namespace isapi_fcgi::test
