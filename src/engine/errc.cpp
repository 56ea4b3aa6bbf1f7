#include "engine/errc.hpp"

#include <string>

namespace isapi_fcgi::engine {
namespace {

class engine_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "engine"; }
    std::string message(int value) const override {
        switch (static_cast<errc>(value)) {
        case errc::request_aborted: return "request aborted by the web server";
        case errc::request_ended: return "request already ended";
        case errc::read_in_progress: return "a read of the request body is already pending";
        case errc::connection_closed: return "connection closed";
        case errc::read_cancelled: return "the pending read of the request body was cancelled";
        }
        return "unknown engine error";
    }
};

}  // namespace

const std::error_category& category() noexcept {
    static const engine_category instance;
    return instance;
}

}  // namespace isapi_fcgi::engine
