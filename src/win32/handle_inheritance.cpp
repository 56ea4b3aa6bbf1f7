#include "win32/handle_inheritance.hpp"

#include <mutex>
#include <unordered_map>

#include "win32/kernel_objects.hpp"
#include "win32/win32_error.hpp"

namespace isapi_fcgi::win32 {
namespace {

struct flag_table {
    std::mutex mutex;
    std::unordered_map<HANDLE, DWORD> flags;  // only handles with a flag set
};

flag_table& table() {
    static auto* instance = new flag_table();
    return *instance;
}

}  // namespace

void set_handle_flags(HANDLE handle, DWORD mask, DWORD flags) {
    const DWORD known = mask & (HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE);
    flag_table& t = table();
    std::lock_guard lock(t.mutex);
    const auto it = t.flags.find(handle);
    const DWORD before = it == t.flags.end() ? 0 : it->second;
    const DWORD after = (before & ~known) | (flags & known);
    if (after == 0) {
        if (it != t.flags.end()) t.flags.erase(it);
    } else {
        t.flags[handle] = after;
    }
}

DWORD handle_flags(HANDLE handle) {
    flag_table& t = table();
    std::lock_guard lock(t.mutex);
    const auto it = t.flags.find(handle);
    return it == t.flags.end() ? 0 : it->second;
}

void forget_handle_flags(HANDLE handle) {
    flag_table& t = table();
    std::lock_guard lock(t.mutex);
    t.flags.erase(handle);
}

std::vector<HANDLE> inheritable_handles() {
    flag_table& t = table();
    std::lock_guard lock(t.mutex);
    std::vector<HANDLE> out;
    for (const auto& [handle, flags] : t.flags) {
        if (flags & HANDLE_FLAG_INHERIT) out.push_back(handle);
    }
    return out;
}

}  // namespace isapi_fcgi::win32

namespace {

bool is_valid_handle(HANDLE handle) {
    if (isapi_fcgi::win32::find_object(handle)) return true;
    return isapi_fd_from_handle(handle) >= 0;
}

}  // namespace

extern "C" {

BOOL WINAPI SetHandleInformation(HANDLE hObject, DWORD dwMask, DWORD dwFlags) {
    if (!is_valid_handle(hObject)) return isapi_fcgi::win32::fail(ERROR_INVALID_HANDLE);
    isapi_fcgi::win32::set_handle_flags(hObject, dwMask, dwFlags);
    return TRUE;
}

BOOL WINAPI GetHandleInformation(HANDLE hObject, LPDWORD lpdwFlags) {
    if (!is_valid_handle(hObject)) return isapi_fcgi::win32::fail(ERROR_INVALID_HANDLE);
    if (lpdwFlags == nullptr) return isapi_fcgi::win32::fail(ERROR_INVALID_PARAMETER);
    *lpdwFlags = isapi_fcgi::win32::handle_flags(hObject);
    return TRUE;
}

}  // extern "C"
