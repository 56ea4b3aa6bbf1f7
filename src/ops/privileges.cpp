#include "ops/privileges.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

namespace isapi_fcgi::ops {
namespace {

std::optional<unsigned> numeric(const std::string& text) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace

unsigned long raise_open_files_limit() noexcept {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
    ::getrlimit(RLIMIT_NOFILE, &limit);
    return static_cast<unsigned long>(limit.rlim_cur);
}

void drop_privileges(const std::string& user, const std::string& group) {
    if (user.empty() && group.empty()) return;
    std::vector<char> buffer(16384);
    uid_t uid = ::getuid();
    gid_t gid = ::getgid();
    std::string user_name;
    if (!user.empty()) {
        passwd pw{};
        passwd* found = nullptr;
        if (const auto id = numeric(user)) {
            ::getpwuid_r(*id, &pw, buffer.data(), buffer.size(), &found);
            uid = *id;
            if (found) {
                gid = found->pw_gid;
                user_name = found->pw_name;
            } else if (group.empty()) {
                // The master's group (root's 0) is no default for a user the system does not know.
                throw std::runtime_error(fmt::format("user {} has no passwd entry, hence no primary group: set the "
                                                     "pool's 'group'", user));
            }
        } else {
            ::getpwnam_r(user.c_str(), &pw, buffer.data(), buffer.size(), &found);
            if (!found) throw std::runtime_error(fmt::format("user '{}' does not exist", user));
            uid = found->pw_uid;
            gid = found->pw_gid;
            user_name = found->pw_name;
        }
    }
    if (!group.empty()) {
        if (const auto id = numeric(group)) {
            gid = *id;
        } else {
            struct group g {};
            struct group* found = nullptr;
            ::getgrnam_r(group.c_str(), &g, buffer.data(), buffer.size(), &found);
            if (!found) throw std::runtime_error(fmt::format("group '{}' does not exist", group));
            gid = found->gr_gid;
        }
    }
    if (::geteuid() != 0) {
        if (uid == ::geteuid() && gid == ::getegid()) return;
        throw std::runtime_error(fmt::format("cannot switch to user '{}' group '{}': not running as root", user, group));
    }
    // Supplementary groups first, then the group, then the user: after setuid nothing else may change.
    if (!user_name.empty() ? ::initgroups(user_name.c_str(), gid) != 0 : ::setgroups(1, &gid) != 0)
        throw std::runtime_error(fmt::format("setting the groups of '{}' failed: {}", user, std::strerror(errno)));
    if (::setresgid(gid, gid, gid) != 0)
        throw std::runtime_error(fmt::format("setgid({}) failed: {}", gid, std::strerror(errno)));
    if (::setresuid(uid, uid, uid) != 0)
        throw std::runtime_error(fmt::format("setuid({}) failed: {}", uid, std::strerror(errno)));
}

void refuse_root(bool allow_root, const std::string& pool) {
    if (allow_root || ::geteuid() != 0) return;
    throw std::runtime_error(fmt::format(
        "pool {}: refusing to run extensions as root; set the pool's 'user' (e.g. www-data), or 'allow_root: true'",
        pool));
}

void prepare_core_dumps(const std::string& dir) {
    if (dir.empty()) return;
    rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
    if (::setrlimit(RLIMIT_CORE, &unlimited) != 0) {
        rlimit current{};
        ::getrlimit(RLIMIT_CORE, &current);
        current.rlim_cur = current.rlim_max;
        ::setrlimit(RLIMIT_CORE, &current);
    }
    // setuid clears the dumpable flag; a worker that switched users would never dump core.
    ::prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    if (::chdir(dir.c_str()) != 0)
        throw std::runtime_error(fmt::format("core_dump_dir {}: {}", dir, std::strerror(errno)));
}

}  // namespace isapi_fcgi::ops
