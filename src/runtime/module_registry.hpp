#pragma once
// The loader's bookkeeping Windows keeps for every DLL and that isapi-fcgi emulates: which
// modules are attached (DLL_PROCESS_ATTACH returned TRUE), how often each was loaded, and which
// of them want DLL_THREAD_ATTACH/DETACH (all of them until DisableThreadLibraryCalls).
//
// One recursive "loader lock" serialises PROCESS_ATTACH and every thread notification, as on
// Windows: a thread started from DllMain(DLL_PROCESS_ATTACH) gets its DLL_THREAD_ATTACH only
// after that DllMain returned. PROCESS_DETACH runs after the module is unregistered and outside
// the lock, so a DllMain that waits there for its own threads to end does not deadlock (on
// Windows it would).
#include <cstddef>
#include <mutex>
#include <vector>

#include <isapi/isapi_runtime.h>

namespace isapi_fcgi::runtime {

class module_registry {
public:
    /// First attach of `module`: DllMain(DLL_PROCESS_ATTACH) under the loader lock, and
    /// registration when it returns TRUE (or when dll_main is null). Later attaches only count.
    bool attach(HANDLE module, isapi_dll_main_fn dll_main);
    /// Last detach: unregisters, then DllMain(DLL_PROCESS_DETACH). False for an unknown module.
    bool detach(HANDLE module);
    /// False for a module that is not attached.
    bool disable_thread_calls(HANDLE module);
    bool attached(HANDLE module);
    /// DllMain(reason) of every attached module that takes thread notifications, in load order
    /// for DLL_THREAD_ATTACH and in reverse for DLL_THREAD_DETACH.
    void notify_thread(DWORD reason);

private:
    struct entry {
        HANDLE module;
        isapi_dll_main_fn dll_main;
        std::size_t loads;
        bool thread_calls;
    };
    entry* find(HANDLE module);

    std::recursive_mutex loader_lock_;
    std::vector<entry> modules_;
};

} // namespace isapi_fcgi::runtime
