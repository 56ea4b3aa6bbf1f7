// --single-process: the same sockets, status, metrics and signals without a master, so the
// ThreadSanitizer run (label engine) covers the observer, the scoreboard and the status handler
// with extension threads, I/O threads and status readers running at once.
#include "ops/ops_fixture.hpp"

#include <csignal>

#include "support/http_client.hpp"

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

class single_process_test : public ops_test {
protected:
    void SetUp() override { single_process_ = true; }
};

TEST_F(single_process_test, serves_extensions_status_and_metrics_and_stops_gracefully) {
    start("allow_root: true\nshutdown_timeout: 10s\nlog: { level: info }\npools:\n"
          "  - name: app\n    listen: unix:@DIR@/app.sock\n    status_path: /status\n    metrics_path: /metrics\n"
          "    extension_threads: 4\n    extensions:\n"
          "      - { name: misbehave, path: " + ops_extension("misbehave").string() + ", urls: /scripts/misbehave.dll }\n");
    // Requests and status readers at once: every counter is written and read concurrently.
    std::vector<std::thread> clients;
    std::atomic<int> ok{0};
    for (int c = 0; c < 4; ++c) {
        clients.emplace_back([&, c] {
            for (int i = 0; i < 10; ++i) {
                const auto answer = c % 2 ? fcgi_get(address(), "/scripts/misbehave.dll/sleep", "ms=5")
                                          : fcgi_get(address(), "/status", "json&full");
                if (answer.status == 200) ++ok;
            }
        });
    }
    for (auto& t : clients) t.join();
    EXPECT_EQ(ok.load(), 40);
    const auto status = status_json();
    EXPECT_EQ(status["accepted requests"].number(), 20);
    EXPECT_EQ(status["workers"].number(), 1);  // no master: the process itself is the one worker
    EXPECT_EQ(status["workers ready"].number(), 1);
    std::vector<std::string> problems;
    const auto samples = parse_prometheus(metrics(), problems);
    EXPECT_TRUE(problems.empty());
    EXPECT_EQ(samples.at(R"(isapi_fcgi_extension_requests_total{pool="app",extension="misbehave"})"), 20);

    // A long request finishes across SIGTERM; the process exits 0.
    std::thread long_request([&] { EXPECT_EQ(fcgi_get(address(), "/scripts/misbehave.dll/sleep", "ms=800", 10s).status, 200); });
    ASSERT_TRUE(wait_active_threads(1));
    ASSERT_EQ(::kill(master().pid(), SIGTERM), 0);
    long_request.join();
    const auto end = master().wait(within(20s));
    ASSERT_TRUE(end);
    EXPECT_TRUE(ended_cleanly(*end, master().error_output()));
    EXPECT_TRUE(notify().wait_for("STOPPING=1", within(1s)));
}

}  // namespace
}  // namespace isapi_fcgi::test
