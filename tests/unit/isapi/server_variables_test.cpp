#include "isapi/server_variables.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "fcgi/param_set.hpp"
#include "params.hpp"

namespace isapi_fcgi::isapi {
namespace {

using namespace std::string_literals;
using test::make_params;
using test::param_list;

// What nginx 1.22 sends for GET /Scripts/App.dll/a/b?a=%2F1&b=2 with the stock fastcgi_params
// (duplicate Accept and Cookie headers merged by param_set as nginx >= 1.23 does).
param_list nginx_get() {
    return {
        {"QUERY_STRING", "a=%2F1&b=2"},
        {"REQUEST_METHOD", "GET"},
        {"CONTENT_TYPE", ""},
        {"CONTENT_LENGTH", ""},
        {"SCRIPT_NAME", "/Scripts/App.dll"},
        {"REQUEST_URI", "/Scripts/App.dll/a/b?a=%2F1&b=2"},
        {"DOCUMENT_URI", "/Scripts/App.dll/a/b"},
        {"DOCUMENT_ROOT", "/usr/share/nginx/html"},
        {"SERVER_PROTOCOL", "HTTP/1.1"},
        {"GATEWAY_INTERFACE", "CGI/1.1"},
        {"SERVER_SOFTWARE", "nginx/1.22.1"},
        {"REMOTE_ADDR", "127.0.0.1"},
        {"REMOTE_PORT", "51234"},
        {"SERVER_ADDR", "127.0.0.1"},
        {"SERVER_PORT", "8080"},
        {"SERVER_NAME", "localhost"},
        {"SCRIPT_FILENAME", "/usr/share/nginx/html/Scripts/App.dll"},
        {"HTTP_HOST", "localhost:8080"},
        {"HTTP_USER_AGENT", "curl/7.88.1"},
        {"HTTP_ACCEPT", "a"},
        {"HTTP_X_FOO", "1"},
        {"HTTP_ACCEPT", "b"},
        {"HTTP_COOKIE", "x=1"},
        {"HTTP_COOKIE", "y=2"},
    };
}

url_match app_match() {
    url_match m;
    m.script_name = "/Scripts/App.dll";
    m.raw_script_name = "/Scripts/App.dll";
    m.path_info = "/a/b";
    m.from_request_uri = true;
    return m;
}

class ServerVariablesTest : public ::testing::Test {
protected:
    explicit ServerVariablesTest(param_list list = nginx_get())
        : params_(make_params(list)), match_(app_match()) {
        config_.document_root = "/srv/www";
    }

    server_variables vars(bool body_length_unknown = false) const {
        return server_variables(params_, match_, config_, body_length_unknown);
    }

    std::string get(std::string_view name) const {
        const auto v = vars().find(name);
        EXPECT_TRUE(v.has_value()) << name;
        return v.value_or("<absent>");
    }

