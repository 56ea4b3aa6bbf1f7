#include "win32/unsupported_call.hpp"

#include <dlfcn.h>

#include <cstring>
#include <mutex>
#include <set>
#include <string>

namespace isapi_fcgi::win32 {

const char* module_name_of(const void* address, char* buffer, unsigned size) {
    Dl_info info{};
    const char* name = "?";
    if (::dladdr(address, &info) != 0 && info.dli_fname != nullptr) {
        name = info.dli_fname;
        if (const char* slash = std::strrchr(name, '/')) name = slash + 1;
    }
    if (size == 0) return "?";
    std::strncpy(buffer, name, size - 1);
    buffer[size - 1] = '\0';
    return buffer;
}

void report_unsupported(const char* function, const void* caller, const char* detail) {
    static std::mutex mutex;
    static auto* reported = new std::set<std::string>();  // "module\nfunction", never freed
    char module[256];
    module_name_of(caller, module, sizeof(module));
    {
        const std::lock_guard lock(mutex);
        if (!reported->insert(std::string(module) + '\n' + function).second) return;
    }
    isapi_log(ISAPI_LOG_WARN, "%s calls %s, which is not supported on Linux: %s (logged once "
                              "per extension)", module, function, detail);
}

}  // namespace isapi_fcgi::win32
