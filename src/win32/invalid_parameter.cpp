#include "win32/invalid_parameter.hpp"

#include <atomic>
#include <string>

#include <isapi/win32/isapi_crt.h>

#include "win32/unicode.hpp"

namespace isapi_fcgi::win32 {
namespace {

std::atomic<_invalid_parameter_handler> installed{nullptr};

}  // namespace

void invalid_parameter(const char* function, const char* what) {
    const _invalid_parameter_handler handler = installed.load();
    if (handler == nullptr) {
        isapi_log(ISAPI_LOG_WARN, "%s: invalid parameter: %s (the call fails; MSVC would end the "
                                  "process here)", function, what);
        return;
    }
    // MSVC's release CRT passes NULLs for everything but the handler's existence.
    handler(nullptr, nullptr, nullptr, 0, 0);
}

}  // namespace isapi_fcgi::win32

extern "C" _invalid_parameter_handler _set_invalid_parameter_handler(
    _invalid_parameter_handler handler) {
    return isapi_fcgi::win32::installed.exchange(handler);
}
