#include "filters/request_head.hpp"

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

namespace isapi_fcgi::filters {
namespace {

const request_head::params sample{
    {"REQUEST_METHOD", "GET"},
    {"REQUEST_URI", "/scripts/app.dll/a?x=1"},
    {"QUERY_STRING", "x=1"},
    {"SERVER_PROTOCOL", "HTTP/1.1"},
    {"SCRIPT_NAME", "/scripts/app.dll"},
    {"HTTP_HOST", "example.test:8080"},
    {"HTTP_USER_AGENT", "curl/7.88"},
    {"HTTP_COOKIE", "a=1"},
    {"CONTENT_TYPE", "text/plain"},
};

std::string param(const std::vector<std::pair<std::string, std::string>>& params, const std::string& name) {
    const auto it = std::find_if(params.begin(), params.end(), [&](const auto& p) { return p.first == name; });
    return it == params.end() ? "<absent>" : it->second;
}

TEST(request_head, pseudo_headers_and_headers_by_their_http_names) {
    const request_head head(sample);
    EXPECT_EQ(head.get("method"), "GET");
    EXPECT_EQ(head.get("URL"), "/scripts/app.dll/a?x=1");
    EXPECT_EQ(head.get("version"), "HTTP/1.1");
    EXPECT_EQ(head.get("Host:"), "example.test:8080");
    EXPECT_EQ(head.get("user-agent:"), "curl/7.88");
    EXPECT_EQ(head.get("Content-Type:"), "text/plain");
    EXPECT_FALSE(head.changed());
}

TEST(request_head, a_header_name_needs_its_colon_and_an_absent_one_is_not_found) {
    const request_head head(sample);
    EXPECT_FALSE(head.get("Host").has_value());
    EXPECT_FALSE(head.get("X-Missing:").has_value());
    EXPECT_FALSE(head.get(":").has_value());
    EXPECT_FALSE(head.get("Bad Name:").has_value());
}

TEST(request_head, set_replaces_adds_and_an_empty_value_removes) {
    request_head head(sample);
    EXPECT_EQ(head.set("User-Agent:", "filtered"), ERROR_SUCCESS);
    EXPECT_EQ(head.get("User-Agent:"), "filtered");
    EXPECT_EQ(head.set("X-Remote-User:", "alice"), ERROR_SUCCESS);
    EXPECT_EQ(head.get("x-remote-user:"), "alice");
    EXPECT_EQ(head.set("Host:", ""), ERROR_SUCCESS);
    EXPECT_FALSE(head.get("Host:").has_value());
    EXPECT_TRUE(head.changed());
}

TEST(request_head, add_appends_with_the_header_separator) {
    request_head head(sample);
    EXPECT_EQ(head.add("X-Trace:", "one"), ERROR_SUCCESS);
    EXPECT_EQ(head.add("X-Trace:", "two"), ERROR_SUCCESS);
    EXPECT_EQ(head.get("X-Trace:"), "one, two");
    EXPECT_EQ(head.add("Cookie:", "b=2"), ERROR_SUCCESS);
    EXPECT_EQ(head.get("Cookie:"), "a=1; b=2");
}

TEST(request_head, values_that_would_split_the_header_block_are_refused) {
    request_head head(sample);
    EXPECT_EQ(head.set("X-Injected:", "a\r\nX-Evil: 1"), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    EXPECT_EQ(head.add("X-Injected:", "a\nb"), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    EXPECT_EQ(head.set("X-Injected:", std::string_view("a\0b", 3)), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    EXPECT_EQ(head.set("Bad Name:", "x"), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    EXPECT_EQ(head.set("NoColon", "x"), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    EXPECT_EQ(head.add("url", "/x"), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    EXPECT_FALSE(head.get("X-Injected:").has_value());
    EXPECT_FALSE(head.changed());
}

TEST(request_head, pseudo_headers_are_validated) {
    request_head head(sample);
    EXPECT_EQ(head.set("url", "relative"), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    EXPECT_EQ(head.set("url", "/a b"), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    EXPECT_EQ(head.set("url", ""), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    EXPECT_EQ(head.set("method", ""), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    EXPECT_EQ(head.set("method", "GE T"), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    EXPECT_EQ(head.set("version", "HTTP/2"), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    EXPECT_EQ(head.url(), "/scripts/app.dll/a?x=1");
    EXPECT_EQ(head.set("version", "HTTP/1.0"), ERROR_SUCCESS);
    EXPECT_EQ(head.version(), "HTTP/1.0");
}

TEST(request_head, a_url_rewrite_reaches_the_params_with_its_query_string) {
    request_head head(sample);
    ASSERT_EQ(head.set("url", "/scripts/other.dll/b?y=2&z"), ERROR_SUCCESS);
    ASSERT_EQ(head.set("method", "POST"), ERROR_SUCCESS);
    ASSERT_EQ(head.set("Host:", ""), ERROR_SUCCESS);
    ASSERT_EQ(head.set("X-Added:", "1"), ERROR_SUCCESS);
    const auto params = head.to_params(sample);
    EXPECT_EQ(param(params, "REQUEST_URI"), "/scripts/other.dll/b?y=2&z");
    EXPECT_EQ(param(params, "QUERY_STRING"), "y=2&z");
    EXPECT_EQ(param(params, "REQUEST_METHOD"), "POST");
    EXPECT_EQ(param(params, "HTTP_HOST"), "<absent>");
    EXPECT_EQ(param(params, "HTTP_X_ADDED"), "1");
    EXPECT_EQ(param(params, "CONTENT_TYPE"), "text/plain");
    EXPECT_EQ(param(params, "SCRIPT_NAME"), "/scripts/app.dll") << "not a header: left for the host's own mapping";
    EXPECT_EQ(std::count_if(params.begin(), params.end(), [](const auto& p) { return p.first == "QUERY_STRING"; }), 1);
}

TEST(request_head, cgi_names_follow_rfc_3875) {
    EXPECT_EQ(request_head::cgi_name_of("X-Forwarded-For:"), "HTTP_X_FORWARDED_FOR");
    EXPECT_EQ(request_head::cgi_name_of("content-length:"), "CONTENT_LENGTH");
    EXPECT_EQ(request_head::cgi_name_of("Content-Type:"), "CONTENT_TYPE");
    EXPECT_FALSE(request_head::cgi_name_of("X-Forwarded-For").has_value());
    EXPECT_FALSE(request_head::cgi_name_of("X(y):").has_value());
}

}  // namespace
}  // namespace isapi_fcgi::filters
