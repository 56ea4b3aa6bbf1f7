#include "isapi/extension_library.hpp"

#include <dlfcn.h>

#include <stdexcept>

#include <fmt/format.h>
#include <isapi/isapi_runtime.h>
#include <spdlog/spdlog.h>

#include "engine/log_text.hpp"
#include "isapi/call_context_scope.hpp"

namespace isapi_fcgi::isapi {
namespace {

// What the runtime's call context names as the "request" while an extension loads.
const std::string loading_context = "(loading: DllMain, GetExtensionVersion)";

template <typename Function>
Function symbol(void* handle, const char* name) {
    return reinterpret_cast<Function>(::dlsym(handle, name));
}

}  // namespace

extension_library::extension_library(const extension_options& options) : name_(options.name) {
    ::dlerror();
    handle_ = ::dlopen(options.path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_) {
        // dlerror names the file and, for an unresolved import, the symbol.
        const char* why = ::dlerror();
        fail(options, fmt::format("cannot load: {}", why ? why : "unknown error"));
        return;
    }
    const auto version = symbol<PFN_GETEXTENSIONVERSION>(handle_, "GetExtensionVersion");
    proc_ = symbol<PFN_HTTPEXTENSIONPROC>(handle_, "HttpExtensionProc");
    terminate_ = symbol<PFN_TERMINATEEXTENSION>(handle_, "TerminateExtension");
    dll_main_ = symbol<decltype(dll_main_)>(handle_, "DllMain");
    if (!version || !proc_) {
        fail(options, fmt::format("does not export {}", !version ? "GetExtensionVersion" : "HttpExtensionProc"));
        return;
    }
    const call_context_scope context(name_, loading_context.c_str());
    // Through the runtime's loader emulation: DllMain also gets DLL_THREAD_ATTACH/DETACH for
    // the threads that notify the runtime (ours, CreateThread's), until
    // DisableThreadLibraryCalls. FALSE fails the load as LoadLibrary does: no extension call.
    attached_ = isapi_module_attach(handle_, dll_main_) != FALSE;
    if (!attached_) {
        fail(options, "DllMain(DLL_PROCESS_ATTACH) returned FALSE");
        return;
    }

    HSE_VERSION_INFO info{};
    if (version(&info) == FALSE) {
        const DWORD error = GetLastError();
        fail(options, error ? fmt::format("GetExtensionVersion returned FALSE (last error {})", error)
                             : std::string("GetExtensionVersion returned FALSE"));
        return;
    }
    usable_ = true;
    info.lpszExtensionDesc[sizeof(info.lpszExtensionDesc) - 1] = '\0';
    spdlog::info("extension '{}' loaded from {}: \"{}\" (ISAPI {}.{})", name_, options.path,
                 engine::log_text(info.lpszExtensionDesc), HIWORD(info.dwExtensionVersion),
                 LOWORD(info.dwExtensionVersion));
}

extension_library::extension_library(const extension_options& options, std::string reason)
    : name_(options.name) {
    fail(options, std::move(reason));
}

extension_library::extension_library(const extension_options& options, runs_under_wine)
    : name_(options.name), load_error_("runs in a Windows worker under Wine") {}

void extension_library::fail(const extension_options& options, std::string reason) {
    if (handle_) {
        if (attached_) isapi_module_detach(handle_);
        ::dlclose(handle_);
        handle_ = nullptr;
        attached_ = false;
    }
    proc_ = nullptr;
    terminate_ = nullptr;
    usable_ = false;
    load_error_ = engine::log_text(reason, 400);
    if (options.required)
        throw std::runtime_error(fmt::format("extension '{}' ({}) is required and failed to load: {}", name_,
                                             options.path, load_error_));
    spdlog::error("extension '{}' ({}) failed to load: {}; its URLs answer 500, the pool's other extensions "
                  "serve on",
                  name_, options.path, load_error_);
}

extension_library::~extension_library() {
    if (!handle_) return;
    if (usable_ && terminate_) terminate_(HSE_TERM_MUST_UNLOAD);
    if (attached_) isapi_module_detach(handle_);
    ::dlclose(handle_);
}

}  // namespace isapi_fcgi::isapi
