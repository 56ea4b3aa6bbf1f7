#pragma once
// One error code per protocol violation and per limit, in the "fcgi" category.
#include <system_error>

namespace isapi_fcgi::fcgi {

enum class errc {
    bad_version = 1,           ///< record version byte is not 1
    bad_record_length,         ///< a discrete record whose content length its type forbids
    management_with_request_id,///< GET_VALUES etc. with a request id other than 0
    application_without_id,    ///< BEGIN_REQUEST/PARAMS/STDIN/ABORT with request id 0
    duplicate_begin_request,   ///< BEGIN_REQUEST for an id that is active on this connection
    name_value_truncated,      ///< a name-value length points past the end of its stream
    params_too_large,          ///< the PARAMS stream exceeds the configured maximum
    truncated_record,          ///< the peer closed in the middle of a record
    stdin_before_params_end,   ///< STDIN for a request whose PARAMS stream has not ended
};

const std::error_category& category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), category()};
}

}  // namespace isapi_fcgi::fcgi

template <>
struct std::is_error_code_enum<isapi_fcgi::fcgi::errc> : std::true_type {};
