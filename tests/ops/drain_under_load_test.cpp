// Zero-downtime reload and recycling: keep-alive load through real nginx and real Apache (the
// shipped snippets, nginx with `fastcgi_next_upstream off`, so nothing is replayed) while the
// master reloads every 2 s, or while max_requests recycles the workers. Draining workers keep
// serving requests on the front end's kept connections and close each only when no request can
// be on its way, so every request gets a 2xx.
#include "ops/ops_fixture.hpp"

#include <csignal>
#include <cstdlib>
#include <iostream>

#include "ops/http_load.hpp"

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

enum class front { nginx, apache };
enum class trigger { reload, recycle };

struct drain_case {
    front web;
    trigger cause;
};

std::string case_name(const ::testing::TestParamInfo<drain_case>& info) {
    return std::string(info.param.web == front::nginx ? "nginx" : "apache") + "_" +
           (info.param.cause == trigger::reload ? "reload_every_2s" : "max_requests_recycling");
}

constexpr std::size_t upload_size = 1024 * 1024;

class drain_under_load : public ops_test, public ::testing::WithParamInterface<drain_case> {
protected:
    std::string config(const std::string& pool_extra) const {
        // Apache's workers (www-data when the tests run as root) must reach the socket.
        const std::string socket = ::geteuid() == 0 ? "    socket: { mode: \"0660\", group: www-data }\n" : "";
        return "allow_root: true\nshutdown_timeout: 20s\nlog: { level: info }\npools:\n"
               "  - name: app\n    listen: unix:@DIR@/app.sock\n    status_path: /status\n" +
               socket + "    workers: 2\n" + pool_extra +
               "    extensions:\n"
               "      - { name: hello, path: " + ops_extension("hello").string() + ", urls: /scripts/hello.dll }\n"
               "      - { name: formdump, path: " + ops_extension("formdump").string() +
               ", urls: /scripts/formdump.dll }\n";
    }

    std::uint16_t start_front() {
        if (GetParam().web == front::nginx) {
            start_nginx(false, "        client_max_body_size 8m;\n");
            return nginx().port();
        }
        start_apache();
        return apache_ ? apache().port() : 0;
    }

    static std::size_t non_2xx(const std::map<int, std::size_t>& statuses) {
        std::size_t n = 0;
        for (const auto& [status, count] : statuses)
            if (status < 200 || status > 299) n += count;
        return n;
    }

    static std::size_t ok(const std::map<int, std::size_t>& statuses) {
        return statuses.count(200) ? statuses.at(200) : 0;
    }
};

TEST_P(drain_under_load, every_request_gets_a_2xx) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    // Behind Apache what is measured is a race (Apache's EOF check before reuse against our
    // END_REQUEST + EOF, two events on a unix socket), which a sanitizer's slowdown widens well
    // past the release build's bound; the code paths are the nginx cases', which run here.
    if (GetParam().web == front::apache) GTEST_SKIP() << "a timing bound, measured in the release build";
