// Reg* over the pool's registry store: the .reg files the operator named in the pool's
// `registry.files` (applied in order), then the store file extensions' writes were saved to
// (`registry.store`), both handed over by the worker in the environment (see
// src/ops/registry_environment.cpp). Loaded on the first Reg* call; every change rewrites the
// store file (write to a temporary, then rename over it).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <isapi/win32/windows.h>

#include "win32/reg_file.hpp"
#include "win32/unicode.hpp"

namespace {

namespace reg = isapi_fcgi::win32::reg;

constexpr const char* files_variable = "ISAPI_FCGI_REGISTRY_FILES";  // '\n'-separated paths
constexpr const char* store_variable = "ISAPI_FCGI_REGISTRY_STORE";

struct open_key {
    std::vector<std::string> path;  // root first
    REGSAM access = 0;
};

struct registry_store {
    std::mutex mutex;
    bool loaded = false;
    reg::key tree;
    std::string store_path;
    std::map<std::uintptr_t, open_key> handles;
    std::uintptr_t next_handle = 0x1000;
};

registry_store& store() {
    static auto* instance = new registry_store();
    return *instance;
}

std::optional<std::vector<std::uint8_t>> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) return std::nullopt;
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(std::max<std::streamoff>(in.tellg(), 0)));
    in.seekg(0);
    if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()))) return std::nullopt;
    return bytes;
}

void load_file(registry_store& s, const std::string& path, bool missing_is_fine) {
    const auto bytes = read_file(path);
    if (!bytes) {
        if (!missing_is_fine) isapi_log(ISAPI_LOG_ERROR, "registry: cannot read %s", path.c_str());
        return;
    }
    const auto parsed = reg::parse_reg_file(*bytes);
    if (parsed.error) {
        // --check-config refuses such a file; one changed since is skipped whole.
        isapi_log(ISAPI_LOG_ERROR, "registry: %s:%d: %s (file skipped)", path.c_str(),
                  parsed.error->line, parsed.error->message.c_str());
        return;
    }
    reg::apply(s.tree, parsed.operations);
}

// Under the store's mutex.
void ensure_loaded(registry_store& s) {
    if (s.loaded) return;
    s.loaded = true;
    if (const char* files = std::getenv(files_variable)) {
        std::string list(files);
        std::size_t start = 0;
        while (start < list.size()) {
            auto end = list.find('\n', start);
            if (end == std::string::npos) end = list.size();
            if (end > start) load_file(s, list.substr(start, end - start), false);
            start = end + 1;
        }
    }
    if (const char* path = std::getenv(store_variable)) {
        s.store_path = path;
        load_file(s, s.store_path, true);
    }
}

// Under the store's mutex. A failure is logged: the change stays in memory, as a registry
// write that cannot be flushed does on Windows until the next flush.
void save(registry_store& s) {
    if (s.store_path.empty()) return;
    const std::string text = reg::serialize(s.tree);
    const std::string temporary = s.store_path + ".tmp." + std::to_string(::getpid());
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool ok = fd >= 0;
    std::size_t done = 0;
    while (ok && done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) done += static_cast<std::size_t>(n);
    }
    if (fd >= 0) {
        ok = ok && ::fsync(fd) == 0;
        ok = ::close(fd) == 0 && ok;
    }
    if (ok && ::rename(temporary.c_str(), s.store_path.c_str()) == 0) return;
    const int error = errno;
    ::unlink(temporary.c_str());
    isapi_log(ISAPI_LOG_ERROR, "registry: cannot save %s: %s", s.store_path.c_str(), std::strerror(error));
}

std::optional<std::string> predefined_root(HKEY key) {
    switch (reinterpret_cast<std::uintptr_t>(key)) {
        case 0x80000000u: return "HKEY_CLASSES_ROOT";
        case 0x80000001u: return "HKEY_CURRENT_USER";
        case 0x80000002u: return "HKEY_LOCAL_MACHINE";
        case 0x80000003u: return "HKEY_USERS";
        case 0x80000005u: return "HKEY_CURRENT_CONFIG";
        default: return std::nullopt;
    }
}

