#include "isapi/server_variable_catalogue.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "isapi/server_variables.hpp"
#include "params.hpp"

namespace isapi_fcgi::isapi {
namespace {

using test::make_params;

// The classic IIS names real extensions ask for (ISAPI.md appendix 4): every one is known, so none
// answers ERROR_INVALID_INDEX.
TEST(ServerVariableCatalogue, KnowsTheClassicIisNamesOnce) {
    std::set<std::string> names;
    for (const auto& v : server_variable_catalogue()) {
        EXPECT_TRUE(names.insert(std::string(v.name)).second) << v.name;
        EXPECT_FALSE(v.meaning.empty()) << v.name;
        EXPECT_FALSE(v.source.empty()) << v.name;
        EXPECT_NE(v.value, nullptr) << v.name;
    }
    for (const char* name :
         {"ALL_HTTP", "ALL_RAW", "APPL_MD_PATH", "APPL_PHYSICAL_PATH", "AUTH_PASSWORD", "AUTH_TYPE", "AUTH_USER",
          "CERT_COOKIE", "CERT_FLAGS", "CERT_ISSUER", "CERT_KEYSIZE", "CERT_SECRETKEYSIZE", "CERT_SERIALNUMBER",
          "CERT_SERVER_ISSUER", "CERT_SERVER_SUBJECT", "CERT_SUBJECT", "CONTENT_LENGTH", "CONTENT_TYPE",
          "GATEWAY_INTERFACE", "HTTPS", "HTTPS_KEYSIZE", "HTTPS_SECRETKEYSIZE", "HTTPS_SERVER_ISSUER",
          "HTTPS_SERVER_SUBJECT", "INSTANCE_ID", "INSTANCE_META_PATH", "LOCAL_ADDR", "LOGON_USER", "PATH_INFO",
          "PATH_TRANSLATED", "QUERY_STRING", "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_USER", "REQUEST_METHOD",
          "SCRIPT_NAME", "SERVER_NAME", "SERVER_PORT", "SERVER_PORT_SECURE", "SERVER_PROTOCOL", "SERVER_SOFTWARE",
          "URL", "APP_POOL_ID", "CACHE_URL", "HTTP_URL", "HTTP_VERSION", "HTTP_METHOD", "SCRIPT_TRANSLATED",
          "SSI_EXEC_DISABLED", "UNENCODED_URL", "UNMAPPED_REMOTE_USER", "INSTANCE_NAME", "DOCUMENT_ROOT"})
        EXPECT_NE(find_server_variable(name), nullptr) << name;
    EXPECT_EQ(find_server_variable("NO_SUCH_VAR"), nullptr);
}

class CatalogueValues : public ::testing::Test {
protected:
    std::string value(const fcgi::param_set& params, std::string_view name) const {
        const server_variables vars(params, match_, config_);
        return vars.find(name).value_or("<invalid index>");
    }
    url_match match_{0, "/scripts/app.dll", "/scripts/app.dll", "/x", true, false, ""};
    server_variables_config config_;
};

TEST_F(CatalogueValues, OverridesWinAndTheDerivedVariablesFollowThem) {
    const auto params = make_params({{"SERVER_SOFTWARE", "nginx/1.22.1"}});
    config_.overrides = {{"INSTANCE_ID", "3"}, {"SERVER_SOFTWARE", "Microsoft-IIS/6.0"}, {"CUSTOM_THING", "x"}};
    EXPECT_EQ(value(params, "INSTANCE_ID"), "3");
    EXPECT_EQ(value(params, "instance_meta_path"), "/LM/W3SVC/3");
    EXPECT_EQ(value(params, "APPL_MD_PATH"), "/LM/W3SVC/3/ROOT");
    EXPECT_EQ(value(params, "SERVER_SOFTWARE"), "Microsoft-IIS/6.0");
    EXPECT_EQ(value(params, "CUSTOM_THING"), "x");
    const server_variables vars(params, match_, config_);
    char buffer[64];
    std::uint32_t size = sizeof buffer;
    ASSERT_EQ(vars.copy("UNICODE_INSTANCE_ID", buffer, &size), copy_status::ok);
    EXPECT_EQ(size, 4u);  // "3" and a two-byte terminator
    config_.overrides.clear();
    EXPECT_EQ(value(params, "INSTANCE_META_PATH"), "/LM/W3SVC/1");
    EXPECT_EQ(value(params, "SERVER_SOFTWARE"), "nginx/1.22.1");
}

TEST_F(CatalogueValues, AllHttpEndsLinesInLfOrCrlf) {
    const auto params = make_params({{"HTTP_X_FOO", "1"}, {"HTTP_ACCEPT", "a"}});
    EXPECT_EQ(value(params, "ALL_HTTP"), "HTTP_X_FOO:1\nHTTP_ACCEPT:a\n");
    config_.all_http_crlf = true;
    EXPECT_EQ(value(params, "ALL_HTTP"), "HTTP_X_FOO:1\r\nHTTP_ACCEPT:a\r\n");
    EXPECT_EQ(value(params, "ALL_RAW"), "X-Foo: 1\r\nAccept: a\r\n");
}

TEST_F(CatalogueValues, CertificateVariablesComeInIisFormats) {
    const auto params = make_params({{"HTTPS", "on"},
                                     {"SSL_CLIENT_S_DN", "CN=probe client,O=Example\\, Inc.,C=US"},
                                     {"SSL_CLIENT_I_DN", "/C=US/O=CA/CN=root"},
                                     {"SSL_CLIENT_M_SERIAL", "66459AC4F"},
                                     {"SSL_CLIENT_VERIFY", "SUCCESS"},
                                     {"SSL_CIPHER", "ECDHE-RSA-AES256-GCM-SHA384"},
                                     {"SERVER_NAME", "h"},
                                     {"SERVER_PORT", "443"},
                                     {"REQUEST_URI", "/scripts/app.dll/x?q=1"}});
    EXPECT_EQ(value(params, "CERT_SUBJECT"), "C=US, O=Example\\, Inc., CN=probe client");
    EXPECT_EQ(value(params, "CERT_ISSUER"), "C=US, O=CA, CN=root");
    EXPECT_EQ(value(params, "CERT_SERIALNUMBER"), "06-64-59-ac-4f");
    EXPECT_EQ(value(params, "CERT_FLAGS"), "1");
    EXPECT_EQ(value(params, "CERT_KEYSIZE"), "256");
    EXPECT_EQ(value(params, "HTTPS_KEYSIZE"), "256");
    EXPECT_EQ(value(params, "SERVER_PORT_SECURE"), "1");
    EXPECT_EQ(value(params, "CACHE_URL"), "https://h:443/scripts/app.dll/x?q=1");
    // Plain HTTP: empty strings, not errors, as IIS answers anonymous requests.
    const auto plain = make_params({{"SERVER_PORT", "80"}});
    for (const char* name : {"CERT_SUBJECT", "CERT_ISSUER", "CERT_FLAGS", "CERT_COOKIE", "CERT_KEYSIZE",
                             "CERT_SERIALNUMBER", "HTTPS_SERVER_SUBJECT", "AUTH_PASSWORD", "LOGON_USER"})
        EXPECT_EQ(value(plain, name), "") << name;
    EXPECT_EQ(value(plain, "HTTPS"), "off");
}

TEST_F(CatalogueValues, BasicCredentialsOnlyForAnAuthenticatedUser) {
    // "user:pa:ss"
    const auto auth = make_params({{"HTTP_AUTHORIZATION", "Basic dXNlcjpwYTpzcw=="}, {"REMOTE_USER", "user"}});
    EXPECT_EQ(value(auth, "AUTH_PASSWORD"), "pa:ss");
    EXPECT_EQ(value(auth, "AUTH_TYPE"), "Basic");
    EXPECT_EQ(value(auth, "AUTH_USER"), "user");
    EXPECT_EQ(value(auth, "LOGON_USER"), "user");
    const auto anonymous = make_params({{"HTTP_AUTHORIZATION", "Basic dXNlcjpwYTpzcw=="}});
    EXPECT_EQ(value(anonymous, "AUTH_PASSWORD"), "");
}

TEST_F(CatalogueValues, ServerNameNeverCarriesAPort) {
    EXPECT_EQ(value(make_params({{"SERVER_NAME", "example.test:8080"}}), "SERVER_NAME"), "example.test");
    EXPECT_EQ(value(make_params({{"SERVER_NAME", "[::1]:8080"}}), "SERVER_NAME"), "[::1]");
    EXPECT_EQ(value(make_params({{"SERVER_NAME", "[::1]"}}), "SERVER_NAME"), "[::1]");
    EXPECT_EQ(value(make_params({{"HTTP_HOST", "example.test:81"}}), "SERVER_NAME"), "example.test");
    EXPECT_EQ(value(make_params({{"SERVER_NAME", "h:81"}, {"SERVER_PORT", "81"}, {"REQUEST_URI", "/a"}}),
                    "CACHE_URL"),
              "http://h:81/a");
}

TEST_F(CatalogueValues, ScriptTranslatedIgnoresAScriptFilenameThatIsNoPath) {
    config_.document_root = "/srv/www";
    EXPECT_EQ(value(make_params({{"SCRIPT_FILENAME", "/srv/other/app.dll"}}), "SCRIPT_TRANSLATED"),
              "/srv/other/app.dll");
    // Apache's ProxyPass form, when the ProxyFCGISetEnvIf of conf/apache is left out.
    EXPECT_EQ(value(make_params({{"SCRIPT_FILENAME", "proxy:fcgi://127.0.0.1:9000/scripts/app.dll"}}),
                    "SCRIPT_TRANSLATED"),
              "/srv/www/scripts/app.dll");
}

}  // namespace
}  // namespace isapi_fcgi::isapi