#endif
    const bool reload = GetParam().cause == trigger::reload;
    start(config(reload ? "" : "    max_requests: 400\n"));
    const auto port = start_front();
    ASSERT_FALSE(HasFatalFailure());

    http_load_request get;
    get.path = "/scripts/hello.dll";
    get.expect_in_body = "Hello from ISAPI!";
    http_load_request post;
    post.method = "POST";
    post.path = "/scripts/formdump.dll";
    post.body.assign(upload_size, 'x');
    post.expect_in_body = "bytes=" + std::to_string(upload_size);
    http_load gets(port, {get}, 3);
    http_load posts(port, {post}, 2);
    const auto started = clock::now();
    {
        const auto until = within(30s);
        while (gets.completed() < 20 || posts.completed() < 5) {
            ASSERT_LT(clock::now(), until) << "the load did not get going";
            std::this_thread::sleep_for(20ms);
        }
    }

    std::size_t drains = 0;
    if (reload) {
        // ISAPI_FCGI_DRAIN_RELOADS=30 makes this a longer soak (the figures line reports it).
        const char* configured = std::getenv("ISAPI_FCGI_DRAIN_RELOADS");
        const int reloads = configured ? std::max(1, std::atoi(configured)) : 6;
        for (int i = 0; i < reloads; ++i) {
            const auto mark = log_mark();
            const auto notified = notify().count();
            const auto sent = clock::now();
            ASSERT_EQ(::kill(master().pid(), SIGHUP), 0);
            if (!wait_log("reload complete", 30s, mark)) {
                ADD_FAILURE() << "reload " << i + 1 << " did not complete within 30 s";
                break;
            }
            // Reading the notifications keeps their queue (10 datagrams) from filling up.
            EXPECT_TRUE(notify().wait_for("READY=1", within(10s), notified)) << "no READY=1 after reload " << i + 1;
            ++drains;
            // Every 2 s (later when a reload takes longer on a loaded machine).
            std::this_thread::sleep_until(sent + 2s);
        }
    } else {
        const auto until = within(90s);
        while ((drains = static_cast<std::size_t>(status_json()["restarts by cause"]["max_requests"].number())) < 4) {
            if (clock::now() > until) {
                ADD_FAILURE() << "fewer than 4 recycles in 90 s";
                break;
            }
            std::this_thread::sleep_for(100ms);
        }
    }
    // The last drains finish under load too.
    const auto load_until = std::max(clock::now() + 2s, started + 12s);
    std::this_thread::sleep_until(load_until);
    const auto get_statuses = gets.stop();
    const auto post_statuses = posts.stop();
    const auto seconds = std::chrono::duration<double>(clock::now() - started).count();

    std::cout << "[ figures  ] " << case_name({GetParam(), 0}) << ": " << drains << " drain(s) in " << seconds
              << " s; GET " << ok(get_statuses) << " ok, " << non_2xx(get_statuses) << " non-2xx; POST 1 MiB "
              << ok(post_statuses) << " ok, " << non_2xx(post_statuses) << " non-2xx\n";
    const auto first_failure = [](const http_load& l) { return l.failures().empty() ? "" : l.failures().front(); };
    if (GetParam().web == front::nginx) {
        EXPECT_EQ(non_2xx(get_statuses), 0U) << first_failure(gets);
        EXPECT_EQ(non_2xx(post_statuses), 0U) << first_failure(posts);
    } else {
        // Apache reuses a kept connection once it has checked it for an end of stream; on a unix
        // socket our end of stream follows the END_REQUEST by one system call, and when the
        // draining worker's thread is preempted in between (a loaded machine), Apache can check
        // before it arrives: a request sent on it gets 503. Measured: 0-2 in ~25,000 per run of
        // 6 reloads; 2 of 1,801 1 MiB POSTs over 4 recycles at load 10. The chance is per drained
        // connection, not per request: bounded here at one per drain plus 1 in 2,000; see
        // docs/architecture.md ("Draining").
        const auto bound = [&](const std::map<int, std::size_t>& s) {
            return (ok(s) + non_2xx(s)) / 2000 + std::max<std::size_t>(drains, 1);
        };
        EXPECT_LE(non_2xx(get_statuses), bound(get_statuses)) << first_failure(gets);
        EXPECT_LE(non_2xx(post_statuses), bound(post_statuses)) << first_failure(posts);
        allowed_nginx_problems_ = std::regex("AH01067|AH01075");  // the failed read of such a request
    }
    EXPECT_GT(ok(get_statuses), 0U);
    EXPECT_GT(ok(post_statuses), 0U);
    // The old workers did drain and exit on their own (not killed at the shutdown_timeout).
    EXPECT_TRUE(wait_log(R"(pool app: worker \d+ \(pid \d+\): exited after draining)", 30s));
    EXPECT_EQ(master().count_log_lines(std::regex("still running .* after it was asked to drain")), 0U);
}

INSTANTIATE_TEST_SUITE_P(, drain_under_load,
                         ::testing::Values(drain_case{front::nginx, trigger::reload},
                                           drain_case{front::apache, trigger::reload},
                                           drain_case{front::nginx, trigger::recycle},
                                           drain_case{front::apache, trigger::recycle}),
                         case_name);

}  // namespace
}  // namespace isapi_fcgi::test
