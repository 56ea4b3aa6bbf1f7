#include "runtime/module_registry.hpp"

#include <algorithm>
#include <utility>

namespace isapi_fcgi::runtime {

module_registry::entry* module_registry::find(HANDLE module) {
    const auto it = std::find_if(modules_.begin(), modules_.end(),
                                 [module](const entry& e) { return e.module == module; });
    return it == modules_.end() ? nullptr : &*it;
}

bool module_registry::attach(HANDLE module, isapi_dll_main_fn dll_main) {
    std::lock_guard lock(loader_lock_);
    if (entry* known = find(module)) {
        ++known->loads;
        return true;
    }
    // Registered before DllMain runs, so that DisableThreadLibraryCalls inside it finds the
    // module; thread notifications cannot reach it meanwhile, they need the lock this holds.
    modules_.push_back(entry{module, dll_main, 1, true});
    if (dll_main != nullptr && dll_main(module, DLL_PROCESS_ATTACH, nullptr) == FALSE) {
        // Windows follows a failed attach with DLL_PROCESS_DETACH before unloading.
        std::erase_if(modules_, [module](const entry& e) { return e.module == module; });
        dll_main(module, DLL_PROCESS_DETACH, nullptr);
        return false;
    }
    return true;
}

bool module_registry::detach(HANDLE module) {
    isapi_dll_main_fn dll_main = nullptr;
    {
        std::lock_guard lock(loader_lock_);
        entry* known = find(module);
        if (known == nullptr) {
            return false;
        }
        if (--known->loads > 0) {
            return true;
        }
        dll_main = known->dll_main;
        std::erase_if(modules_, [module](const entry& e) { return e.module == module; });
    }
    if (dll_main != nullptr) {
        dll_main(module, DLL_PROCESS_DETACH, nullptr);
    }
    return true;
}

bool module_registry::disable_thread_calls(HANDLE module) {
    std::lock_guard lock(loader_lock_);
    entry* known = find(module);
    if (known == nullptr) {
        return false;
    }
    known->thread_calls = false;
    return true;
}

bool module_registry::attached(HANDLE module) {
    std::lock_guard lock(loader_lock_);
    return find(module) != nullptr;
}

void module_registry::notify_thread(DWORD reason) {
    std::lock_guard lock(loader_lock_);
    // A snapshot: DllMain may load or free libraries on this thread (the lock is recursive).
    std::vector<std::pair<HANDLE, isapi_dll_main_fn>> targets;
    for (const entry& e : modules_) {
        if (e.thread_calls && e.dll_main != nullptr) {
            targets.emplace_back(e.module, e.dll_main);
        }
    }
    if (reason == DLL_THREAD_DETACH) {
        std::reverse(targets.begin(), targets.end());
    }
    for (const auto& [module, dll_main] : targets) {
        if (attached(module)) {
            dll_main(module, reason, nullptr);
        }
    }
}

} // namespace isapi_fcgi::runtime
