#include "win32/invalid_parameter.hpp"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include <isapi/isapi_runtime.h>
#include <isapi/win32/isapi_crt.h>

#include "win32/unicode.hpp"

namespace isapi_fcgi::win32 {
namespace {

std::atomic<_invalid_parameter_handler> installed{nullptr};

/// One line per extension and function at most this often; the lines between are counted.
constexpr std::chrono::seconds throttle_interval{60};
/// Distinct (extension, function) pairs remembered; beyond, every violation is logged.
constexpr std::size_t max_throttled = 1024;

struct throttle_entry {
    std::chrono::steady_clock::time_point last_logged;
    unsigned long suppressed = 0;
};

// nullopt: stay quiet; else the number of violations suppressed since the last line.
std::optional<unsigned long> may_log(const std::string& extension, const char* function) {
    static std::mutex mutex;
    static auto* entries = new std::map<std::pair<std::string, std::string>, throttle_entry>();
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex);
    auto key = std::make_pair(extension, std::string(function));
    auto found = entries->find(key);
    if (found == entries->end()) {
        if (entries->size() < max_throttled) entries->emplace(std::move(key), throttle_entry{now, 0});
        return 0UL;
    }
    if (now - found->second.last_logged < throttle_interval) {
        ++found->second.suppressed;
        return std::nullopt;
    }
    found->second.last_logged = now;
    return std::exchange(found->second.suppressed, 0UL);
}

}  // namespace

void invalid_parameter(const char* function, const char* what) {
    const _invalid_parameter_handler handler = installed.load();
    if (handler != nullptr) {
        // MSVC's release CRT passes NULLs for everything but the handler's existence.
        handler(nullptr, nullptr, nullptr, 0, 0);
        return;
    }
    const char* extension = isapi_call_extension();
    const char* url = isapi_call_url();
    const std::string who = extension ? std::string("extension '") + extension + "' (" + (url ? url : "") + ")"
                                      : std::string("a thread outside any extension call");
    if (isapi_get_invalid_parameter_policy() == ISAPI_INVALID_PARAMETER_ABORT) {
        isapi_log(ISAPI_LOG_CRITICAL,
                  "%s: %s: invalid parameter: %s; ending the worker (secure_crt_invalid_parameter: abort, "
                  "as MSVC's CRT does)",
                  who.c_str(), function, what);
        std::abort();
    }
    const auto suppressed = may_log(extension ? extension : "", function);
    if (!suppressed) return;
    const std::string note =
        *suppressed ? " [" + std::to_string(*suppressed) + " more of these from this extension and function not logged]"
                    : std::string();
    isapi_log(ISAPI_LOG_WARN, "%s: %s: invalid parameter: %s (the call fails; MSVC would end the process here)%s",
              who.c_str(), function, what, note.c_str());
}

}  // namespace isapi_fcgi::win32

extern "C" _invalid_parameter_handler _set_invalid_parameter_handler(
    _invalid_parameter_handler handler) {
    return isapi_fcgi::win32::installed.exchange(handler);
}
