// The event log: a registered source is a handle of its own (not a kernel object, as on
// Windows, where CloseHandle does not close it either), and each report one line in the
// sidecar's log through the runtime's log hook.
#include <map>
#include <mutex>
#include <string>

#include <isapi/win32/windows.h>

#include "win32/unicode.hpp"
#include "win32/win32_error.hpp"

namespace {

using isapi_fcgi::win32::fail;

struct source_table {
    std::mutex mutex;
    std::map<std::uintptr_t, std::string> names;
    std::uintptr_t next = 0x2000;  // multiples of 4, as Windows handles are
};

source_table& sources() {
    static auto* instance = new source_table();
    return *instance;
}

HANDLE register_source(bool remote, const std::string* name) {
    if (remote) return fail(ERROR_NOT_SUPPORTED, HANDLE{nullptr});
    if (name == nullptr || name->empty()) return fail(ERROR_INVALID_PARAMETER, HANDLE{nullptr});
    source_table& t = sources();
    std::lock_guard lock(t.mutex);
    const std::uintptr_t id = t.next;
    t.next += 4;
    t.names.emplace(id, *name);
    return reinterpret_cast<HANDLE>(id);
}

int level_of(WORD type) {
    switch (type) {
        case EVENTLOG_ERROR_TYPE: return ISAPI_LOG_ERROR;
        case EVENTLOG_WARNING_TYPE:
        case EVENTLOG_AUDIT_FAILURE: return ISAPI_LOG_WARN;
        default: return ISAPI_LOG_INFO;
    }
}

const char* type_name(WORD type) {
    switch (type) {
        case EVENTLOG_ERROR_TYPE: return "error";
        case EVENTLOG_WARNING_TYPE: return "warning";
        case EVENTLOG_AUDIT_FAILURE: return "audit failure";
        case EVENTLOG_AUDIT_SUCCESS: return "audit success";
        default: return "information";
    }
}

BOOL report(HANDLE log, WORD type, WORD category, DWORD id, const std::string& text) {
    std::string name;
    {
        source_table& t = sources();
        std::lock_guard lock(t.mutex);
        const auto it = t.names.find(reinterpret_cast<std::uintptr_t>(log));
        if (it == t.names.end()) return fail(ERROR_INVALID_HANDLE);
        name = it->second;
    }
    isapi_log(level_of(type), "event log [%s] %s id=%u category=%u: %s", name.c_str(), type_name(type),
              id & 0xFFFFu, static_cast<unsigned>(category), text.c_str());
    return TRUE;
}

std::string utf8(LPCWSTR text) {
    if (text == nullptr) return {};
    const auto* units = reinterpret_cast<const char16_t*>(text);
    return isapi_fcgi::win32::utf16_to_utf8(std::u16string_view(units, isapi_fcgi::win32::utf16_length(units)), false)
        .value_or(std::string());
}

template <typename Char, typename Convert>
std::string joined(WORD count, Char** strings, Convert convert) {
    std::string text;
    for (WORD i = 0; strings != nullptr && i < count; ++i) {
        if (i > 0) text += " | ";
        text += convert(strings[i]);
    }
    return text;
}

}  // namespace

extern "C" {

HANDLE WINAPI RegisterEventSourceA(LPCSTR lpUNCServerName, LPCSTR lpSourceName) {
    const std::string name = lpSourceName != nullptr ? lpSourceName : "";
    return register_source(lpUNCServerName != nullptr && lpUNCServerName[0] != '\0', &name);
}

HANDLE WINAPI RegisterEventSourceW(LPCWSTR lpUNCServerName, LPCWSTR lpSourceName) {
    const std::string name = utf8(lpSourceName);
    return register_source(lpUNCServerName != nullptr && lpUNCServerName[0] != 0, &name);
}

BOOL WINAPI ReportEventA(HANDLE hEventLog, WORD wType, WORD wCategory, DWORD dwEventID, PSID, WORD wNumStrings,
                         DWORD, LPCSTR* lpStrings, LPVOID) {
    if (wNumStrings > 0 && lpStrings == nullptr) return fail(ERROR_INVALID_PARAMETER);
    return report(hEventLog, wType, wCategory, dwEventID,
                  joined(wNumStrings, lpStrings, [](LPCSTR s) { return std::string(s != nullptr ? s : ""); }));
}

BOOL WINAPI ReportEventW(HANDLE hEventLog, WORD wType, WORD wCategory, DWORD dwEventID, PSID, WORD wNumStrings,
                         DWORD, LPCWSTR* lpStrings, LPVOID) {
    if (wNumStrings > 0 && lpStrings == nullptr) return fail(ERROR_INVALID_PARAMETER);
    return report(hEventLog, wType, wCategory, dwEventID, joined(wNumStrings, lpStrings, utf8));
}

BOOL WINAPI DeregisterEventSource(HANDLE hEventLog) {
    source_table& t = sources();
    std::lock_guard lock(t.mutex);
    if (t.names.erase(reinterpret_cast<std::uintptr_t>(hEventLog)) == 0) return fail(ERROR_INVALID_HANDLE);
    return TRUE;
}

}  // extern "C"