// Under the mutex: the path and rights behind an HKEY.
std::optional<open_key> resolve(registry_store& s, HKEY key) {
    if (auto root = predefined_root(key)) return open_key{{*root}, KEY_ALL_ACCESS};
    const auto it = s.handles.find(reinterpret_cast<std::uintptr_t>(key));
    if (it == s.handles.end()) return std::nullopt;
    return it->second;
}

reg::key* find(registry_store& s, const std::vector<std::string>& path, bool create) {
    reg::key* at = &s.tree;
    for (const auto& part : path) {
        auto it = at->subkeys.find(part);
        if (it == at->subkeys.end()) {
            if (!create) return nullptr;
            it = at->subkeys.emplace(part, reg::key{part, {}, {}}).first;
        }
        at = &it->second;
    }
    return at;
}

bool valid_name(const std::string& name) {
    for (unsigned char c : name) {
        if (c < 0x20) return false;
    }
    return true;
}

std::string utf8(LPCWSTR text) {
    if (text == nullptr) return {};
    const std::u16string_view units(reinterpret_cast<const char16_t*>(text),
                                    isapi_fcgi::win32::utf16_length(reinterpret_cast<const char16_t*>(text)));
    return isapi_fcgi::win32::utf16_to_utf8(units, false).value_or(std::string());
}

bool is_string_type(DWORD type) {
    return type == REG_SZ || type == REG_EXPAND_SZ || type == REG_MULTI_SZ;
}

// UTF-16LE bytes <-> UTF-8 bytes, NULs kept, for the A functions.
std::vector<std::uint8_t> narrow_string_data(const std::vector<std::uint8_t>& data) {
    std::u16string units;
    for (std::size_t i = 0; i + 1 < data.size(); i += 2) {
        units.push_back(static_cast<char16_t>(data[i] | (data[i + 1] << 8)));
    }
    const std::string text = isapi_fcgi::win32::utf16_to_utf8(units, false).value_or(std::string());
    return {text.begin(), text.end()};
}

std::vector<std::uint8_t> widen_string_data(const BYTE* data, DWORD size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto units = isapi_fcgi::win32::utf8_to_utf16(text, false).value_or(std::u16string());
    std::vector<std::uint8_t> out;
    for (char16_t u : units) {
        out.push_back(static_cast<std::uint8_t>(u & 0xFF));
        out.push_back(static_cast<std::uint8_t>(u >> 8));
    }
    return out;
}

std::vector<std::string> joined(const std::vector<std::string>& base, const std::string& sub) {
    auto path = base;
    for (auto& part : reg::split_path(sub)) path.push_back(std::move(part));
    return path;
}

HKEY new_handle(registry_store& s, std::vector<std::string> path, REGSAM access) {
    const std::uintptr_t id = s.next_handle;
    s.next_handle += 4;
    s.handles.emplace(id, open_key{std::move(path), access});
    return reinterpret_cast<HKEY>(id);
}

// Runs `action(store, open, key)` under the store's lock for the key behind `handle`, after
// the checks every Reg* function makes first: a known handle, the `needed` rights, and a key
// that still exists.
template <typename Action>
LSTATUS with_key(HKEY handle, REGSAM needed, Action&& action) {
    registry_store& s = store();
    std::lock_guard lock(s.mutex);
    ensure_loaded(s);
    const auto open = resolve(s, handle);
    if (!open) return ERROR_INVALID_HANDLE;
    if ((open->access & needed) != needed) return ERROR_ACCESS_DENIED;
    reg::key* k = find(s, open->path, false);
    if (k == nullptr) return ERROR_KEY_DELETED;
    return action(s, *open, *k);
}

LSTATUS open_key_at(HKEY key, const std::string& sub, REGSAM access, PHKEY result) {
    if (result == nullptr) return ERROR_INVALID_PARAMETER;
    *result = nullptr;
    return with_key(key, 0, [&](registry_store& s, const open_key& base, reg::key&) -> LSTATUS {
        auto path = joined(base.path, sub);
        if (find(s, path, false) == nullptr) return ERROR_FILE_NOT_FOUND;
        *result = new_handle(s, std::move(path), access);
        return ERROR_SUCCESS;
    });
}