    fcgi::param_set params_;
    url_match match_;
    server_variables_config config_;
};

// --- The buffer protocol (ISAPI.md §3.1, §5.1) ---

TEST(CopyVariable, SizeProbeWithNullBuffer) {
    std::uint32_t size = 0;
    EXPECT_EQ(copy_variable("a=1", nullptr, &size), copy_status::insufficient_buffer);
    EXPECT_EQ(size, 4u);
}

TEST(CopyVariable, NullBufferWithANonZeroSizeStillProbes) {
    std::uint32_t size = 100;
    EXPECT_EQ(copy_variable("a=1", nullptr, &size), copy_status::insufficient_buffer);
    EXPECT_EQ(size, 4u);
}

TEST(CopyVariable, OneByteShortLeavesTheBufferUntouched) {
    std::array<char, 8> buffer;
    buffer.fill('#');
    std::uint32_t size = 3;
    EXPECT_EQ(copy_variable("a=1", buffer.data(), &size), copy_status::insufficient_buffer);
    EXPECT_EQ(size, 4u);
    EXPECT_EQ(std::string(buffer.data(), buffer.size()), "########");
}

TEST(CopyVariable, ExactFitCopiesValueAndNul) {
    std::array<char, 5> buffer;
    buffer.fill('#');
    std::uint32_t size = 4;
    EXPECT_EQ(copy_variable("a=1", buffer.data(), &size), copy_status::ok);
    EXPECT_EQ(size, 4u);
    EXPECT_EQ(std::string(buffer.data(), 5), "a=1\0#"s);  // nothing written past the NUL
}

TEST(CopyVariable, LargeBufferReportsBytesCopiedIncludingNul) {
    std::array<char, 64> buffer{};
    std::uint32_t size = 64;
    EXPECT_EQ(copy_variable("hello", buffer.data(), &size), copy_status::ok);
    EXPECT_EQ(size, 6u);
    EXPECT_STREQ(buffer.data(), "hello");
}

TEST(CopyVariable, EmptyValueNeedsOneByte) {
    std::uint32_t size = 0;
    char c = '#';
    EXPECT_EQ(copy_variable("", &c, &size), copy_status::insufficient_buffer);
    EXPECT_EQ(size, 1u);
    EXPECT_EQ(c, '#');
    size = 1;
    EXPECT_EQ(copy_variable("", &c, &size), copy_status::ok);
    EXPECT_EQ(c, '\0');
    EXPECT_EQ(size, 1u);
}

TEST(CopyVariable, WideTerminatorIsTwoBytes) {
    std::array<char, 6> buffer;
    buffer.fill('#');
    std::uint32_t size = 3;
    EXPECT_EQ(copy_variable("ab", buffer.data(), &size, 2), copy_status::insufficient_buffer);
    EXPECT_EQ(size, 4u);
    size = 4;
    EXPECT_EQ(copy_variable("ab", buffer.data(), &size, 2), copy_status::ok);
    EXPECT_EQ(std::string(buffer.data(), 6), "ab\0\0##"s);
}

TEST(CopyVariable, NullSizePointerIsInvalidParameter) {
    char buffer[4];
    EXPECT_EQ(copy_variable("x", buffer, nullptr), copy_status::invalid_parameter);
}

TEST_F(ServerVariablesTest, CopyByNameFollowsTheProtocol) {
    const auto v = vars();
    std::uint32_t size = 0;
    EXPECT_EQ(v.copy("QUERY_STRING", nullptr, &size), copy_status::insufficient_buffer);
    EXPECT_EQ(size, 11u);
    std::vector<char> buffer(size);
    EXPECT_EQ(v.copy("QUERY_STRING", buffer.data(), &size), copy_status::ok);
    EXPECT_EQ(std::string(buffer.data()), "a=%2F1&b=2");
    EXPECT_EQ(size, 11u);
}

TEST_F(ServerVariablesTest, UnknownNamesAndAbsentHeadersAreInvalidIndex) {
    const auto v = vars();
    std::uint32_t size = 0;
    EXPECT_EQ(v.copy("NO_SUCH_VAR", nullptr, &size), copy_status::invalid_index);
    EXPECT_EQ(v.copy("HTTP_X_ABSENT", nullptr, &size), copy_status::invalid_index);
    EXPECT_EQ(v.copy("HEADER_X-Absent", nullptr, &size), copy_status::invalid_index);
    EXPECT_EQ(v.copy("HTTP_", nullptr, &size), copy_status::invalid_index);
    EXPECT_EQ(v.copy("", nullptr, &size), copy_status::invalid_index);
}

TEST_F(ServerVariablesTest, NullNameOrSizeIsInvalidParameter) {
    std::uint32_t size = 0;
    EXPECT_EQ(vars().copy(nullptr, nullptr, &size), copy_status::invalid_parameter);
    EXPECT_EQ(vars().copy("URL", nullptr, nullptr), copy_status::invalid_parameter);
}

class UnicodeVariablesTest : public ServerVariablesTest {
protected:
    UnicodeVariablesTest() : ServerVariablesTest({{"QUERY_STRING", "a=1"}, {"HTTP_ACCEPT", "x"}}) {}
};

TEST_F(UnicodeVariablesTest, UnicodeFormIsUtf16WithByteSizes) {
    std::array<char, 32> buffer;
    buffer.fill('#');
    std::uint32_t size = buffer.size();
    ASSERT_EQ(vars().copy("UNICODE_QUERY_STRING", buffer.data(), &size), copy_status::ok);
    EXPECT_EQ(size, 8u);
    EXPECT_EQ(std::string(buffer.data(), 9), "a\0=\0001\0\0\0#"s);
}

TEST_F(UnicodeVariablesTest, UnicodeIsNotValidWithHeaderNames) {
    std::uint32_t size = 0;
    EXPECT_EQ(vars().copy("UNICODE_HTTP_ACCEPT", nullptr, &size), copy_status::invalid_index);
    EXPECT_EQ(vars().copy("UNICODE_HEADER_Accept", nullptr, &size), copy_status::invalid_index);
    EXPECT_EQ(vars().copy("UNICODE_NO_SUCH", nullptr, &size), copy_status::invalid_index);
    EXPECT_FALSE(vars().find("UNICODE_QUERY_STRING"));
}

TEST(Utf16, ConvertsUtf8IncludingSurrogatePairs) {
    EXPECT_EQ(to_utf16le("A\xC3\xA9"), "A\0\xE9\0"s);
    EXPECT_EQ(to_utf16le("\xF0\x9F\x98\x80"), "\x3D\xD8\x00\xDE"s);  // U+1F600
    EXPECT_EQ(to_utf16le("\xFF" "a"), "\xFD\xFF" "a\0"s);              // invalid -> U+FFFD
    EXPECT_EQ(to_utf16le("\xC0\x80"), "\xFD\xFF\xFD\xFF"s);            // overlong
    EXPECT_EQ(to_utf16le("\xE2\x82"), "\xFD\xFF\xFD\xFF"s);            // truncated
}

// --- The catalogue ---

TEST_F(ServerVariablesTest, NamesAreCaseInsensitive) {
    EXPECT_EQ(get("query_string"), "a=%2F1&b=2");
    EXPECT_EQ(get("Request_Method"), "GET");
    EXPECT_EQ(get("http_x_foo"), "1");
}

TEST_F(ServerVariablesTest, CgiVariables) {
    EXPECT_EQ(get("REQUEST_METHOD"), "GET");
    EXPECT_EQ(get("QUERY_STRING"), "a=%2F1&b=2");  // still encoded
    EXPECT_EQ(get("CONTENT_TYPE"), "");
    EXPECT_EQ(get("SCRIPT_NAME"), "/Scripts/App.dll");
    EXPECT_EQ(get("PATH_INFO"), "/a/b");
    EXPECT_EQ(get("URL"), "/Scripts/App.dll/a/b");
    EXPECT_EQ(get("REMOTE_ADDR"), "127.0.0.1");
    EXPECT_EQ(get("REMOTE_PORT"), "51234");
    EXPECT_EQ(get("SERVER_NAME"), "localhost");
    EXPECT_EQ(get("SERVER_PORT"), "8080");
    EXPECT_EQ(get("SERVER_PROTOCOL"), "HTTP/1.1");
    EXPECT_EQ(get("SERVER_SOFTWARE"), "nginx/1.22.1");
    EXPECT_EQ(get("GATEWAY_INTERFACE"), "CGI/1.1");
    EXPECT_EQ(get("LOCAL_ADDR"), "127.0.0.1");
}

TEST_F(ServerVariablesTest, EmptyContentLengthReadsZeroUnlessTheBodyIsStreamed) {
    EXPECT_EQ(get("CONTENT_LENGTH"), "0");
    EXPECT_EQ(vars(true).find("CONTENT_LENGTH"), "");
}

TEST(ServerVariables, ContentLengthAsSent) {
    const auto params = make_params({{"CONTENT_LENGTH", "12"}, {"CONTENT_TYPE", "text/plain"}});
    const url_match match;
    const server_variables_config config;
    const server_variables vars(params, match, config);
    EXPECT_EQ(vars.find("CONTENT_LENGTH"), "12");
    EXPECT_EQ(vars.find("CONTENT_TYPE"), "text/plain");
    EXPECT_EQ(vars.content_type(), "text/plain");
}

TEST_F(ServerVariablesTest, AnonymousRequestsGetEmptyUserAndAuthVariables) {
    for (const char* name : {"REMOTE_USER", "AUTH_USER", "LOGON_USER", "UNMAPPED_REMOTE_USER",
                             "AUTH_TYPE", "AUTH_PASSWORD", "CERT_SUBJECT", "CERT_ISSUER",
                             "CERT_FLAGS", "CERT_COOKIE", "CERT_SERIALNUMBER", "CERT_KEYSIZE",
                             "CERT_SECRETKEYSIZE", "HTTPS_KEYSIZE", "HTTPS_SERVER_SUBJECT"}) {
        EXPECT_EQ(get(name), "") << name;
    }
}

TEST(ServerVariables, AuthenticatedBasicUser) {
    const auto params = make_params(
        {{"REMOTE_USER", "bob"}, {"HTTP_AUTHORIZATION", "Basic Ym9iOnMzY3I6dA=="}});
    const url_match match;
    const server_variables_config config;
    const server_variables vars(params, match, config);
    EXPECT_EQ(vars.find("REMOTE_USER"), "bob");
    EXPECT_EQ(vars.find("AUTH_USER"), "bob");
    EXPECT_EQ(vars.find("AUTH_TYPE"), "Basic");
    EXPECT_EQ(vars.find("AUTH_PASSWORD"), "s3cr:t");  // only the first ':' separates
}

TEST(ServerVariables, AuthTypeFromTheFrontEndWins) {
    const auto params = make_params({{"REMOTE_USER", "bob"}, {"AUTH_TYPE", "Negotiate"},
                                     {"HTTP_AUTHORIZATION", "Basic Ym9iOng="}});
    const url_match match;
    const server_variables_config config;
    EXPECT_EQ(server_variables(params, match, config).find("AUTH_TYPE"), "Negotiate");
}

TEST(ServerVariables, ClientCertificateVariablesFromModSslParams) {
    const auto params = make_params({{"HTTPS", "on"},
                                     {"SSL_CLIENT_VERIFY", "SUCCESS"},
                                     {"SSL_CLIENT_S_DN", "CN=client"},
                                     {"SSL_CLIENT_I_DN", "CN=ca"},
                                     {"SSL_CIPHER_USEKEYSIZE", "256"}});
    const url_match match;
    const server_variables_config config;
    const server_variables vars(params, match, config);
    EXPECT_EQ(vars.find("CERT_FLAGS"), "1");
    EXPECT_EQ(vars.find("CERT_SUBJECT"), "CN=client");
    EXPECT_EQ(vars.find("CERT_ISSUER"), "CN=ca");
    EXPECT_EQ(vars.find("HTTPS_KEYSIZE"), "256");
    EXPECT_EQ(vars.find("HTTPS"), "on");
    EXPECT_EQ(vars.find("SERVER_PORT_SECURE"), "1");
}

TEST_F(ServerVariablesTest, HttpsIsOffWithoutTls) {
    EXPECT_EQ(get("HTTPS"), "off");
    EXPECT_EQ(get("SERVER_PORT_SECURE"), "0");
}

TEST_F(ServerVariablesTest, RemoteHostFallsBackToTheAddress) {
    EXPECT_EQ(get("REMOTE_HOST"), "127.0.0.1");
}

TEST_F(ServerVariablesTest, PathsUnderTheConfiguredRoot) {
    EXPECT_EQ(get("PATH_TRANSLATED"), "/srv/www/a/b");
    EXPECT_EQ(vars().path_translated(), "/srv/www/a/b");
    EXPECT_EQ(get("APPL_PHYSICAL_PATH"), "/srv/www/");
    EXPECT_EQ(get("DOCUMENT_ROOT"), "/srv/www");
    EXPECT_EQ(get("SCRIPT_TRANSLATED"), "/usr/share/nginx/html/Scripts/App.dll");  // as sent
}

TEST_F(ServerVariablesTest, WithoutAConfiguredRootTheFrontEndsRootIsUsed) {
    config_.document_root.clear();
    EXPECT_EQ(get("PATH_TRANSLATED"), "/usr/share/nginx/html/a/b");
    EXPECT_EQ(get("APPL_PHYSICAL_PATH"), "/usr/share/nginx/html/");
}

TEST(ServerVariables, WithoutAnyRootPathTranslatedIsTheFrontEndsOrEmpty) {
    const url_match match = app_match();
    const server_variables_config config;
    const auto none = make_params({});
    EXPECT_EQ(server_variables(none, match, config).find("PATH_TRANSLATED"), "");
    EXPECT_EQ(server_variables(none, match, config).find("APPL_PHYSICAL_PATH"), "");
    const auto sent = make_params({{"PATH_TRANSLATED", "/var/www/a/b"}});
    EXPECT_EQ(server_variables(sent, match, config).find("PATH_TRANSLATED"), "/var/www/a/b");
}

TEST_F(ServerVariablesTest, PathTranslatedIsEmptyWhenPathInfoWouldEscape) {
    match_.path_info = "/../../etc/passwd";  // url_map never produces this; the mapping still holds
    EXPECT_EQ(get("PATH_TRANSLATED"), "");
}

TEST_F(ServerVariablesTest, IisNamesForTheRawRequest) {
    EXPECT_EQ(get("HTTP_URL"), "/Scripts/App.dll/a/b?a=%2F1&b=2");
    EXPECT_EQ(get("UNENCODED_URL"), "/Scripts/App.dll/a/b?a=%2F1&b=2");
    EXPECT_EQ(get("HTTP_METHOD"), "GET");
    EXPECT_EQ(get("HTTP_VERSION"), "HTTP/1.1");
    EXPECT_EQ(get("URL_PATH_INFO"), "/a/b");
    EXPECT_EQ(get("INSTANCE_ID"), "1");
    EXPECT_EQ(get("INSTANCE_META_PATH"), "/LM/W3SVC/1");
    EXPECT_EQ(get("APPL_MD_PATH"), "/LM/W3SVC/1/ROOT");
}

TEST(ServerVariables, HttpUrlIsRebuiltWithoutRequestUri) {
    const auto params = make_params({{"QUERY_STRING", "x=%41"}});
    const url_match match = app_match();
    const server_variables_config config;
    EXPECT_EQ(server_variables(params, match, config).find("HTTP_URL"), "/Scripts/App.dll/a/b?x=%41");
}

TEST_F(ServerVariablesTest, ServerSoftwareOverride) {
    config_.server_software = "Microsoft-IIS/6.0";
    EXPECT_EQ(get("SERVER_SOFTWARE"), "Microsoft-IIS/6.0");
}

TEST(ServerVariables, DefaultsWhenTheFrontEndSendsLittle) {
    const auto params = make_params({{"HTTP_HOST", "example.com:8080"}});
    const url_match match;
    const server_variables_config config;
    const server_variables vars(params, match, config);
    EXPECT_EQ(vars.find("SERVER_SOFTWARE"), "isapi-fcgi");
    EXPECT_EQ(vars.find("GATEWAY_INTERFACE"), "CGI/1.1");
    EXPECT_EQ(vars.find("SERVER_PROTOCOL"), "HTTP/1.1");
    EXPECT_EQ(vars.find("SERVER_NAME"), "example.com");
    EXPECT_EQ(vars.find("REQUEST_METHOD"), "");
    EXPECT_EQ(vars.find("QUERY_STRING"), "");
    const auto v6 = make_params({{"HTTP_HOST", "[::1]:8080"}});
    EXPECT_EQ(server_variables(v6, match, config).find("SERVER_NAME"), "[::1]");
}

// The classic IIS names real code expects to exist (ISAPI.md appendix 4).
TEST_F(ServerVariablesTest, EveryClassicNameIsKnown) {
    for (const char* name :
         {"ALL_HTTP", "ALL_RAW", "APPL_MD_PATH", "APPL_PHYSICAL_PATH", "AUTH_PASSWORD",
          "AUTH_TYPE", "AUTH_USER", "CERT_COOKIE", "CERT_FLAGS", "CERT_ISSUER", "CERT_KEYSIZE",
          "CERT_SECRETKEYSIZE", "CERT_SERIALNUMBER", "CERT_SERVER_ISSUER", "CERT_SERVER_SUBJECT",
          "CERT_SUBJECT", "CONTENT_LENGTH", "CONTENT_TYPE", "GATEWAY_INTERFACE", "HTTPS",
          "HTTPS_KEYSIZE", "HTTPS_SECRETKEYSIZE", "HTTPS_SERVER_ISSUER", "HTTPS_SERVER_SUBJECT",
          "INSTANCE_ID", "INSTANCE_META_PATH", "LOCAL_ADDR", "LOGON_USER", "PATH_INFO",
          "PATH_TRANSLATED", "QUERY_STRING", "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_PORT",
          "REMOTE_USER", "REQUEST_METHOD", "SCRIPT_NAME", "SERVER_NAME", "SERVER_PORT",
          "SERVER_PORT_SECURE", "SERVER_PROTOCOL", "SERVER_SOFTWARE", "URL", "HTTP_URL",
          "HTTP_METHOD", "HTTP_VERSION", "UNENCODED_URL", "APP_POOL_ID", "SCRIPT_TRANSLATED",
          "UNMAPPED_REMOTE_USER", "URL_PATH_INFO", "DOCUMENT_ROOT"}) {
        EXPECT_TRUE(vars().find(name).has_value()) << name;
    }
}

TEST_F(ServerVariablesTest, OtherParamsAreAnsweredByName) {
    EXPECT_EQ(get("SCRIPT_FILENAME"), "/usr/share/nginx/html/Scripts/App.dll");
    EXPECT_EQ(get("script_filename"), "/usr/share/nginx/html/Scripts/App.dll");
    EXPECT_EQ(get("REQUEST_URI"), "/Scripts/App.dll/a/b?a=%2F1&b=2");
    EXPECT_EQ(get("DOCUMENT_URI"), "/Scripts/App.dll/a/b");
    EXPECT_FALSE(vars().find("FOO"));
}

// --- Headers ---

TEST_F(ServerVariablesTest, HttpNamesReadHeadersAsReceived) {
    EXPECT_EQ(get("HTTP_X_FOO"), "1");
    EXPECT_EQ(get("HTTP_X-FOO"), "1");  // a dash is accepted for '_'
    EXPECT_EQ(get("HTTP_ACCEPT"), "a, b");
    EXPECT_EQ(get("HTTP_COOKIE"), "x=1; y=2");
    EXPECT_EQ(get("HTTP_USER_AGENT"), "curl/7.88.1");
}

TEST_F(ServerVariablesTest, HeaderNamesAreLiteralAndCaseInsensitive) {
    EXPECT_EQ(get("HEADER_X-Foo"), "1");
    EXPECT_EQ(get("HEADER_x-foo"), "1");
    EXPECT_EQ(get("header_User-Agent"), "curl/7.88.1");
    EXPECT_EQ(get("HEADER_Accept"), "a, b");
    // IIS: HEADER_X_FOO means a header literally named X_FOO, which front ends never pass.
    EXPECT_FALSE(vars().find("HEADER_X_FOO"));
    EXPECT_FALSE(vars().find("HEADER_"));
    EXPECT_FALSE(vars().find("HEADER_X Foo"));
}

TEST(ServerVariables, ContentHeadersMovedOutByApacheAreStillHeaders) {
    const auto params = make_params({{"CONTENT_TYPE", "text/plain"}, {"CONTENT_LENGTH", "3"}});
    const url_match match;
    const server_variables_config config;
    const server_variables vars(params, match, config);
    EXPECT_EQ(vars.find("HTTP_CONTENT_TYPE"), "text/plain");
    EXPECT_EQ(vars.find("HEADER_Content-Length"), "3");
}

TEST_F(ServerVariablesTest, AllHttpIsIisFormatWithLf) {
    EXPECT_EQ(get("ALL_HTTP"),
              "HTTP_HOST:localhost:8080\n"
              "HTTP_USER_AGENT:curl/7.88.1\n"
              "HTTP_ACCEPT:a, b\n"
              "HTTP_X_FOO:1\n"
              "HTTP_COOKIE:x=1; y=2\n");
}

TEST_F(ServerVariablesTest, AllHttpWithCrlfWhenConfigured) {
    config_.all_http_crlf = true;
    EXPECT_EQ(get("ALL_HTTP"),
              "HTTP_HOST:localhost:8080\r\n"
              "HTTP_USER_AGENT:curl/7.88.1\r\n"
              "HTTP_ACCEPT:a, b\r\n"
              "HTTP_X_FOO:1\r\n"
              "HTTP_COOKIE:x=1; y=2\r\n");
}

TEST_F(ServerVariablesTest, AllRawRebuildsConventionalNames) {
    EXPECT_EQ(get("ALL_RAW"),
              "Host: localhost:8080\r\n"
              "User-Agent: curl/7.88.1\r\n"
              "Accept: a, b\r\n"
              "X-Foo: 1\r\n"
              "Cookie: x=1; y=2\r\n");
}

TEST_F(ServerVariablesTest, AllHttpCopiesWithItsNul) {
    const std::string all = get("ALL_HTTP");
    std::uint32_t size = 0;
    ASSERT_EQ(vars().copy("ALL_HTTP", nullptr, &size), copy_status::insufficient_buffer);
    ASSERT_EQ(size, all.size() + 1);
    std::vector<char> buffer(size, '#');
    ASSERT_EQ(vars().copy("ALL_HTTP", buffer.data(), &size), copy_status::ok);
    EXPECT_EQ(std::string(buffer.data(), buffer.size()), all + '\0');
}

TEST(ServerVariables, ContentHeadersAppearOnceInAllHttpAndAllRaw) {
    const url_match match;
    const server_variables_config config;
    // nginx: both the CGI variables and the HTTP_ copies.
    const auto nginx = make_params({{"CONTENT_TYPE", "text/plain"}, {"CONTENT_LENGTH", "3"},
                                    {"HTTP_CONTENT_TYPE", "text/plain"},
                                    {"HTTP_CONTENT_LENGTH", "3"}});
    const server_variables n(nginx, match, config);
    EXPECT_EQ(n.all_http(), "HTTP_CONTENT_TYPE:text/plain\nHTTP_CONTENT_LENGTH:3\n");
    EXPECT_EQ(n.all_raw(), "Content-Type: text/plain\r\nContent-Length: 3\r\n");
    // Apache: only the CGI variables.
    const auto apache = make_params({{"CONTENT_TYPE", "text/plain"}, {"CONTENT_LENGTH", "3"},
                                     {"HTTP_HOST", "h"}});
    const server_variables a(apache, match, config);
    EXPECT_EQ(a.all_http(), "HTTP_HOST:h\nHTTP_CONTENT_TYPE:text/plain\nHTTP_CONTENT_LENGTH:3\n");
    EXPECT_EQ(a.all_raw(), "Host: h\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n");
}

TEST(ServerVariables, LineBreaksInHeaderValuesCannotSplitLines) {
    const auto params = make_params({{"HTTP_X_EVIL", "a\r\nHTTP_INJECTED:1\0z"s}});
    const url_match match;
    const server_variables_config config;
    const server_variables vars(params, match, config);
    EXPECT_EQ(vars.all_http(), "HTTP_X_EVIL:a  HTTP_INJECTED:1 z\n");
    EXPECT_EQ(vars.all_raw(), "X-Evil: a  HTTP_INJECTED:1 z\r\n");
}

TEST(HeaderNames, TitleCaseWithIrregularSpellings) {
    EXPECT_EQ(header_name_from_param("HTTP_ACCEPT_LANGUAGE"), "Accept-Language");
    EXPECT_EQ(header_name_from_param("HTTP_X_FORWARDED_FOR"), "X-Forwarded-For");
    EXPECT_EQ(header_name_from_param("HTTP_HOST"), "Host");
    EXPECT_EQ(header_name_from_param("HTTP_DNT"), "DNT");
    EXPECT_EQ(header_name_from_param("HTTP_TE"), "TE");
    EXPECT_EQ(header_name_from_param("HTTP_WWW_AUTHENTICATE"), "WWW-Authenticate");
    EXPECT_EQ(header_name_from_param("HTTP_CONTENT_MD5"), "Content-MD5");
    EXPECT_EQ(header_name_from_param("HTTP_SOAPACTION"), "SOAPAction");
    EXPECT_EQ(header_name_from_param("HTTP_SEC_WEBSOCKET_KEY"), "Sec-WebSocket-Key");
}

TEST_F(ServerVariablesTest, EcbStrings) {
    const auto v = vars();
    EXPECT_EQ(v.method(), "GET");
    EXPECT_EQ(v.query_string(), "a=%2F1&b=2");
    EXPECT_EQ(v.content_type(), "");
    EXPECT_EQ(v.path_info(), "/a/b");
    EXPECT_EQ(v.document_root(), "/srv/www");
}

}  // namespace
}  // namespace isapi_fcgi::isapi
