// CONTENT_LENGTH as web servers send it, straight over FastCGI (a web server in front would
// refuse a malformed Content-Length itself): a decimal number is the body's length, empty means
// an unknown length (nginx's streamed and chunked uploads), anything else is answered 400 with
// one log line naming the value, before any extension runs.
#include "ops/ops_fixture.hpp"

#include "support/fcgi_client.hpp"
#include "support/fcgi_wire.hpp"

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

std::string formdump_config() {
    return "allow_root: true\nlog: { level: info }\npools:\n"
           "  - name: app\n    listen: unix:@DIR@/app.sock\n    workers: 1\n    extensions:\n"
           "      - { name: formdump, path: " + ops_extension("formdump").string() + ", urls: /scripts/formdump.dll }\n";
}

/// A POST of `body` to formdump with CONTENT_LENGTH = `content_length`.
fcgi_answer post_formdump(const std::string& address, const std::string& content_length, const std::string& body) {
    fcgi_answer out;
    const auto until = deadline_after(scaled(10s));
    fcgi_client client(address, until);
    client.request(1, wire::cgi_params("/scripts/formdump.dll", "POST", content_length), body, false);
    out.ended = client.wait_end(1, until);
    out.head = client.state(1).response();
    out.status = out.head.status.value_or(0);
    out.body = out.head.body;
    return out;
}

TEST_F(ops_test, a_content_length_that_is_not_a_decimal_number_is_answered_400) {
    start(formdump_config());
    for (const std::string bad : {"abc", "-1", "12x", "+5", " 5", "0x10", "99999999999999999999999"}) {
        const auto mark = log_mark();
        const auto answer = post_formdump(address(), bad, "hello");
        EXPECT_TRUE(answer.ended) << "CONTENT_LENGTH '" << bad << "'";
        EXPECT_EQ(answer.status, 400) << "CONTENT_LENGTH '" << bad << "': " << answer.body;
        const auto logged = "400: CONTENT_LENGTH '" + std::regex_replace(bad, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                            "' is not a decimal number";
        EXPECT_TRUE(wait_log(logged, 10s, mark)) << logged;
    }
    // A valid length, and an empty one (unknown: read to the end of the body), still work.
    const auto known = post_formdump(address(), "5", "hello");
    EXPECT_EQ(known.status, 200) << known.body;
    EXPECT_NE(known.body.find("bytes=5"), std::string::npos) << known.body;
    const auto unknown = post_formdump(address(), "", "hello");
    EXPECT_EQ(unknown.status, 200) << unknown.body;
    EXPECT_NE(unknown.body.find("bytes=5"), std::string::npos) << unknown.body;
    stop_master();
}

}  // namespace
}  // namespace isapi_fcgi::test
