#include "engine/unix_socket_file.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace isapi_fcgi::engine {
namespace {

[[noreturn]] void fail(const std::string& path, std::string_view why) {
    throw std::runtime_error(fmt::format("unix:{}: {}", path, why));
}

/// connect() to the socket: true if something accepted, false on ECONNREFUSED; other errors throw.
bool something_answers(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) fail(path, fmt::format("socket(): {}", std::strerror(errno)));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), std::min(path.size(), sizeof(addr.sun_path) - 1));
    const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
    const int err = errno;
    ::close(fd);
    if (rc == 0) return true;
    if (err == ECONNREFUSED) return false;
    fail(path, fmt::format("cannot tell whether the existing socket is in use: connect(): {}",
                           std::strerror(err)));
}

bool numeric(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

uid_t lookup_user(const std::string& path, const std::string& name) {
    if (numeric(name)) return static_cast<uid_t>(std::strtoul(name.c_str(), nullptr, 10));
    const passwd* pw = ::getpwnam(name.c_str());
    if (!pw) fail(path, fmt::format("unknown socket owner '{}'", name));
    return pw->pw_uid;
}

gid_t lookup_group(const std::string& path, const std::string& name) {
    if (numeric(name)) return static_cast<gid_t>(std::strtoul(name.c_str(), nullptr, 10));
    const group* gr = ::getgrnam(name.c_str());
    if (!gr) fail(path, fmt::format("unknown socket group '{}'", name));
    return gr->gr_gid;
}

}  // namespace

void clear_stale_unix_socket(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return;
        fail(path, fmt::format("lstat(): {}", std::strerror(errno)));
    }
    if (S_ISLNK(st.st_mode)) fail(path, "is a symbolic link; refusing to follow or replace it");
    if (!S_ISSOCK(st.st_mode)) fail(path, "exists and is not a socket; refusing to replace it");
    if (something_answers(path)) fail(path, "another process is listening on it");
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        fail(path, fmt::format("cannot remove the stale socket: {}", std::strerror(errno)));
}

void apply_unix_socket_owner(const std::string& path, const unix_socket_options& socket) {
    if (socket.owner.empty() && socket.group.empty()) return;
    const uid_t uid = socket.owner.empty() ? static_cast<uid_t>(-1) : lookup_user(path, socket.owner);
    const gid_t gid = socket.group.empty() ? static_cast<gid_t>(-1) : lookup_group(path, socket.group);
    if (::lchown(path.c_str(), uid, gid) != 0)
        fail(path, fmt::format("cannot set owner/group: {}", std::strerror(errno)));
}

file_identity identify(const std::string& path) noexcept {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return {};
    return {st.st_dev, st.st_ino, true};
}

void remove_if_same(const std::string& path, const file_identity& id) noexcept {
    const auto now = identify(path);
    if (id.valid && now.valid && now.device == id.device && now.inode == id.inode) ::unlink(path.c_str());
}

}  // namespace isapi_fcgi::engine
