#pragma once
// One ISAPI extension: a shared object loaded with dlopen, its entry points, and its lifecycle
// as IIS runs it (DllMain attach, GetExtensionVersion once, TerminateExtension and DllMain
// detach before unloading).
#include <string>

#include <isapi/httpext.h>

#include "config/settings.hpp"

namespace isapi_fcgi::isapi {

class extension_library {
public:
    /// Loads the library (RTLD_NOW | RTLD_LOCAL: two extensions may define the same globals),
    /// resolves the entry points, calls DllMain(DLL_PROCESS_ATTACH) and GetExtensionVersion.
    /// Throws std::runtime_error naming the extension when it cannot be loaded, lacks an entry
    /// point, or is `required` and GetExtensionVersion fails.
    explicit extension_library(const config::extension_settings& settings);
    /// TerminateExtension(HSE_TERM_MUST_UNLOAD), DllMain(DLL_PROCESS_DETACH), dlclose.
    ~extension_library();
    extension_library(const extension_library&) = delete;
    extension_library& operator=(const extension_library&) = delete;

    const std::string& name() const noexcept { return name_; }
    /// False when GetExtensionVersion returned FALSE: every request then gets a 500, as in IIS.
    bool usable() const noexcept { return usable_; }
    DWORD call(EXTENSION_CONTROL_BLOCK* ecb) const { return proc_(ecb); }

private:
    std::string name_;
    void* handle_ = nullptr;
    PFN_HTTPEXTENSIONPROC proc_ = nullptr;
    PFN_TERMINATEEXTENSION terminate_ = nullptr;
    BOOL(WINAPI* dll_main_)(HANDLE, DWORD, LPVOID) = nullptr;
    bool usable_ = false;
};

}  // namespace isapi_fcgi::isapi