LSTATUS create_key_at(HKEY key, const std::string& sub, REGSAM access, PHKEY result,
                      LPDWORD disposition) {
    if (result == nullptr) return ERROR_INVALID_PARAMETER;
    *result = nullptr;
    if (!valid_name(sub)) return ERROR_INVALID_PARAMETER;
    return with_key(key, 0, [&](registry_store& s, const open_key& base, reg::key&) -> LSTATUS {
        auto path = joined(base.path, sub);
        const bool existed = find(s, path, false) != nullptr;
        if (!existed) {
            if (!(base.access & KEY_CREATE_SUB_KEY)) return ERROR_ACCESS_DENIED;
            find(s, path, true);
            save(s);
        }
        if (disposition != nullptr) *disposition = existed ? REG_OPENED_EXISTING_KEY : REG_CREATED_NEW_KEY;
        *result = new_handle(s, std::move(path), access);
        return ERROR_SUCCESS;
    });
}

// The value's bytes as the caller sees them (narrowed for the A functions) into a
// (data, size) pair with Windows' buffer rules.
LSTATUS give_data(const reg::value& v, bool narrow, LPDWORD type, LPBYTE data, LPDWORD size) {
    if (data != nullptr && size == nullptr) return ERROR_INVALID_PARAMETER;
    const auto bytes = narrow && is_string_type(v.type) ? narrow_string_data(v.data) : v.data;
    if (type != nullptr) *type = v.type;
    if (size == nullptr) return ERROR_SUCCESS;
    const auto needed = static_cast<DWORD>(bytes.size());
    if (data == nullptr) {
        *size = needed;
        return ERROR_SUCCESS;
    }
    if (*size < needed) {
        *size = needed;
        return ERROR_MORE_DATA;
    }
    if (!bytes.empty()) std::memcpy(data, bytes.data(), bytes.size());
    *size = needed;
    return ERROR_SUCCESS;
}

LSTATUS query_value(HKEY key, const std::string& name, bool narrow, LPDWORD type, LPBYTE data,
                    LPDWORD size) {
    return with_key(key, KEY_QUERY_VALUE, [&](registry_store&, const open_key&, reg::key& k) -> LSTATUS {
        const auto it = k.values.find(name);
        if (it == k.values.end()) return ERROR_FILE_NOT_FOUND;
        return give_data(it->second.second, narrow, type, data, size);
    });
}

LSTATUS set_value(HKEY key, const std::string& name, DWORD type, const BYTE* data, DWORD size,
                  bool narrow) {
    if (data == nullptr && size > 0) return ERROR_NOACCESS;
    if (!valid_name(name)) return ERROR_INVALID_PARAMETER;
    return with_key(key, KEY_SET_VALUE, [&](registry_store& s, const open_key&, reg::key& k) -> LSTATUS {
        reg::value v;
        v.type = type;
        if (narrow && is_string_type(type)) {
            v.data = widen_string_data(data, size);
        } else if (size > 0) {
            v.data.assign(data, data + size);
        }
        k.values[name] = {name, std::move(v)};
        save(s);
        return ERROR_SUCCESS;
    });
}

// The index-th subkey (or value) name: into a buffer of *count characters with its NUL.
template <typename Char>
LSTATUS give_name(const std::string& name, Char* buffer, LPDWORD count) {
    if (buffer == nullptr || count == nullptr) return ERROR_INVALID_PARAMETER;
    std::basic_string<Char> text;
    if constexpr (sizeof(Char) == 1) {
        text = name;
    } else {
        const auto units = isapi_fcgi::win32::utf8_to_utf16(name, false).value_or(std::u16string());
        text.assign(units.begin(), units.end());
    }
    if (text.size() + 1 > *count) return ERROR_MORE_DATA;
    std::copy(text.begin(), text.end(), buffer);
    buffer[text.size()] = Char{0};
    *count = static_cast<DWORD>(text.size());
    return ERROR_SUCCESS;
}

template <typename Char>
LSTATUS enum_key(HKEY key, DWORD index, Char* name, LPDWORD count) {
    return with_key(key, KEY_ENUMERATE_SUB_KEYS, [&](registry_store&, const open_key&, reg::key& k) -> LSTATUS {
        if (index >= k.subkeys.size()) return ERROR_NO_MORE_ITEMS;
        return give_name(std::next(k.subkeys.begin(), index)->second.name, name, count);
    });
}

