// Access tokens and SIDs over the worker's Unix identity (securitybaseapi.h): the user is
// S-1-22-1-<uid>, groups are S-1-22-2-<gid>.
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <isapi/win32/windows.h>

#include "win32/kernel_objects.hpp"
#include "win32/win32_error.hpp"

namespace {

using isapi_fcgi::win32::fail;
using isapi_fcgi::win32::kernel_object;

// A token is never signalled: waiting on it times out, as a wait on a non-waitable object would.
class token_object final : public kernel_object {
public:
    token_object() : kernel_object(kind::token) {}
    bool signalled(DWORD) const override { return false; }
    void acquire(DWORD) override {}
};

constexpr BYTE unix_authority = 22;
constexpr DWORD unix_user = 1;
constexpr DWORD unix_group = 2;
constexpr DWORD sid_size = 8 + 2 * sizeof(DWORD);  // two sub-authorities

void write_sid(BYTE* out, DWORD kind, DWORD id) {
    const BYTE header[8] = {1, 2, 0, 0, 0, 0, 0, unix_authority};
    std::memcpy(out, header, sizeof(header));
    std::memcpy(out + 8, &kind, sizeof(DWORD));
    std::memcpy(out + 12, &id, sizeof(DWORD));
}

bool read_unix_sid(PSID sid, DWORD& kind, DWORD& id) {
    const auto* bytes = static_cast<const BYTE*>(sid);
    if (bytes == nullptr || bytes[0] != 1 || bytes[1] != 2 || bytes[7] != unix_authority) return false;
    for (int i = 2; i < 7; ++i) {
        if (bytes[i] != 0) return false;
    }
    std::memcpy(&kind, bytes + 8, sizeof(DWORD));
    std::memcpy(&id, bytes + 12, sizeof(DWORD));
    return kind == unix_user || kind == unix_group;
}

std::vector<gid_t> process_groups() {
    std::vector<gid_t> groups(static_cast<std::size_t>(::getgroups(0, nullptr) > 0 ? ::getgroups(0, nullptr) : 0));
    if (!groups.empty()) groups.resize(static_cast<std::size_t>(::getgroups(static_cast<int>(groups.size()), groups.data())));
    const gid_t primary = ::getegid();
    if (std::find(groups.begin(), groups.end(), primary) == groups.end()) groups.insert(groups.begin(), primary);
    return groups;
}

// SID_AND_ATTRIBUTES array followed by the SIDs it points to, in one caller buffer.
DWORD sid_array_size(std::size_t count) {
    return static_cast<DWORD>(count * (sizeof(SID_AND_ATTRIBUTES) + sid_size));
}

void fill_sid_array(BYTE* at, const std::vector<std::pair<DWORD, DWORD>>& sids, DWORD attributes) {
    auto* entries = reinterpret_cast<SID_AND_ATTRIBUTES*>(at);
    BYTE* sid_at = at + sids.size() * sizeof(SID_AND_ATTRIBUTES);
    for (std::size_t i = 0; i < sids.size(); ++i) {
        write_sid(sid_at, sids[i].first, sids[i].second);
        entries[i].Sid = sid_at;
        entries[i].Attributes = attributes;
        sid_at += sid_size;
    }
}

bool copy_name(const std::string& text, LPSTR out, LPDWORD cch, bool& too_small) {
    if (cch == nullptr) return false;
    const auto needed = static_cast<DWORD>(text.size() + 1);
    if (out == nullptr || *cch < needed) {
        *cch = needed;
        too_small = true;
        return true;
    }
    std::memcpy(out, text.c_str(), needed);
    *cch = needed - 1;
    return true;
}

}  // namespace

