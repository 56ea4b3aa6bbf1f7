#pragma once
// One ISAPI extension: a shared object loaded with dlopen, its entry points, and its lifecycle
// as IIS runs it (DllMain attach, GetExtensionVersion once, TerminateExtension and DllMain
// detach before unloading).
//
// A load that fails (missing file, missing symbol, DllMain or GetExtensionVersion FALSE) leaves
// the extension *failed*: it is kept with the reason, every request to it answers 500, and the
// pool's other extensions serve on. Only a `required` extension turns the failure into a
// start-up error.
#include <string>

#include <isapi/httpext.h>

#include "isapi/pool_options.hpp"

namespace isapi_fcgi::isapi {

class extension_library {
public:
    /// Loads the library (RTLD_NOW | RTLD_LOCAL: two extensions may define the same globals),
    /// resolves the entry points, calls DllMain(DLL_PROCESS_ATTACH) and GetExtensionVersion.
    /// A failure is logged once (one line naming the file and the symbol or reason) and kept as
    /// load_error(); when the extension is `required` it throws std::runtime_error instead.
    explicit extension_library(const extension_options& options);
    /// An extension not loaded at all (e.g. it crashed a worker while loading): failed with
    /// `reason`, nothing is opened.
    extension_library(const extension_options& options, std::string reason);
    /// A `runtime: wine` extension: its DLL runs in a Windows worker (wine::wine_extension), so
    /// nothing is loaded here and nothing is logged; requests never reach call().
    struct runs_under_wine {};
    extension_library(const extension_options& options, runs_under_wine);
    /// TerminateExtension(HSE_TERM_MUST_UNLOAD), DllMain(DLL_PROCESS_DETACH), dlclose.
    ~extension_library();
    extension_library(const extension_library&) = delete;
    extension_library& operator=(const extension_library&) = delete;

    const std::string& name() const noexcept { return name_; }
    /// False when the load failed: every request then gets a 500, as in IIS.
    bool usable() const noexcept { return usable_; }
    /// Why the load failed ("" when usable).
    const std::string& load_error() const noexcept { return load_error_; }
    DWORD call(EXTENSION_CONTROL_BLOCK* ecb) const { return proc_(ecb); }

private:
    void fail(const extension_options& options, std::string reason);

    std::string name_;
    void* handle_ = nullptr;
    bool attached_ = false;
    PFN_HTTPEXTENSIONPROC proc_ = nullptr;
    PFN_TERMINATEEXTENSION terminate_ = nullptr;
    BOOL(WINAPI* dll_main_)(HANDLE, DWORD, LPVOID) = nullptr;
    bool usable_ = false;
    std::string load_error_;
};

}  // namespace isapi_fcgi::isapi
