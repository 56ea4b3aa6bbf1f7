#pragma once
// Base64 decoding (RFC 4648 §4) for the two places ISAPI needs it: the Basic credentials behind
// AUTH_PASSWORD and the PEM client certificate behind HSE_REQ_GET_CERT_INFO_EX. Hand-written
// rather than OpenSSL's: a dozen lines do it, and nothing here parses X.509.
#include <optional>
#include <string>
#include <string_view>

namespace isapi_fcgi::isapi {

/// Decodes `in`, skipping ASCII whitespace (PEM bodies are wrapped at 64 columns) and stopping at
/// the first '='. nullopt on any other character outside the alphabet.
std::optional<std::string> base64_decode(std::string_view in);

}  // namespace isapi_fcgi::isapi
