// The configuration's `include` end to end: a pool written in an included file (conf.d/, as
// php-fpm's pool.d/) serves through nginx, and SIGHUP reads the directory again: a new file's
// pool starts, a broken one is refused with its own file and line while the running
// generation keeps serving. Waits are for READY=1, log lines and answers, each bounded.
#include "ops/ops_fixture.hpp"

#include <csignal>
#include <filesystem>

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

std::string hello_pool(const std::string& name, const std::string& socket, const std::string& url) {
    return "pools:\n  - name: " + name + "\n    listen: unix:@DIR@/" + socket +
           "\n    status_path: /status\n    extensions:\n      - { name: hello, path: " +
           ops_extension("hello").string() + ", urls: " + url + " }\n";
}

class config_include_test : public ops_test {
protected:
    void included(const std::string& name, const std::string& yaml) {
        std::filesystem::create_directories(work_.file("conf.d"));
        work_.write_file("conf.d/" + name, replace_all(yaml, "@DIR@", dir_text()));
    }
    std::string main_config() const {
        return "allow_root: true\nshutdown_timeout: 10s\nlog: { level: info }\ninclude: conf.d/*.yaml\npools:\n"
               "  - name: app\n    listen: unix:@DIR@/app.sock\n    status_path: /status\n    extensions:\n"
               "      - { name: misbehave, path: " + ops_extension("misbehave").string() +
               ", urls: /scripts/misbehave.dll }\n";
    }
};

TEST_F(config_include_test, a_pool_from_an_included_file_serves_through_nginx_and_sighup_reads_the_directory_again) {
    included("web.yaml", hello_pool("web", "web.sock", "/web/hello.dll"));
    start(main_config());
    start_nginx(/*web_pool=*/true);
    // The included pool, through nginx's /web/ location to web.sock; the main file's beside it.
    const auto web = http("/web/hello.dll");
    EXPECT_EQ(web.status, 200) << web.describe();
    EXPECT_EQ(web.body, "Hello from ISAPI!\r\n");
    EXPECT_EQ(http("/scripts/misbehave.dll/ok").status, 200);

    // A new file: the reload brings its pool in, on its own socket.
    included("more.yaml", hello_pool("more", "more.sock", "/scripts/more.dll"));
    const auto mark = log_mark();
    ASSERT_EQ(::kill(master().pid(), SIGHUP), 0);
    ASSERT_TRUE(wait_log("reload complete", 20s, mark)) << tail(master().error_output());
    const auto more = fcgi_get(address("more.sock"), "/scripts/more.dll");
    EXPECT_EQ(more.status, 200);
    EXPECT_EQ(more.body, "Hello from ISAPI!\r\n");
    EXPECT_EQ(status_json("more.sock")["pool"].text(), "more");
    EXPECT_EQ(http("/web/hello.dll").status, 200);

    // A broken one: refused, named by file and line, and the generation that runs keeps serving.
    included("bad.yaml", "# takes a name that is taken\n" + hello_pool("app", "bad.sock", "/bad.dll"));
    const auto refused_mark = log_mark();
    ASSERT_EQ(::kill(master().pid(), SIGHUP), 0);
    EXPECT_TRUE(wait_log(R"(reload refused: .*/conf\.d/bad\.yaml:3:11: duplicate pool name 'app' \(first defined at .*/isapi-fcgi\.yaml:6:11\))",
                         20s, refused_mark))
        << tail(master().error_output());
    EXPECT_EQ(status_json()["generation"].number(), 2);
    EXPECT_EQ(fcgi_get(address("more.sock"), "/scripts/more.dll").status, 200);
    EXPECT_EQ(http("/web/hello.dll").status, 200);
    stop_master();
}

}  // namespace
}  // namespace isapi_fcgi::test
