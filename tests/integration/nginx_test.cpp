// A real nginx (Debian 12: 1.22) in front of the engine, with and without
// `fastcgi_keep_conn on`, over a unix socket and TCP, fetched with curl.
#include <memory>
#include <string>
#include <tuple>

#include <gtest/gtest.h>

#include "support/engine_fixture.hpp"
#include "support/engine_log.hpp"
#include "support/http_client.hpp"
#include "support/nginx_instance.hpp"

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

struct nginx_case {
    bool keep_conn;
    const char* transport;
};

void PrintTo(const nginx_case& value, std::ostream* out)
{
    *out << (value.keep_conn ? "keep_conn " : "no keep_conn ") << value.transport;
}

class behind_nginx : public engine_fixture, public ::testing::WithParamInterface<nginx_case> {
protected:
    void SetUp() override
    {
        engine_options options;
        options.listen_unix = std::string(GetParam().transport) == "unix";
        options.listen_tcp = !options.listen_unix;
        start_engine(options);
        start_nginx();
    }

    void start_nginx(const std::string& location_extra = {})
    {
        if (nginx_) {
            check_and_stop_nginx();
        }
        nginx_options options;
        options.engine_address = engine().address();
        options.keep_conn = GetParam().keep_conn;
        options.location_extra = location_extra;
        nginx_ = std::make_unique<nginx_instance>(options);
    }

    void check_and_stop_nginx()
    {
        auto problems = nginx_->error_log_problems();
        EXPECT_TRUE(problems.empty()) << "nginx error.log:\n" << testing::PrintToString(problems);
        auto end = nginx_->stop();
        EXPECT_TRUE(ended_cleanly(end, nginx_->error_log()));
        if (HasFailure()) {
            std::cerr << "--- nginx error.log ---\n" << tail(nginx_->error_log()) << "\n";
        }
        nginx_.reset();
    }

    void TearDown() override
    {
        if (nginx_) {
            check_and_stop_nginx();
        }
        engine_fixture::TearDown();
    }

    http_result get(const std::string& path) { return http_get(nginx_->dir(), nginx_->url(path)); }

    http_result post(const std::string& path, std::string body,
                     std::vector<std::string> headers = {})
    {
        http_request request;
        request.url = nginx_->url(path);
        request.method = "POST";
        request.body = std::move(body);
        request.headers = std::move(headers);
        return http_fetch(nginx_->dir(), request);
    }

    /// Connections the engine accepted since it started.
    std::size_t accepted() const { return engine_->count_log(engine_log::accepted()); }

    std::unique_ptr<nginx_instance> nginx_;
};

TEST_P(behind_nginx, sequential_requests_and_connection_reuse)
{
    constexpr int pings = 5;
    for (int i = 0; i < pings; ++i) {
        auto result = get("/ping");
        EXPECT_EQ(result.status, 200) << result.describe();
        EXPECT_EQ(result.body, "pong") << result.describe();
    }
    auto missing = get("/missing/app.dll?x=1");
    EXPECT_EQ(missing.status, 404) << missing.describe();
    EXPECT_NE(missing.body.find("/missing/app.dll"), std::string::npos) << missing.describe();
    EXPECT_FALSE(missing.head.header("Status").has_value()) << "nginx consumes the Status header";

    const std::size_t requests = pings + 1;
    if (GetParam().keep_conn) {
        // One nginx worker and strictly sequential requests: one cached upstream connection.
        EXPECT_EQ(accepted(), 1u) << "nginx's kept connection was not reused";
    } else {
        // Every request has its own connection; the accept lines may trail the answers.
        engine().process().wait_for_log_count(engine_log::accepted(), requests, soon());
        EXPECT_EQ(accepted(), requests);
    }
}

TEST_P(behind_nginx, a_post_to_an_unmapped_path_is_answered_404_not_502)
{
    // The engine answers as soon as the params are in and drops the body that follows; nginx
    // must still see a clean response and, with keep_conn, a reusable connection.
    for (int round = 0; round < 2; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        auto result = post("/missing", std::string(300000, 'p'),
                           {"Content-Type: application/octet-stream"});
        EXPECT_EQ(result.status, 404) << result.describe();
        auto ping = get("/ping");
        EXPECT_EQ(ping.status, 200) << ping.describe();
        EXPECT_EQ(ping.body, "pong");
    }
}

TEST_P(behind_nginx, a_streamed_chunked_upload_with_an_empty_content_length_is_answered)
{
    // fastcgi_request_buffering off + chunked: CONTENT_LENGTH is "" and the body is streamed in
    // many STDIN records (FASTCGI.md §3.1).
    start_nginx("            fastcgi_request_buffering off;\n");
    auto result = post("/ping", std::string(200000, 'c'), {"Transfer-Encoding: chunked"});
    EXPECT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.body, "pong");
    auto missing = post("/missing", std::string(200000, 'c'), {"Transfer-Encoding: chunked"});
    EXPECT_EQ(missing.status, 404) << missing.describe();
    auto ping = get("/ping");
    EXPECT_EQ(ping.status, 200) << ping.describe();
}

INSTANTIATE_TEST_SUITE_P(
    matrix, behind_nginx,
    ::testing::Values(nginx_case{true, "unix"}, nginx_case{false, "unix"},
                      nginx_case{true, "tcp"}, nginx_case{false, "tcp"}),
    [](const auto& name) {
        return std::string(name.param.keep_conn ? "keep_conn_" : "no_keep_conn_")
               + name.param.transport;
    });

}  // namespace
}  // namespace isapi_fcgi::test
