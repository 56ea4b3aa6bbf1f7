#include "config/accounts.hpp"

#include <grp.h>
#include <pwd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

namespace isapi_fcgi::config {
namespace {

// uid_t and gid_t are 32 bits; (uid_t)-1 means "no change" to chown, so it is not an id.
bool is_numeric_id(std::string_view text) {
    std::uint64_t value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    return !text.empty() && ec == std::errc{} && ptr == end && value < 0xFFFFFFFFULL;
}

// getpwnam_r/getgrnam_r report a too-small buffer as ERANGE; entries with many group members
// can exceed the sysconf hint, so the buffer grows until the lookup fits (bounded at 1MiB).
template <typename Entry, typename Lookup>
bool entry_exists(std::string_view name, Lookup lookup) {
    const std::string key(name);
    std::vector<char> buffer(4096);
    while (true) {
        Entry entry{};
        Entry* found = nullptr;
        const int rc = lookup(key.c_str(), &entry, buffer.data(), buffer.size(), &found);
        if (rc == ERANGE && buffer.size() < (1U << 20)) {
            buffer.resize(buffer.size() * 2);
            continue;
        }
        return rc == 0 && found != nullptr;
    }
}

}  // namespace

bool user_exists(std::string_view name_or_id) {
    return is_numeric_id(name_or_id) || entry_exists<passwd>(name_or_id, getpwnam_r);
}

bool user_has_primary_group(std::string_view name_or_id) {
    if (entry_exists<passwd>(name_or_id, getpwnam_r)) return true;
    if (!is_numeric_id(name_or_id)) return false;
    const auto uid = static_cast<uid_t>(std::stoul(std::string(name_or_id)));
    return entry_exists<passwd>(name_or_id, [uid](const char*, passwd* entry, char* buffer, std::size_t size,
                                                  passwd** found) {
        return getpwuid_r(uid, entry, buffer, size, found);
    });
}

bool group_exists(std::string_view name_or_id) {
    return is_numeric_id(name_or_id) || entry_exists<group>(name_or_id, getgrnam_r);
}

}  // namespace isapi_fcgi::config
