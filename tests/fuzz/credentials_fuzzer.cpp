// libFuzzer driver for the decoders behind credentials a front end forwards: base64_decode (the
// Basic Authorization header behind AUTH_PASSWORD) and client_certificate_der (SSL_CLIENT_CERT,
// percent-escaped or plain PEM, behind HSE_REQ_GET_CERT_INFO_EX), with client_certificate_flags.
//
// Input layout: [0] mode (bit 0: the rest is payload, base64-encoded here and wrapped in a PEM
// with line breaks every 64 columns, escaped as nginx's $ssl_client_escaped_cert when bit 1 is
// set; decoding must give it back), then the text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "isapi/base64.hpp"
#include "isapi/client_certificate.hpp"

using isapi_fcgi::fuzz::check;
namespace isapi = isapi_fcgi::isapi;

namespace {

std::string base64_encode(std::string_view in) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < in.size(); i += 3) {
        std::uint32_t v = static_cast<unsigned char>(in[i]) << 16;
        if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
        if (i + 2 < in.size()) v |= static_cast<unsigned char>(in[i + 2]);
        out += alphabet[v >> 18 & 63];
        out += alphabet[v >> 12 & 63];
        out += i + 1 < in.size() ? alphabet[v >> 6 & 63] : '=';
        out += i + 2 < in.size() ? alphabet[v & 63] : '=';
    }
    return out;
}

std::string pem_of(std::string_view der, bool escaped) {
    const std::string body = base64_encode(der);
    const std::string newline = escaped ? "%0A" : "\n";
    std::string pem = "-----BEGIN CERTIFICATE-----" + newline;
    for (std::size_t i = 0; i < body.size(); i += 64) pem += body.substr(i, 64) + newline;
    pem += "-----END CERTIFICATE-----" + newline;
    if (escaped) {
        std::string out;
        for (char c : pem) out += c == '+' ? "%2B" : c == '/' ? "%2F" : c == '=' ? "%3D" : std::string(1, c);
        return out;
    }
    return pem;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::uint8_t mode = data[0];
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

    if (mode & 1) {
        const auto decoded = isapi::base64_decode(base64_encode(text));
        check(decoded && *decoded == text, "base64 does not round-trip");
        if (!text.empty()) {
            const auto der = isapi::client_certificate_der(pem_of(text, mode & 2));
            check(der && *der == text, "a PEM certificate does not decode to its bytes");
        }
        return 0;
    }
    if (const auto decoded = isapi::base64_decode(text)) {
        check(decoded->size() <= text.size() * 3 / 4 + 3, "base64 decoded to more than it could");
    }
    const auto der = isapi::client_certificate_der(text);
    if (der) check(der->size() <= text.size(), "a certificate larger than its PEM");
    const std::uint32_t flags = isapi::client_certificate_flags(text, der.has_value());
    check((flags & ~3u) == 0, "certificate flags beyond bits 0 and 1");
    check(((flags & 1) != 0) == der.has_value(), "bit 0 does not say whether a certificate is present");
    return 0;
}
