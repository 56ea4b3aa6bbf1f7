#include "isapi/client_certificate.hpp"

#include "isapi/base64.hpp"
#include "isapi/percent_decoding.hpp"

namespace isapi_fcgi::isapi {

std::optional<std::string> client_certificate_der(std::string_view pem_param) {
    std::string pem;
    if (pem_param.find('%') != std::string_view::npos) {
        if (!percent_decode(pem_param, pem)) return std::nullopt;
    } else {
        pem.assign(pem_param);
    }
    constexpr std::string_view begin = "-----BEGIN CERTIFICATE-----";
    constexpr std::string_view end = "-----END CERTIFICATE-----";
    const std::size_t first = pem.find(begin);
    if (first == std::string::npos) return std::nullopt;
    const std::size_t body = first + begin.size();
    const std::size_t last = pem.find(end, body);
    if (last == std::string::npos) return std::nullopt;
    auto der = base64_decode(std::string_view(pem).substr(body, last - body));
    if (!der || der->empty()) return std::nullopt;
    return der;
}

std::uint32_t client_certificate_flags(std::string_view verify, bool has_certificate) {
    if (!has_certificate) return 0;
    return verify == "SUCCESS" ? 1u : 3u;
}

}  // namespace isapi_fcgi::isapi