extern "C" {

BOOL WINAPI OpenProcessToken(HANDLE ProcessHandle, DWORD, PHANDLE TokenHandle) {
    if (TokenHandle == nullptr) return fail(ERROR_NOACCESS);
    if (ProcessHandle != GetCurrentProcess()) return fail(ERROR_INVALID_HANDLE);
    HANDLE handle = isapi_fcgi::win32::register_object(std::make_shared<token_object>());
    if (handle == nullptr) return FALSE;
    *TokenHandle = handle;
    return TRUE;
}

BOOL WINAPI GetTokenInformation(HANDLE TokenHandle, TOKEN_INFORMATION_CLASS TokenInformationClass,
                                LPVOID TokenInformation, DWORD TokenInformationLength,
                                PDWORD ReturnLength) {
    if (!isapi_fcgi::win32::find_as<token_object>(TokenHandle, kernel_object::kind::token)) {
        return fail(ERROR_INVALID_HANDLE);
    }
    if (ReturnLength == nullptr) return fail(ERROR_NOACCESS);
    std::vector<std::pair<DWORD, DWORD>> groups;
    for (const gid_t gid : process_groups()) groups.emplace_back(unix_group, static_cast<DWORD>(gid));
    const std::vector<std::pair<DWORD, DWORD>> user = {{unix_user, static_cast<DWORD>(::geteuid())}};
    DWORD needed = 0;
    switch (TokenInformationClass) {
        case TokenUser: needed = sid_array_size(1); break;
        case TokenGroups: needed = static_cast<DWORD>(offsetof(TOKEN_GROUPS, Groups)) + sid_array_size(groups.size()); break;
        case TokenGroupsAndPrivileges:
            needed = static_cast<DWORD>(sizeof(TOKEN_GROUPS_AND_PRIVILEGES)) + sid_array_size(groups.size() + 1);
            break;
        default: return fail(ERROR_INVALID_PARAMETER);
    }
    *ReturnLength = needed;
    if (TokenInformation == nullptr || TokenInformationLength < needed) return fail(ERROR_INSUFFICIENT_BUFFER);
    auto* out = static_cast<BYTE*>(TokenInformation);
    const DWORD enabled = SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED;
    if (TokenInformationClass == TokenUser) {
        fill_sid_array(out, user, 0);
    } else if (TokenInformationClass == TokenGroups) {
        auto* info = static_cast<TOKEN_GROUPS*>(TokenInformation);
        info->GroupCount = static_cast<DWORD>(groups.size());
        fill_sid_array(out + offsetof(TOKEN_GROUPS, Groups), groups, enabled);
    } else {
        auto* info = static_cast<TOKEN_GROUPS_AND_PRIVILEGES*>(TokenInformation);
        std::memset(info, 0, sizeof(*info));
        std::vector<std::pair<DWORD, DWORD>> all = user;
        all.insert(all.end(), groups.begin(), groups.end());
        info->SidCount = static_cast<DWORD>(all.size());
        info->SidLength = sid_array_size(all.size());
        BYTE* at = out + sizeof(TOKEN_GROUPS_AND_PRIVILEGES);
        fill_sid_array(at, all, enabled);
        info->Sids = reinterpret_cast<PSID_AND_ATTRIBUTES>(at);
        info->AuthenticationId.LowPart = static_cast<DWORD>(::getpid());
    }
    return TRUE;
}

BOOL WINAPI LookupAccountSidA(LPCSTR lpSystemName, PSID Sid, LPSTR Name, LPDWORD cchName,
                              LPSTR ReferencedDomainName, LPDWORD cchReferencedDomainName,
                              PSID_NAME_USE peUse) {
    if (lpSystemName != nullptr && lpSystemName[0] != '\0') {
        char host[256] = {};
        ::gethostname(host, sizeof(host) - 1);
        if (::strcasecmp(lpSystemName, host) != 0) return fail(ERROR_NOT_SUPPORTED);
    }
    if (Sid == nullptr || cchName == nullptr || cchReferencedDomainName == nullptr) {
        return fail(ERROR_INVALID_PARAMETER);
    }
    DWORD kind = 0, id = 0;
    if (!read_unix_sid(Sid, kind, id)) return fail(ERROR_NONE_MAPPED);
    std::string name, domain;
    std::vector<char> buffer(16384);
    if (kind == unix_user) {
        passwd entry{}, *result = nullptr;
        if (::getpwuid_r(id, &entry, buffer.data(), buffer.size(), &result) != 0 || result == nullptr) {
            return fail(ERROR_NONE_MAPPED);
        }
        name = entry.pw_name;
        domain = "Unix User";
    } else {
        group entry{}, *result = nullptr;
        if (::getgrgid_r(id, &entry, buffer.data(), buffer.size(), &result) != 0 || result == nullptr) {
            return fail(ERROR_NONE_MAPPED);
        }
        name = entry.gr_name;
        domain = "Unix Group";
    }
    // Both sizes are reported before anything is copied, as Windows does.
    const auto name_needed = static_cast<DWORD>(name.size() + 1);
    const auto domain_needed = static_cast<DWORD>(domain.size() + 1);
    if (Name == nullptr || *cchName < name_needed || ReferencedDomainName == nullptr
        || *cchReferencedDomainName < domain_needed) {
        *cchName = name_needed;
        *cchReferencedDomainName = domain_needed;
        return fail(ERROR_INSUFFICIENT_BUFFER);
    }
    bool too_small = false;
    copy_name(name, Name, cchName, too_small);
    copy_name(domain, ReferencedDomainName, cchReferencedDomainName, too_small);
    if (peUse != nullptr) *peUse = kind == unix_user ? SidTypeUser : SidTypeGroup;
    return TRUE;
}

BOOL WINAPI RevertToSelf(VOID) {
    return TRUE;
}

BOOL WINAPI SetThreadToken(PHANDLE Thread, HANDLE Token) {
    if (Thread != nullptr && *Thread != GetCurrentThread()) return fail(ERROR_NOT_SUPPORTED);
    if (Token != nullptr && !isapi_fcgi::win32::find_as<token_object>(Token, kernel_object::kind::token)) {
        return fail(ERROR_INVALID_HANDLE);
    }
    return TRUE;
}

BOOL WINAPI IsValidSid(PSID pSid) {
    const auto* bytes = static_cast<const BYTE*>(pSid);
    return bytes != nullptr && bytes[0] == 1 && bytes[1] <= 15;
}

DWORD WINAPI GetLengthSid(PSID pSid) {
    if (!IsValidSid(pSid)) return 0;
    return 8 + 4 * static_cast<const BYTE*>(pSid)[1];
}

BOOL WINAPI EqualSid(PSID pSid1, PSID pSid2) {
    if (!IsValidSid(pSid1) || !IsValidSid(pSid2)) return fail(ERROR_INVALID_SID);
    const DWORD length = GetLengthSid(pSid1);
    return length == GetLengthSid(pSid2) && std::memcmp(pSid1, pSid2, length) == 0;
}

}  // extern "C"
