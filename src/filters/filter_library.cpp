#include "filters/filter_library.hpp"

#include <dlfcn.h>

#include <stdexcept>

#include <fmt/format.h>
#include <isapi/httpext.h>
#include <isapi/isapi_runtime.h>
#include <spdlog/spdlog.h>

#include "engine/log_text.hpp"

namespace isapi_fcgi::filters {
namespace {

template <typename Function>
Function symbol(void* handle, const char* name) {
    return reinterpret_cast<Function>(::dlsym(handle, name));
}

}  // namespace

filter_library::filter_library(const filter_settings& settings) : name_(settings.name) {
    handle_ = ::dlopen(settings.path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_) {
        const char* why = ::dlerror();
        throw std::runtime_error(
            fmt::format("filter '{}': cannot load {}: {}", name_, settings.path, why ? why : "unknown error"));
    }
    const auto version = symbol<BOOL(WINAPI*)(HTTP_FILTER_VERSION*)>(handle_, "GetFilterVersion");
    proc_ = symbol<filter_proc>(handle_, "HttpFilterProc");
    terminate_ = symbol<terminate_proc>(handle_, "TerminateFilter");
    dll_main_ = symbol<dll_main_proc>(handle_, "DllMain");
    if (!version || !proc_) {
        ::dlclose(handle_);
        throw std::runtime_error(fmt::format("filter '{}': {} does not export {}", name_, settings.path,
                                             !version ? "GetFilterVersion" : "HttpFilterProc"));
    }
    if (isapi_module_attach(handle_, dll_main_) == FALSE) {
        ::dlclose(handle_);
        throw std::runtime_error(fmt::format("filter '{}': DllMain(DLL_PROCESS_ATTACH) returned FALSE", name_));
    }
    HTTP_FILTER_VERSION info{};
    info.dwServerFilterVersion = HTTP_FILTER_REVISION;
    if (version(&info) == FALSE) {
        unload_after_failure();
        throw std::runtime_error(fmt::format("filter '{}': GetFilterVersion returned FALSE", name_));
    }
    info.lpszFilterDesc[sizeof(info.lpszFilterDesc) - 1] = '\0';
    description_ = engine::log_text(info.lpszFilterDesc);
    registration_ = registration_from_flags(info.dwFlags);
    if (registration_.events == 0) {
        spdlog::warn("filter '{}': GetFilterVersion registered no notification (dwFlags {:#x}); it will never be called",
                     name_, info.dwFlags);
    }
    spdlog::info("filter '{}' loaded from {}: \"{}\" (filter version {}.{}, priority {}, notifications {:#x})", name_,
                 settings.path, description_, HIWORD(info.dwFilterVersion), LOWORD(info.dwFilterVersion),
                 priority_name(registration_.priority), registration_.events);
}

void filter_library::unload_after_failure() noexcept {
    isapi_module_detach(handle_);
    ::dlclose(handle_);
    handle_ = nullptr;
}

filter_library::~filter_library() {
    if (terminate_) terminate_(HSE_TERM_MUST_UNLOAD);
    isapi_module_detach(handle_);
    ::dlclose(handle_);
}

}  // namespace isapi_fcgi::filters