template <typename Char>
LSTATUS enum_value(HKEY key, DWORD index, Char* name, LPDWORD count, LPDWORD type, LPBYTE data,
                   LPDWORD size) {
    return with_key(key, KEY_QUERY_VALUE, [&](registry_store&, const open_key&, reg::key& k) -> LSTATUS {
        if (index >= k.values.size()) return ERROR_NO_MORE_ITEMS;
        const auto& [value_name, v] = std::next(k.values.begin(), index)->second;
        const LSTATUS named = give_name(value_name, name, count);
        if (named != ERROR_SUCCESS) return named;
        return give_data(v, sizeof(Char) == 1, type, data, size);
    });
}

LSTATUS delete_key(HKEY key, const std::string& sub) {
    return with_key(key, 0, [&](registry_store& s, const open_key& base, reg::key&) -> LSTATUS {
        auto path = joined(base.path, sub);
        if (path.size() < 2) return ERROR_ACCESS_DENIED;  // a root stays
        reg::key* k = find(s, path, false);
        if (k == nullptr) return ERROR_FILE_NOT_FOUND;
        if (!k->subkeys.empty()) return ERROR_ACCESS_DENIED;
        const std::string last = path.back();
        path.pop_back();
        find(s, path, false)->subkeys.erase(last);
        save(s);
        return ERROR_SUCCESS;
    });
}

LSTATUS delete_value(HKEY key, const std::string& name) {
    return with_key(key, KEY_SET_VALUE, [&](registry_store& s, const open_key&, reg::key& k) -> LSTATUS {
        if (k.values.erase(name) == 0) return ERROR_FILE_NOT_FOUND;
        save(s);
        return ERROR_SUCCESS;
    });
}

std::string text(LPCSTR s) {
    return s == nullptr ? std::string() : std::string(s);
}

}  // namespace

