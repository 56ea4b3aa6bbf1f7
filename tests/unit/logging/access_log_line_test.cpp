#include "logging/access_log_line.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <stdexcept>

#include "ops/json_value.hpp"

namespace isapi_fcgi::logging {
namespace {

using namespace std::chrono_literals;

access_record sample() {
    access_record r;
    r.finished = std::chrono::system_clock::now();
    r.remote_addr = "192.0.2.7";
    r.remote_port = "51234";
    r.remote_user = "";
    r.request_method = "GET";
    r.request_uri = "/scripts/app.dll/x?q=1";
    r.query_string = "q=1";
    r.server_protocol = "HTTP/1.1";
    r.http_referer = "https://example.org/from";
    r.http_user_agent = "curl/7.88.1 \"quoted\"";
    r.request_id = "0123456789abcdef";
    r.pool = "default";
    r.extension = "app";
    r.log_data = "app bytes=0";
    r.status = 200;
    r.iis_status = 200;
    r.bytes_received = 12;
    r.bytes_sent = 345;
    r.duration = 1234567us;
    r.pid = 4321;
    return r;
}

std::string line(std::string_view format, const access_record& r = sample()) {
    return format_access_line(parse_access_log_template(format), r);
}

TEST(access_log_line, combined_is_nginx_combined) {
    const std::regex combined(
        R"re(^192\.0\.2\.7 - - \[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "GET /scripts/app\.dll/x\?q=1 HTTP/1\.1" 200 345 "https://example\.org/from" "curl/7\.88\.1 \\x22quoted\\x22"$)re");
    EXPECT_TRUE(std::regex_match(line("combined"), combined)) << line("combined");
}

TEST(access_log_line, every_variable_has_its_value) {
    EXPECT_EQ(line("$remote_addr:$remote_port $remote_user $request_method $request_uri $uri $query_string "
                   "$server_protocol $status $iis_status $bytes_received $bytes_sent $request_time "
                   "$request_time_us $http_referer $request_id $pool $extension $pid ${log_data}|"),
              "192.0.2.7:51234 - GET /scripts/app.dll/x?q=1 /scripts/app.dll/x q=1 HTTP/1.1 200 200 12 345 1.234 "
              "1234567 https://example.org/from 0123456789abcdef default app 4321 app bytes=0|");
    EXPECT_TRUE(std::regex_match(line("$time_iso8601"),
                                 std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d)")))
        << line("$time_iso8601");
}

TEST(access_log_line, a_client_that_left_is_logged_as_499_with_the_extensions_own_status_beside) {
    auto r = sample();
    r.status = client_closed_request;
    EXPECT_EQ(line("$status $iis_status", r), "499 200");
}

TEST(access_log_line, client_text_cannot_forge_a_line_or_break_the_quotes) {
    auto r = sample();
    r.http_user_agent = "evil\n192.0.2.1 - - [x] \"GET / HTTP/1.1\" 200";
    const auto text = line(R"("$http_user_agent")", r);
    EXPECT_EQ(text.find('\n'), std::string::npos) << text;
    EXPECT_EQ(text, R"("evil\x0a192.0.2.1 - - [x] \x22GET / HTTP/1.1\x22 200")");
}

TEST(access_log_line, json_is_one_object_with_every_variable_that_parses) {
    auto r = sample();
    r.http_user_agent = "quote\" backslash\\ newline\n byte\xff";
    const auto text = line("json", r);
    std::string error;
    const auto parsed = test::parse_json(text, &error);
    ASSERT_TRUE(parsed) << error << ": " << text;
    EXPECT_EQ((*parsed)["remote_addr"].text(), "192.0.2.7");
    EXPECT_EQ((*parsed)["status"].number(), 200);
    EXPECT_EQ((*parsed)["bytes_sent"].number(), 345);
    EXPECT_EQ((*parsed)["request_time"].number(), 1.234);
    EXPECT_EQ((*parsed)["remote_user"].text(), "");
    EXPECT_EQ((*parsed)["http_user_agent"].text(), "quote\" backslash\\x5c newline\\x0a byte\\xff");
    EXPECT_EQ((*parsed)["log_data"].text(), "app bytes=0");
    for (const auto& [variable, name] : access_variable_names())
        EXPECT_NO_THROW((*parsed)[std::string(name)]) << name;
}

TEST(access_log_line, unknown_variables_and_bad_templates_are_refused) {
    EXPECT_THROW(parse_access_log_template("$status $no_such"), std::invalid_argument);
    EXPECT_THROW(parse_access_log_template("${status"), std::invalid_argument);
    EXPECT_THROW(parse_access_log_template("cost $"), std::invalid_argument);
    EXPECT_EQ(line("${status}ok"), "200ok");
}

}  // namespace
}  // namespace isapi_fcgi::logging
