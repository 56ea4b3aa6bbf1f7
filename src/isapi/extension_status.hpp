#pragma once
// HttpExtensionProc's (or DONE_WITH_SESSION's) status as an outcome, for the request's end and
// its log lines.
#include <cstdint>
#include <string_view>

#include <isapi/httpext.h>

namespace isapi_fcgi::isapi {

inline std::string_view status_name(std::uint32_t status) {
    switch (status) {
    case HSE_STATUS_SUCCESS: return "HSE_STATUS_SUCCESS";
    case HSE_STATUS_SUCCESS_AND_KEEP_CONN: return "HSE_STATUS_SUCCESS_AND_KEEP_CONN";
    case HSE_STATUS_PENDING: return "HSE_STATUS_PENDING";
    case HSE_STATUS_ERROR: return "HSE_STATUS_ERROR";
    default: return "an undefined status";
    }
}

/// 0 counts as success, as mod_isapi and IIS accept it; anything undefined counts as
/// HSE_STATUS_ERROR.
inline bool is_error_status(std::uint32_t status) {
    return status != 0 && status != HSE_STATUS_SUCCESS && status != HSE_STATUS_SUCCESS_AND_KEEP_CONN &&
           status != HSE_STATUS_PENDING;
}

}  // namespace isapi_fcgi::isapi
