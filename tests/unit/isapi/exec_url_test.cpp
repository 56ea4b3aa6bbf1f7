#include "isapi/exec_url.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include "params.hpp"

namespace isapi_fcgi::isapi {
namespace {

using test::make_params;

fcgi::param_set parent() {
    return make_params({{"REQUEST_METHOD", "POST"},
                        {"REQUEST_URI", "/scripts/app.dll/x?a=1"},
                        {"SCRIPT_NAME", "/scripts/app.dll"},
                        {"PATH_INFO", "/x"},
                        {"DOCUMENT_URI", "/scripts/app.dll/x"},
                        {"QUERY_STRING", "a=1"},
                        {"CONTENT_LENGTH", "10"},
                        {"CONTENT_TYPE", "text/plain"},
                        {"HTTP_HOST", "h"},
                        {"HTTP_X_PARENT", "1"},
                        {"REMOTE_USER", "alice"},
                        {"SERVER_PORT", "80"}});
}

TEST(ExecUrl, TheChildGetsItsUrlAndKeepsTheRestOfTheParentsParams) {
    exec_url_request child;
    child.url = "/other/b.dll/p?q=2";
    const auto p = child_params(parent(), child, 4);
    EXPECT_EQ(p.get("REQUEST_URI"), "/other/b.dll/p?q=2");
    EXPECT_EQ(p.get("SCRIPT_NAME"), "/other/b.dll/p");
    EXPECT_EQ(p.get("QUERY_STRING"), "q=2");
    EXPECT_FALSE(p.find("PATH_INFO"));
    EXPECT_FALSE(p.find("DOCUMENT_URI"));  // the child's URL is mapped afresh
    EXPECT_EQ(p.get("REQUEST_METHOD"), "POST");
    EXPECT_EQ(p.get("CONTENT_LENGTH"), "4");  // what the parent has not read
    EXPECT_EQ(p.get("HTTP_X_PARENT"), "1");
    EXPECT_EQ(p.get("REMOTE_USER"), "alice");
    EXPECT_EQ(p.get("SERVER_PORT"), "80");
}

TEST(ExecUrl, NullUrlReRunsTheRequestAndTheChildMayReplaceHeadersBodyMethodAndUser) {
    exec_url_request child;
    child.method = "PUT";
    child.headers = "X-Child: 2\r\nContent-Type: application/json\r\nbad line\r\n\r\nX-After: no\r\n";
    child.entity = "{}";
    child.user = "bob";
    child.auth_type = "Basic";
    const auto p = child_params(parent(), child, std::nullopt);
    EXPECT_EQ(p.get("REQUEST_URI"), "/scripts/app.dll/x?a=1");
    EXPECT_EQ(p.get("REQUEST_METHOD"), "PUT");
    EXPECT_FALSE(p.find("HTTP_X_PARENT"));  // pszChildHeaders replaces every header
    EXPECT_FALSE(p.find("HTTP_HOST"));
    EXPECT_EQ(p.get("HTTP_X_CHILD"), "2");
    EXPECT_FALSE(p.find("HTTP_X_AFTER"));  // past the blank line
    EXPECT_EQ(p.get("CONTENT_TYPE"), "application/json");
    EXPECT_EQ(p.get("CONTENT_LENGTH"), "2");
    EXPECT_EQ(p.get("REMOTE_USER"), "bob");
    EXPECT_EQ(p.get("AUTH_TYPE"), "Basic");
    exec_url_request unknown_length;
    EXPECT_EQ(child_params(parent(), unknown_length, std::nullopt).get("CONTENT_LENGTH", "?"), "");
}

TEST(ExecUrl, StatusOfAHeaderBlock) {
    EXPECT_EQ(status_of_header_block("Content-Type: text/plain\r\nStatus: 404 Not Found\r\n"), 404u);
    EXPECT_EQ(status_of_header_block("status:302\r\n"), 302u);
    EXPECT_EQ(status_of_header_block("Content-Type: text/plain\r\n"), 200u);
    EXPECT_EQ(status_of_header_block("Status: x\r\n"), 200u);
}

}  // namespace
}  // namespace isapi_fcgi::isapi
