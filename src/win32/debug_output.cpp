// OutputDebugString: a debug-level line in the sidecar's log (through the runtime's log hook),
// tagged with the file name of the module that called it, without the trailing newline that
// debug strings usually carry.
#include <dlfcn.h>

#include <cstring>
#include <string>

#include <isapi/win32/windows.h>

extern "C" VOID WINAPI OutputDebugStringA(LPCSTR lpOutputString) {
    if (lpOutputString == nullptr || !isapi_log_enabled(ISAPI_LOG_DEBUG)) return;
    std::size_t length = std::strlen(lpOutputString);
    while (length > 0 && (lpOutputString[length - 1] == '\n' || lpOutputString[length - 1] == '\r')) {
        --length;
    }
    Dl_info info{};
    std::string module = "?";
    if (::dladdr(__builtin_return_address(0), &info) != 0 && info.dli_fname != nullptr) {
        module = info.dli_fname;
        const auto slash = module.find_last_of('/');
        if (slash != std::string::npos) module.erase(0, slash + 1);
    }
    isapi_log(ISAPI_LOG_DEBUG, "OutputDebugString [%s]: %.*s", module.c_str(),
              static_cast<int>(length), lpOutputString);
}
