#include "isapi/response_errc.hpp"

#include <string>

namespace isapi_fcgi::isapi {
namespace {

class response_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "isapi.response"; }

    std::string message(int value) const override {
        switch (static_cast<response_errc>(value)) {
        case response_errc::headers_already_sent: return "response headers were already sent";
        case response_errc::header_injection: return "header line carries a bare CR or a line break";
        case response_errc::malformed_header: return "malformed response header line";
        case response_errc::invalid_status: return "invalid response status";
        case response_errc::header_too_large: return "response header block is too large for the front end";
        case response_errc::bad_chunked_body: return "invalid chunked framing in the extension's body";
        case response_errc::response_failed: return "output after the response failed";
        }
        return "unknown isapi.response error";
    }
};

}  // namespace

const std::error_category& response_category() noexcept {
    static const response_category_impl instance;
    return instance;
}

}  // namespace isapi_fcgi::isapi
