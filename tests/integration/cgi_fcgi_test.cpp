// libfcgi's cgi-fcgi as an independent peer (FASTCGI.md §2.3): every environment variable
// becomes a param (8 KiB records, pairs split anywhere), KEEP_CONN is never set and it exits
// only on EOF, with the app status as its exit code.
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/engine_fixture.hpp"

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

struct cgi_fcgi_run {
    std::optional<process_end> end;  ///< nothing: it did not exit in time
    std::string out;
    std::string err;
};

class cgi_fcgi : public engine_fixture, public ::testing::WithParamInterface<const char*> {
protected:
    void SetUp() override
    {
        engine_options options;
        options.listen_tcp = true;
        start_engine(options);
    }

    /// cgi-fcgi's -connect argument for the transport under test.
    std::string target() const
    {
        if (std::string(GetParam()) == "unix") {
            return engine_->unix_path().string();
        }
        return "127.0.0.1:" + std::to_string(engine_->tcp_port());
    }

    /// Runs cgi-fcgi with exactly `env` as its environment (as `env -i ...` would).
    cgi_fcgi_run run(std::vector<std::string> env, const std::string& body = {})
    {
        static int counter = 0;
        auto name = "cgi-fcgi-" + std::to_string(counter++);
        spawn_options options;
        options.inherit_env = false;
        options.env = std::move(env);
        options.stdout_path = engine_->dir() / (name + ".out");
        options.stderr_path = engine_->dir() / (name + ".err");
        if (!body.empty()) {
            options.stdin_path = engine_->dir() / (name + ".in");
            std::ofstream(options.stdin_path, std::ios::binary) << body;
        }
        test_process process({"cgi-fcgi", "-bind", "-connect", target()}, options);
        cgi_fcgi_run result;
        // cgi-fcgi exits only on EOF: a server that does not close after END_REQUEST without
        // KEEP_CONN makes it hang, which this bound turns into a failure.
        result.end = process.wait(deadline_after(scaled(10s)));
        if (!result.end) {
            process.stop(std::chrono::seconds(2));
        }
        result.out = process.output();
        result.err = process.error_output();
        return result;
    }

    static std::vector<std::string> request_env(const std::string& script_name,
                                                std::vector<std::string> extra = {},
                                                const std::string& method = "GET")
    {
        std::vector<std::string> env{"SCRIPT_NAME=" + script_name,
                                     "SCRIPT_FILENAME=" + script_name,
                                     "REQUEST_URI=" + script_name, "REQUEST_METHOD=" + method,
                                     "QUERY_STRING=", "SERVER_PROTOCOL=HTTP/1.1"};
        env.insert(env.end(), extra.begin(), extra.end());
        return env;
    }
};

std::string describe(const cgi_fcgi_run& run)
{
    return (run.end ? run.end->describe() : std::string("did not exit in time")) + "; stdout ["
           + run.out + "] stderr [" + run.err + "]";
}

TEST_P(cgi_fcgi, ping_answers_200_pong_and_exits_0)
{
    auto result = run(request_env("/ping"));
    ASSERT_TRUE(result.end) << describe(result);
    EXPECT_TRUE(result.end->exited && result.end->exit_code == 0) << describe(result);
    auto response = parse_cgi_response(result.out);
    EXPECT_TRUE(response.header_complete) << describe(result);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "pong");
}

TEST_P(cgi_fcgi, large_environment_values_straddling_8k_records_still_parse)
{
    auto result = run(request_env("/ping", {"HTTP_X_BIG=" + std::string(20000, 'a'),
                                            "HTTP_X_OTHER=" + std::string(9000, 'b'),
                                            "HTTP_X_SMALL=c"}));
    ASSERT_TRUE(result.end) << describe(result);
    EXPECT_TRUE(result.end->exited && result.end->exit_code == 0) << describe(result);
    auto response = parse_cgi_response(result.out);
    EXPECT_EQ(response.status, 200) << describe(result);
    EXPECT_EQ(response.body, "pong");
}

TEST_P(cgi_fcgi, unmapped_path_gets_404)
{
    auto result = run(request_env("/nowhere/app.dll"));
    ASSERT_TRUE(result.end) << describe(result);
    EXPECT_TRUE(result.end->exited) << describe(result);
    EXPECT_NE(result.end->exit_code, 253) << "cgi-fcgi saw a protocol error: " << describe(result);
    auto response = parse_cgi_response(result.out);
    EXPECT_EQ(response.status, 404) << describe(result);
    EXPECT_NE(response.body.find("/nowhere/app.dll"), std::string::npos) << response.body;
}

TEST_P(cgi_fcgi, a_posted_body_to_an_unmapped_path_gets_404)
{
    std::string body(5000, 'x');
    auto env = request_env("/nowhere", {"CONTENT_LENGTH=" + std::to_string(body.size()),
                                        "CONTENT_TYPE=application/octet-stream"},
                           "POST");
    auto result = run(env, body);
    ASSERT_TRUE(result.end) << describe(result);
    EXPECT_TRUE(result.end->exited) << describe(result);
    EXPECT_EQ(parse_cgi_response(result.out).status, 404) << describe(result);
}

TEST_P(cgi_fcgi, the_engine_stays_healthy_across_many_short_connections)
{
    for (int i = 0; i < 20; ++i) {
        auto result = run(request_env(i % 2 == 0 ? "/ping" : "/missing"));
        ASSERT_TRUE(result.end) << "run " << i << ": " << describe(result);
        ASSERT_EQ(parse_cgi_response(result.out).status, i % 2 == 0 ? 200 : 404)
            << "run " << i << ": " << describe(result);
    }
    EXPECT_TRUE(ping_works_on_new_connection());
}

INSTANTIATE_TEST_SUITE_P(transport, cgi_fcgi, ::testing::Values("unix", "tcp"),
                         [](const auto& name) { return std::string(name.param); });

}  // namespace
}  // namespace isapi_fcgi::test
