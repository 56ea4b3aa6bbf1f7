// `isapi-fcgi ping` (the container HEALTHCHECK and the Kubernetes probes) against a real
// engine over unix and TCP sockets: exit 0 only for a 200 from the ping path, 1 with a reason
// for everything else (wrong path, disabled ping, nothing listening, a listener that never
// answers, bounded by --timeout), 2 for command-line mistakes.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/engine_instance.hpp"
#include "support/temp_dir.hpp"
#include "support/test_process.hpp"

namespace isapi_fcgi::test {
namespace {

struct ping_result {
    int exit_code = -1;
    std::string err;
    std::chrono::milliseconds took{};
};

ping_result run_ping(const std::vector<std::string>& args) {
    temp_dir dir("isapi-fcgi-ping");
    std::vector<std::string> argv{engine_instance::binary().string(), "ping"};
    argv.insert(argv.end(), args.begin(), args.end());
    spawn_options options;
    options.stdout_path = dir.file("out");
    options.stderr_path = dir.file("err");
    const auto start = std::chrono::steady_clock::now();
    test_process p(argv, options);
    const auto end = p.wait(deadline_after(std::chrono::seconds(20)));
    ping_result r;
    r.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    r.err = p.error_output();
    EXPECT_TRUE(end && end->exited) << "ping did not exit by itself";
    if (end && end->exited) r.exit_code = end->exit_code;
    EXPECT_EQ(p.output(), "") << "ping prints nothing on stdout";
    return r;
}

TEST(ping_command, healthy_over_unix_and_tcp) {
    engine_options options;
    options.listen_tcp = true;
    engine_instance engine(options);
    for (const auto& address : {engine.unix_address(), engine.tcp_address()}) {
        const auto r = run_ping({"--socket", address});
        EXPECT_EQ(r.exit_code, 0) << address << ": " << r.err;
        EXPECT_EQ(r.err, "") << address;
    }
    EXPECT_TRUE(engine.running());
}

TEST(ping_command, follows_the_configured_ping_path) {
    engine_options options;
    options.ping_path = "/healthz";
    options.ping_response = "fine";
    engine_instance engine(options);
    EXPECT_EQ(run_ping({"--socket=" + engine.unix_address(), "--path=/healthz"}).exit_code, 0);
    const auto wrong = run_ping({"--socket", engine.unix_address()});
    EXPECT_EQ(wrong.exit_code, 1);
    EXPECT_NE(wrong.err.find(engine.unix_address() + " /ping: answered 404 Not Found"), std::string::npos) << wrong.err;
}

TEST(ping_command, disabled_ping_path_is_unhealthy) {
    engine_options options;
    options.ping_path = "";
    engine_instance engine(options);
    const auto r = run_ping({"--socket", engine.unix_address()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("answered 404"), std::string::npos) << r.err;
}

TEST(ping_command, nothing_listening_is_unhealthy) {
    temp_dir dir;
    const auto r = run_ping({"--socket", "unix:" + dir.file("none.sock").string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("connect: No such file or directory"), std::string::npos) << r.err;
}

TEST(ping_command, a_silent_listener_times_out) {
    // A listening socket nobody accepts on: connect succeeds (the backlog), no answer comes.
    temp_dir dir;
    const auto path = dir.file("silent.sock").string();
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    std::memcpy(sun.sun_path, path.c_str(), path.size() + 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sun), sizeof(sun)), 0);
    ASSERT_EQ(::listen(fd, 8), 0);
    const auto r = run_ping({"--socket", "unix:" + path, "--timeout", "500ms"});
    ::close(fd);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("no complete answer in time"), std::string::npos) << r.err;
    EXPECT_GE(r.took, std::chrono::milliseconds(450));
    EXPECT_LT(r.took, std::chrono::seconds(5)) << "the timeout bounds the whole exchange";
}

TEST(ping_command, usage_mistakes_exit_2) {
    for (const std::vector<std::string>& args : {std::vector<std::string>{"--bogus"}, {"--socket", "fd:3"},
                                                 {"--socket", "tcp:nowhere"}, {"--path", "ping"},
                                                 {"--timeout", "soon"}, {"--timeout"}}) {
        const auto r = run_ping(args);
        EXPECT_EQ(r.exit_code, 2) << args.front();
        EXPECT_NE(r.err.find("usage: isapi-fcgi ping"), std::string::npos) << r.err;
    }
}

}  // namespace
}  // namespace isapi_fcgi::test
