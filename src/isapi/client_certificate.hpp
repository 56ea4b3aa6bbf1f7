#pragma once
// The client certificate a front end forwards as a FastCGI param, as the DER bytes
// HSE_REQ_GET_CERT_INFO_EX hands out. Pure.
//
// What the fronts send (FASTCGI.md §3, ISAPI.md §2.4 code 1015):
// - nginx: `fastcgi_param SSL_CLIENT_CERT $ssl_client_escaped_cert;` a URL-escaped PEM (the
//   newlines are %0A); the deprecated $ssl_client_cert is a PEM whose continuation lines start
//   with a tab.
// - Apache mod_proxy_fcgi with `SSLOptions +ExportCertData`: SSL_CLIENT_CERT as a plain PEM.
// All three decode the same way: percent-decode, take the text between the BEGIN and END lines,
// base64-decode ignoring whitespace.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace isapi_fcgi::isapi {

/// DER bytes of the first certificate in `pem_param`, or nullopt when it holds none (empty,
/// not a PEM certificate, bad base64).
std::optional<std::string> client_certificate_der(std::string_view pem_param);

/// CERT_CONTEXT_EX.dwCertificateFlags and CERT_FLAGS: bit 0 a certificate is present, bit 1
/// its issuer is not trusted, from the front end's verification result (nginx
/// $ssl_client_verify, Apache SSL_CLIENT_VERIFY: NONE, SUCCESS, FAILED:reason, GENEROUS).
std::uint32_t client_certificate_flags(std::string_view verify, bool has_certificate);

}  // namespace isapi_fcgi::isapi
