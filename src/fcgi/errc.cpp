#include "fcgi/errc.hpp"

#include <string>

namespace isapi_fcgi::fcgi {
namespace {

class fcgi_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "fcgi"; }

    std::string message(int value) const override {
        switch (static_cast<errc>(value)) {
        case errc::bad_version: return "record version is not 1";
        case errc::bad_record_length: return "record content length is invalid for its type";
        case errc::management_with_request_id: return "management record with a non-zero request id";
        case errc::application_without_id: return "application record with request id 0";
        case errc::duplicate_begin_request: return "BEGIN_REQUEST for an id that is already active";
        case errc::name_value_truncated: return "name-value length points past the end of the stream";
        case errc::params_too_large: return "PARAMS exceed the configured maximum";
        case errc::truncated_record: return "connection closed in the middle of a record";
        case errc::stdin_before_params_end: return "STDIN before the end of PARAMS";
        }
        return "unknown fcgi error";
    }
};

}  // namespace

const std::error_category& category() noexcept {
    static const fcgi_category instance;
    return instance;
}

}  // namespace isapi_fcgi::fcgi
