// Modules: an HMODULE is a dlopen handle. The host passes the extension's own handle to
// DllMain; GetModuleHandle and GetModuleHandleEx find loaded objects by name or by an address
// inside them (dladdr); LoadLibrary/FreeLibrary attach and detach through the runtime, so a
// plug-in's DllMain sees the same process and thread notifications the extension does.
#include <dlfcn.h>
#include <link.h>
#include <strings.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include <isapi/win32/windows.h>

#include "win32/paths.hpp"
#include "win32/win32_error.hpp"

namespace {

using isapi_fcgi::win32::fail;

struct loaded_object {
    std::string path;  // "" for the executable
};

std::vector<loaded_object> loaded_objects() {
    std::vector<loaded_object> objects;
    ::dl_iterate_phdr(
        [](dl_phdr_info* info, std::size_t, void* out) {
            const char* name = info->dlpi_name != nullptr ? info->dlpi_name : "";
            static_cast<std::vector<loaded_object>*>(out)->push_back({name});
            return 0;
        },
        &objects);
    return objects;
}

// The dlopen handle of a loaded object, without keeping a reference (the object stays loaded
// as long as whoever loaded it keeps it).
void* handle_of(const std::string& path) {
    void* handle = ::dlopen(path.empty() ? nullptr : path.c_str(), RTLD_LAZY | RTLD_NOLOAD);
    if (handle != nullptr) ::dlclose(handle);
    return handle;
}

std::string executable_path() {
    char buffer[4096];
    const ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof(buffer) - 1);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

// The file name of a module handle, or nullopt when no loaded object has that handle.
bool module_path(HMODULE module, std::string& path) {
    if (module == nullptr || module == handle_of("")) {
        path = executable_path();
        return true;
    }
    for (const auto& object : loaded_objects()) {
        if (!object.path.empty() && handle_of(object.path) == module) {
            path = object.path;
            return true;
        }
    }
    return false;
}

std::string base_name(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// "app.dll" matches app.dll and app.so; "app" (no suffix, as Windows appends .dll) too.
bool name_matches(const std::string& wanted, const std::string& file) {
    if (::strcasecmp(wanted.c_str(), file.c_str()) == 0) return true;
    std::string stem = wanted;
    if (isapi_fcgi::win32::has_dll_suffix(stem)) stem.resize(stem.size() - 4);
    else if (stem.find('.') != std::string::npos) return false;
    return ::strcasecmp((stem + ".so").c_str(), file.c_str()) == 0
           || ::strcasecmp((stem + ".dll").c_str(), file.c_str()) == 0;
}

// Copies `text` as GetModuleFileName does: truncated and terminated when nSize is too small,
// returning nSize with ERROR_INSUFFICIENT_BUFFER (Windows Vista and later).
DWORD copy_out(const std::string& text, LPSTR buffer, DWORD size) {
    if (size == 0 || buffer == nullptr) return fail(ERROR_INSUFFICIENT_BUFFER, DWORD{0});
    if (text.size() + 1 > size) {
        std::memcpy(buffer, text.data(), size - 1);
        buffer[size - 1] = '\0';
        return fail(ERROR_INSUFFICIENT_BUFFER, size);
    }
    std::memcpy(buffer, text.c_str(), text.size() + 1);
    SetLastError(ERROR_SUCCESS);
    return static_cast<DWORD>(text.size());
}

// DllMain of exactly this object (dlsym on a handle also searches its dependencies).
isapi_dll_main_fn own_dll_main(void* handle, const std::string& path) {
    void* symbol = ::dlsym(handle, "DllMain");
    Dl_info info{};
    if (symbol == nullptr || ::dladdr(symbol, &info) == 0 || info.dli_fname == nullptr) return nullptr;
    return handle_of(info.dli_fname) == handle_of(path)
               ? reinterpret_cast<isapi_dll_main_fn>(symbol)
               : nullptr;
}

}  // namespace

extern "C" {

DWORD WINAPI GetModuleFileNameA(HMODULE hModule, LPSTR lpFilename, DWORD nSize) {
    std::string path;
    if (!module_path(hModule, path)) return fail(ERROR_MOD_NOT_FOUND, DWORD{0});
    return copy_out(path, lpFilename, nSize);
}

HMODULE WINAPI GetModuleHandleA(LPCSTR lpModuleName) {
    if (lpModuleName == nullptr) return handle_of("");
    const std::string wanted = isapi_fcgi::win32::native_path(lpModuleName);
    for (const auto& object : loaded_objects()) {
        if (object.path.empty()) continue;
        const bool match = wanted.find('/') != std::string::npos
                               ? ::strcasecmp(wanted.c_str(), object.path.c_str()) == 0
                               : name_matches(wanted, base_name(object.path));
        if (match) {
            if (void* handle = handle_of(object.path)) return handle;
        }
    }
    return fail(ERROR_MOD_NOT_FOUND, HMODULE{nullptr});
}

BOOL WINAPI GetModuleHandleExA(DWORD dwFlags, LPCSTR lpModuleName, HMODULE* phModule) {
    if (phModule == nullptr) return fail(ERROR_INVALID_PARAMETER);
    *phModule = nullptr;
    std::string path;
    if (dwFlags & GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS) {
        Dl_info info{};
        if (lpModuleName == nullptr || ::dladdr(lpModuleName, &info) == 0 || info.dli_fname == nullptr) {
            return fail(ERROR_MOD_NOT_FOUND);
        }
        path = info.dli_fname;
        if (handle_of(path) == handle_of("")) path.clear();
    } else {
        HMODULE found = GetModuleHandleA(lpModuleName);
        if (found == nullptr) return FALSE;
        if (!module_path(found, path)) return fail(ERROR_MOD_NOT_FOUND);
        if (found == handle_of("")) path.clear();
    }
    void* handle = ::dlopen(path.empty() ? nullptr : path.c_str(), RTLD_LAZY | RTLD_NOLOAD);
    if (handle == nullptr) return fail(ERROR_MOD_NOT_FOUND);
    // Without UNCHANGED_REFCOUNT the caller owns a reference and calls FreeLibrary (which
    // then only drops it: the module was attached by whoever loaded it first).
    if (dwFlags & GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT) {
        ::dlclose(handle);
    } else {
        isapi_module_attach(handle, nullptr);
    }
    *phModule = handle;
    return TRUE;
}

HMODULE WINAPI LoadLibraryA(LPCSTR lpLibFileName) {
    if (lpLibFileName == nullptr || lpLibFileName[0] == '\0') {
        return fail(ERROR_INVALID_PARAMETER, HMODULE{nullptr});
    }
    const std::string name = isapi_fcgi::win32::native_path(lpLibFileName);
    std::vector<std::string> candidates{name};
    if (isapi_fcgi::win32::has_dll_suffix(name)) {
        candidates.push_back(name.substr(0, name.size() - 4) + ".so");
    } else if (base_name(name).find('.') == std::string::npos) {
        candidates.push_back(name + ".so");  // Windows appends ".dll" to a bare name
    }
    for (const auto& candidate : candidates) {
        void* handle = ::dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (handle == nullptr) continue;
        std::string path;
        module_path(handle, path);
        if (isapi_module_attach(handle, own_dll_main(handle, path)) == FALSE) {
            ::dlclose(handle);
            return fail(ERROR_DLL_INIT_FAILED, HMODULE{nullptr});
        }
        return handle;
    }
    const char* why = ::dlerror();
    isapi_log(ISAPI_LOG_DEBUG, "LoadLibrary(%s): %s", lpLibFileName, why != nullptr ? why : "not found");
    return fail(ERROR_MOD_NOT_FOUND, HMODULE{nullptr});
}

FARPROC WINAPI GetProcAddress(HMODULE hModule, LPCSTR lpProcName) {
    // An ordinal (a "name" below 64K) cannot be resolved by dlsym.
    if (hModule == nullptr || reinterpret_cast<uintptr_t>(lpProcName) < 0x10000) {
        return fail(hModule == nullptr ? ERROR_MOD_NOT_FOUND : ERROR_PROC_NOT_FOUND, FARPROC{nullptr});
    }
    void* symbol = ::dlsym(hModule, lpProcName);
    if (symbol == nullptr) return fail(ERROR_PROC_NOT_FOUND, FARPROC{nullptr});
    return reinterpret_cast<FARPROC>(symbol);
}

BOOL WINAPI FreeLibrary(HMODULE hLibModule) {
    if (hLibModule == nullptr) return fail(ERROR_INVALID_HANDLE);
    std::string path;
    if (!module_path(hLibModule, path)) return fail(ERROR_INVALID_HANDLE);
    isapi_module_detach(hLibModule);  // the last one calls DllMain(DLL_PROCESS_DETACH)
    ::dlclose(hLibModule);
    return TRUE;
}

BOOL WINAPI DisableThreadLibraryCalls(HMODULE hLibModule) {
    if (hLibModule == nullptr) return fail(ERROR_INVALID_HANDLE);
    // A module the runtime has not attached gets no notifications anyway.
    isapi_module_disable_thread_calls(hLibModule);
    return TRUE;
}

}  // extern "C"
