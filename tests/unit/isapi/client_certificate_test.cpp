#include "isapi/client_certificate.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include "isapi/base64.hpp"
#include "isapi/normalize_url.hpp"

namespace isapi_fcgi::isapi {
namespace {

TEST(Base64, DecodesSkippingWhitespaceAndRefusesOtherBytes) {
    EXPECT_EQ(base64_decode("aGVs\nbG8=").value_or("?"), "hello");
    EXPECT_EQ(base64_decode("").value_or("?"), "");
    EXPECT_FALSE(base64_decode("aGV*bG8="));
}

TEST(ClientCertificate, EveryFrontEndSpellingDecodesToTheSameDer) {
    const std::string pem = "-----BEGIN CERTIFICATE-----\nAAEC\nAwQ=\n-----END CERTIFICATE-----\n";
    const std::string der("\x00\x01\x02\x03\x04", 5);
    EXPECT_EQ(client_certificate_der(pem).value_or("?"), der);  // Apache +ExportCertData
    EXPECT_EQ(client_certificate_der("-----BEGIN%20CERTIFICATE-----%0AAAEC%0AAwQ%3D%0A-----END%20CERTIFICATE-----%0A")
                  .value_or("?"),
              der);  // nginx $ssl_client_escaped_cert
    EXPECT_EQ(client_certificate_der("-----BEGIN CERTIFICATE-----\n\tAAEC\n\tAwQ=\n\t-----END CERTIFICATE-----")
                  .value_or("?"),
              der);  // nginx's deprecated $ssl_client_cert
    EXPECT_FALSE(client_certificate_der(""));
    EXPECT_FALSE(client_certificate_der("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----"));
    EXPECT_FALSE(client_certificate_der("-----BEGIN CERTIFICATE-----\n*\n-----END CERTIFICATE-----"));
    EXPECT_FALSE(client_certificate_der("-----BEGIN CERTIFICATE-----\nAAEC"));
}

TEST(ClientCertificate, FlagsSayPresentAndUntrusted) {
    EXPECT_EQ(client_certificate_flags("SUCCESS", true), 1u);
    EXPECT_EQ(client_certificate_flags("FAILED:unknown CA", true), 3u);
    EXPECT_EQ(client_certificate_flags("NONE", false), 0u);
}

TEST(NormalizeUrl, DecodesResolvesAndKeepsTheQuery) {
    EXPECT_EQ(normalize_url("/a/./b/../c%20d").value_or("?"), "/a/c d");
    EXPECT_EQ(normalize_url("/a//b/").value_or("?"), "/a/b/");
    EXPECT_EQ(normalize_url("\\a\\b").value_or("?"), "/a/b");
    EXPECT_EQ(normalize_url("/a/..").value_or("?"), "/");
    EXPECT_EQ(normalize_url("/").value_or("?"), "/");
    EXPECT_EQ(normalize_url("/x/%2e%2e/y?q=%20").value_or("?"), "/y?q=%20");
    EXPECT_FALSE(normalize_url("/.."));
    EXPECT_FALSE(normalize_url("a/b"));
    EXPECT_FALSE(normalize_url(""));
    EXPECT_FALSE(normalize_url("/a%00"));
    EXPECT_FALSE(normalize_url("/a%zz"));
}

}  // namespace
}  // namespace isapi_fcgi::isapi