extern "C" {

LSTATUS WINAPI RegOpenKeyExA(HKEY hKey, LPCSTR lpSubKey, DWORD, REGSAM samDesired, PHKEY phkResult) {
    return open_key_at(hKey, text(lpSubKey), samDesired, phkResult);
}
LSTATUS WINAPI RegOpenKeyExW(HKEY hKey, LPCWSTR lpSubKey, DWORD, REGSAM samDesired, PHKEY phkResult) {
    return open_key_at(hKey, utf8(lpSubKey), samDesired, phkResult);
}
LSTATUS WINAPI RegOpenKeyA(HKEY hKey, LPCSTR lpSubKey, PHKEY phkResult) {
    return open_key_at(hKey, text(lpSubKey), KEY_ALL_ACCESS, phkResult);
}
LSTATUS WINAPI RegCreateKeyExA(HKEY hKey, LPCSTR lpSubKey, DWORD, LPSTR, DWORD, REGSAM samDesired,
                               LPSECURITY_ATTRIBUTES, PHKEY phkResult, LPDWORD lpdwDisposition) {
    if (lpSubKey == nullptr) return ERROR_INVALID_PARAMETER;
    return create_key_at(hKey, lpSubKey, samDesired, phkResult, lpdwDisposition);
}
LSTATUS WINAPI RegCreateKeyExW(HKEY hKey, LPCWSTR lpSubKey, DWORD, LPWSTR, DWORD, REGSAM samDesired,
                               LPSECURITY_ATTRIBUTES, PHKEY phkResult, LPDWORD lpdwDisposition) {
    if (lpSubKey == nullptr) return ERROR_INVALID_PARAMETER;
    return create_key_at(hKey, utf8(lpSubKey), samDesired, phkResult, lpdwDisposition);
}
LSTATUS WINAPI RegCreateKeyA(HKEY hKey, LPCSTR lpSubKey, PHKEY phkResult) {
    return create_key_at(hKey, text(lpSubKey), KEY_ALL_ACCESS, phkResult, nullptr);
}

LSTATUS WINAPI RegCloseKey(HKEY hKey) {
    if (predefined_root(hKey)) return ERROR_SUCCESS;
    registry_store& s = store();
    std::lock_guard lock(s.mutex);
    return s.handles.erase(reinterpret_cast<std::uintptr_t>(hKey)) ? ERROR_SUCCESS : ERROR_INVALID_HANDLE;
}

LSTATUS WINAPI RegQueryValueExA(HKEY hKey, LPCSTR lpValueName, LPDWORD, LPDWORD lpType,
                                LPBYTE lpData, LPDWORD lpcbData) {
    return query_value(hKey, text(lpValueName), true, lpType, lpData, lpcbData);
}
LSTATUS WINAPI RegQueryValueExW(HKEY hKey, LPCWSTR lpValueName, LPDWORD, LPDWORD lpType,
                                LPBYTE lpData, LPDWORD lpcbData) {
    return query_value(hKey, utf8(lpValueName), false, lpType, lpData, lpcbData);
}
LSTATUS WINAPI RegSetValueExA(HKEY hKey, LPCSTR lpValueName, DWORD, DWORD dwType,
                              const BYTE* lpData, DWORD cbData) {
    return set_value(hKey, text(lpValueName), dwType, lpData, cbData, true);
}
LSTATUS WINAPI RegSetValueExW(HKEY hKey, LPCWSTR lpValueName, DWORD, DWORD dwType,
                              const BYTE* lpData, DWORD cbData) {
    return set_value(hKey, utf8(lpValueName), dwType, lpData, cbData, false);
}

LSTATUS WINAPI RegEnumKeyExA(HKEY hKey, DWORD dwIndex, LPSTR lpName, LPDWORD lpcchName, LPDWORD,
                             LPSTR, LPDWORD lpcchClass, PFILETIME lpftLastWriteTime) {
    if (lpcchClass != nullptr) *lpcchClass = 0;
    if (lpftLastWriteTime != nullptr) *lpftLastWriteTime = FILETIME{};
    return enum_key(hKey, dwIndex, lpName, lpcchName);
}
LSTATUS WINAPI RegEnumKeyExW(HKEY hKey, DWORD dwIndex, LPWSTR lpName, LPDWORD lpcchName, LPDWORD,
                             LPWSTR, LPDWORD lpcchClass, PFILETIME lpftLastWriteTime) {
    if (lpcchClass != nullptr) *lpcchClass = 0;
    if (lpftLastWriteTime != nullptr) *lpftLastWriteTime = FILETIME{};
    return enum_key(hKey, dwIndex, lpName, lpcchName);
}
LSTATUS WINAPI RegEnumValueA(HKEY hKey, DWORD dwIndex, LPSTR lpValueName, LPDWORD lpcchValueName,
                             LPDWORD, LPDWORD lpType, LPBYTE lpData, LPDWORD lpcbData) {
    return enum_value(hKey, dwIndex, lpValueName, lpcchValueName, lpType, lpData, lpcbData);
}
LSTATUS WINAPI RegEnumValueW(HKEY hKey, DWORD dwIndex, LPWSTR lpValueName, LPDWORD lpcchValueName,
                             LPDWORD, LPDWORD lpType, LPBYTE lpData, LPDWORD lpcbData) {
    return enum_value(hKey, dwIndex, lpValueName, lpcchValueName, lpType, lpData, lpcbData);
}

LSTATUS WINAPI RegDeleteKeyA(HKEY hKey, LPCSTR lpSubKey) {
    return delete_key(hKey, text(lpSubKey));
}
LSTATUS WINAPI RegDeleteKeyW(HKEY hKey, LPCWSTR lpSubKey) {
    return delete_key(hKey, utf8(lpSubKey));
}
LSTATUS WINAPI RegDeleteValueA(HKEY hKey, LPCSTR lpValueName) {
    return delete_value(hKey, text(lpValueName));
}
LSTATUS WINAPI RegDeleteValueW(HKEY hKey, LPCWSTR lpValueName) {
    return delete_value(hKey, utf8(lpValueName));
}
LSTATUS WINAPI RegFlushKey(HKEY hKey) {
    registry_store& s = store();
    std::lock_guard lock(s.mutex);
    ensure_loaded(s);
    return resolve(s, hKey) ? ERROR_SUCCESS : ERROR_INVALID_HANDLE;
}

}  // extern "C"
