// A graceful stop (SIGTERM to the master) while a request is still running: the listening
// socket stops accepting at once (the master closes its copy, the draining worker its own), so a
// new connection is refused instead of waiting in the backlog until every process has exited;
// the request in progress still gets its answer and the master exits cleanly.
#include "ops/ops_fixture.hpp"

#include <csignal>

#include "support/connect_probe.hpp"
#include "support/fcgi_client.hpp"
#include "support/fcgi_wire.hpp"

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

TEST_F(ops_test, a_graceful_stop_refuses_new_connections_at_once_and_finishes_the_request_in_progress) {
    start("allow_root: true\nshutdown_timeout: 30s\nlog: { level: info }\npools:\n"
          "  - name: app\n    listen: unix:@DIR@/app.sock\n    status_path: /status\n    workers: 1\n"
          "    extensions:\n      - { name: misbehave, path: " + ops_extension("misbehave").string() +
          ", urls: /scripts/misbehave.dll }\n");
    const auto until = within(60s);
    fcgi_client slow(address(), until);
    auto params = wire::cgi_params("/scripts/misbehave.dll/sleep");
    for (auto& [name, value] : params) {
        if (name == "QUERY_STRING") value = "ms=4000";
        if (name == "REQUEST_URI") value += "?ms=4000";
    }
    slow.request(1, params, {}, false);
    ASSERT_TRUE(wait_active_threads(1)) << "the long request did not reach the extension";

    const auto mark = log_mark();
    ASSERT_EQ(::kill(master().pid(), SIGTERM), 0);
    ASSERT_TRUE(wait_log("stopping gracefully", 10s, mark));
    const auto stopping = clock::now();
    EXPECT_TRUE(wait_connect_refused(address(), within(3s))) << "a new connection was still accepted 3 s into the stop";
    EXPECT_LT(clock::now() - stopping, scaled(3s));

    ASSERT_TRUE(slow.wait_end(1, until)) << "the request in progress was not finished";
    EXPECT_EQ(slow.state(1).response().status.value_or(0), 200);
    const auto end = master().wait(within(30s));
    ASSERT_TRUE(end) << "the master did not exit after its last request";
    EXPECT_TRUE(ended_cleanly(*end, master().error_output()));
}

}  // namespace
}  // namespace isapi_fcgi::test
