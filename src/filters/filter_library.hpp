#pragma once
// One ISAPI filter: a shared object loaded with dlopen, its entry points, and its lifecycle as IIS
// runs it (DllMain attach, GetFilterVersion once, TerminateFilter and DllMain detach before
// unloading). What GetFilterVersion registered decides when HttpFilterProc is called.
#include <atomic>
#include <cstdint>
#include <string>

#include <isapi/httpfilt.h>

#include "filters/notification.hpp"

namespace isapi_fcgi::filters {

struct filter_settings {
    std::string name;  ///< for log lines and status
    std::string path;  ///< the .so
};

class filter_library {
public:
    /// Loads the library (RTLD_NOW | RTLD_LOCAL), resolves GetFilterVersion and HttpFilterProc
    /// (TerminateFilter is optional), calls DllMain(DLL_PROCESS_ATTACH) and GetFilterVersion with
    /// dwServerFilterVersion = HTTP_FILTER_REVISION. Throws std::runtime_error naming the filter
    /// and the reason when any of that fails: unlike an extension, a filter that cannot load
    /// must not leave the requests it would have guarded unfiltered.
    explicit filter_library(const filter_settings& settings);
    /// TerminateFilter(HSE_TERM_MUST_UNLOAD), DllMain(DLL_PROCESS_DETACH), dlclose.
    ~filter_library();
    filter_library(const filter_library&) = delete;
    filter_library& operator=(const filter_library&) = delete;

    const std::string& name() const noexcept { return name_; }
    const std::string& description() const noexcept { return description_; }
    const filter_registration& registration() const noexcept { return registration_; }
    DWORD call(HTTP_FILTER_CONTEXT* pfc, filter_event event, void* notification) const {
        return proc_(pfc, notification_flag(event), notification);
    }
    /// True the first time `kind` (a bit of the caller's choosing) is reported for this filter:
    /// each kind of misuse is logged once per filter and worker.
    bool first_report(std::uint32_t kind) const noexcept {
        return (reported_.fetch_or(kind, std::memory_order_relaxed) & kind) == 0;
    }

private:
    using filter_proc = DWORD(WINAPI*)(HTTP_FILTER_CONTEXT*, DWORD, VOID*);
    using terminate_proc = BOOL(WINAPI*)(DWORD);
    using dll_main_proc = BOOL(WINAPI*)(HANDLE, DWORD, LPVOID);

    void unload_after_failure() noexcept;

    std::string name_;
    std::string description_;
    void* handle_ = nullptr;
    filter_proc proc_ = nullptr;
    terminate_proc terminate_ = nullptr;
    dll_main_proc dll_main_ = nullptr;
    filter_registration registration_;
    mutable std::atomic<std::uint32_t> reported_{0};
};

}  // namespace isapi_fcgi::filters
