// Zero-downtime reload and recycling: keep-alive load through real nginx and real Apache (the
// shipped snippets, nginx with `fastcgi_next_upstream off`, so nothing is replayed) while the
// master reloads every 2 s, or while max_requests recycles the workers. Draining workers keep
// serving requests on nginx's kept connections and close each only when no request can be on
// its way; Apache, as shipped, opens a connection per request over the unix socket, and keeps
// them (enablereuse=on) over loopback TCP, where the end of stream travels with the answer.
// Every request gets a 2xx.
#include "ops/ops_fixture.hpp"

#include <csignal>
#include <cstdlib>
#include <iostream>

#include "ops/http_load.hpp"
#include "support/free_port.hpp"
#include "support/temp_dir.hpp"

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

enum class front { nginx, apache, apache_tcp_reuse };
enum class trigger { reload, recycle };

struct drain_case {
    front web;
    trigger cause;
};

std::string case_name(const ::testing::TestParamInfo<drain_case>& info) {
    const char* web = info.param.web == front::nginx   ? "nginx"
                      : info.param.web == front::apache ? "apache"
                                                        : "apache_tcp_reuse";
    return std::string(web) + "_" +
           (info.param.cause == trigger::reload ? "reload_every_2s" : "max_requests_recycling");
}

constexpr std::size_t upload_size = 1024 * 1024;

class drain_under_load : public ops_test, public ::testing::WithParamInterface<drain_case> {
protected:
    std::string config(const std::string& pool_extra) const {
        // Apache's workers (www-data when the tests run as root) must reach the socket.
        const std::string socket =
            ::geteuid() == 0 && tcp_port_ == 0 ? "    socket: { mode: \"0660\", group: www-data }\n" : "";
        return "allow_root: true\nshutdown_timeout: 20s\nlog: { level: info }\npools:\n"
               "  - name: app\n    listen: " + listen() + "\n    status_path: /status\n" +
               socket + "    workers: 2\n" + pool_extra +
               "    extensions:\n"
               "      - { name: hello, path: " + ops_extension("hello").string() + ", urls: /scripts/hello.dll }\n"
               "      - { name: formdump, path: " + ops_extension("formdump").string() +
               ", urls: /scripts/formdump.dll }\n";
    }

    std::string listen() const {
        return tcp_port_ ? "tcp:127.0.0.1:" + std::to_string(tcp_port_) : std::string("unix:@DIR@/app.sock");
    }

    std::uint16_t start_front() {
        switch (GetParam().web) {
        case front::nginx:
            start_nginx(false, "        client_max_body_size 8m;\n");
            return nginx().port();
        case front::apache: start_apache(); break;
        case front::apache_tcp_reuse: start_apache(tcp_reuse_snippet()); break;
        }
        return apache_ ? apache().port() : 0;
    }

    // The shipped snippet with the pool on loopback TCP and kept connections, as
    // docs/front-ends.md suggests for who wants them.
    std::filesystem::path tcp_reuse_snippet() const {
        auto snippet = read_file(ISAPI_APACHE_SNIPPET);
        const std::string unix_upstream = "unix:${ISAPI_FCGI_SOCKET}|fcgi://isapi-fcgi";
        const std::string tcp_upstream = "fcgi://127.0.0.1:" + std::to_string(tcp_port_);
        std::size_t replaced = 0;
        for (auto at = snippet.find(unix_upstream); at != std::string::npos; at = snippet.find(unix_upstream, at)) {
            snippet.replace(at, unix_upstream.size(), tcp_upstream);
            ++replaced;
        }
        const std::string no_reuse = "enablereuse=off";
        const auto at = snippet.find(no_reuse);
        EXPECT_EQ(replaced, 2U) << "the shipped snippet's upstream changed";
        EXPECT_NE(at, std::string::npos) << "the shipped snippet's enablereuse changed";
        if (at != std::string::npos) snippet.replace(at, no_reuse.size(), "enablereuse=on");
        return work_.write_file("isapi-fcgi-tcp-reuse.conf", snippet);
    }

    std::uint16_t tcp_port_ = 0;

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
    // What the Apache cases add to the nginx ones is Apache's connection policy, not a code path
    // of ours: under the sanitizers the nginx cases suffice, and these tests run one at a time.
    if (GetParam().web != front::nginx) GTEST_SKIP() << "the nginx cases run the same sidecar paths";
#endif
    const bool reload = GetParam().cause == trigger::reload;
    if (GetParam().web == front::apache_tcp_reuse) tcp_port_ = free_loopback_port();
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
    EXPECT_EQ(non_2xx(get_statuses), 0U) << first_failure(gets);
    EXPECT_EQ(non_2xx(post_statuses), 0U) << first_failure(posts);
    EXPECT_GT(ok(get_statuses), 0U);
    EXPECT_GT(ok(post_statuses), 0U);
    // The old workers did drain and exit on their own (not killed at the shutdown_timeout).
    EXPECT_TRUE(wait_log(R"(pool app: worker \d+ \(pid \d+\): exited after draining)", 30s));
    EXPECT_EQ(master().count_log_lines(std::regex("still running .* after it was asked to drain")), 0U);
}

INSTANTIATE_TEST_SUITE_P(, drain_under_load,
                         ::testing::Values(drain_case{front::nginx, trigger::reload},
                                           drain_case{front::apache, trigger::reload},
                                           drain_case{front::apache_tcp_reuse, trigger::reload},
                                           drain_case{front::nginx, trigger::recycle},
                                           drain_case{front::apache, trigger::recycle}),
                         case_name);

}  // namespace
}  // namespace isapi_fcgi::test
