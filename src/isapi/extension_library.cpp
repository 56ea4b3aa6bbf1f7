#include "isapi/extension_library.hpp"

#include <dlfcn.h>

#include <stdexcept>

#include <fmt/format.h>
#include <isapi/isapi_runtime.h>
#include <spdlog/spdlog.h>

#include "engine/log_text.hpp"

namespace isapi_fcgi::isapi {
namespace {

template <typename Function>
Function symbol(void* handle, const char* name) {
    return reinterpret_cast<Function>(::dlsym(handle, name));
}

}  // namespace

extension_library::extension_library(const config::extension_settings& settings) : name_(settings.name) {
    handle_ = ::dlopen(settings.path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_) {
        const char* why = ::dlerror();
        throw std::runtime_error(fmt::format("extension '{}': cannot load {}: {}", name_, settings.path,
                                             why ? why : "unknown error"));
    }
    const auto version = symbol<PFN_GETEXTENSIONVERSION>(handle_, "GetExtensionVersion");
    proc_ = symbol<PFN_HTTPEXTENSIONPROC>(handle_, "HttpExtensionProc");
    terminate_ = symbol<PFN_TERMINATEEXTENSION>(handle_, "TerminateExtension");
    dll_main_ = symbol<decltype(dll_main_)>(handle_, "DllMain");
    if (!version || !proc_) {
        ::dlclose(handle_);
        throw std::runtime_error(fmt::format("extension '{}': {} does not export {}", name_, settings.path,
                                             !version ? "GetExtensionVersion" : "HttpExtensionProc"));
    }
    // Through the runtime's loader emulation: DllMain also gets DLL_THREAD_ATTACH/DETACH for
    // the threads that notify the runtime (ours, CreateThread's), until
    // DisableThreadLibraryCalls. FALSE fails the load as LoadLibrary does: no extension call.
    const bool attached = isapi_module_attach(handle_, dll_main_) != FALSE;
    if (!attached) spdlog::error("extension '{}': DllMain(DLL_PROCESS_ATTACH) returned FALSE", name_);

    HSE_VERSION_INFO info{};
    usable_ = attached && version(&info) != FALSE;
    info.lpszExtensionDesc[sizeof(info.lpszExtensionDesc) - 1] = '\0';
    const auto description = engine::log_text(info.lpszExtensionDesc);
    if (usable_) {
        spdlog::info("extension '{}' loaded from {}: \"{}\" (ISAPI {}.{})", name_, settings.path, description,
                     HIWORD(info.dwExtensionVersion), LOWORD(info.dwExtensionVersion));
        return;
    }
    if (settings.required) {
        isapi_module_detach(handle_);
        ::dlclose(handle_);
        throw std::runtime_error(
            fmt::format("extension '{}': GetExtensionVersion returned FALSE and the extension is required", name_));
    }
    spdlog::error("extension '{}': GetExtensionVersion returned FALSE; every request to it will get 500 "
                  "(mark it `required: true` to stop start-up instead)",
                  name_);
}

extension_library::~extension_library() {
    if (usable_ && terminate_) terminate_(HSE_TERM_MUST_UNLOAD);
    isapi_module_detach(handle_);
    ::dlclose(handle_);
}

}  // namespace isapi_fcgi::isapi
