#include "ops/listen_sockets.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "ops/engine_options.hpp"

namespace isapi_fcgi::ops {
namespace {

[[noreturn]] void fail(const config::listen_address& address, std::string_view what, int error) {
    throw std::runtime_error(fmt::format("{}: {}: {}", address.text, what, std::strerror(error)));
}

bool is_listening_socket(int fd) {
    int accepting = 0;
    socklen_t length = sizeof(accepting);
    return ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) == 0 && accepting;
}

std::string describe_local(int fd) {
    sockaddr_storage local{};
    socklen_t length = sizeof(local);
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0) return "?";
    char text[INET6_ADDRSTRLEN] = "";
    switch (local.ss_family) {
    case AF_UNIX: return fmt::format("unix:{}", reinterpret_cast<sockaddr_un*>(&local)->sun_path);
    case AF_INET: {
        const auto* in = reinterpret_cast<sockaddr_in*>(&local);
        ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
        return fmt::format("tcp:{}:{}", text, ntohs(in->sin_port));
    }
    case AF_INET6: {
        const auto* in6 = reinterpret_cast<sockaddr_in6*>(&local);
        ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
        return fmt::format("tcp:[{}]:{}", text, ntohs(in6->sin6_port));
    }
    default: return "?";
    }
}

void set_cloexec(int fd) { ::fcntl(fd, F_SETFD, ::fcntl(fd, F_GETFD) | FD_CLOEXEC); }

}  // namespace

listen_sockets::listen_sockets() {
    // sd_listen_fds(3): the descriptors are ours only when LISTEN_PID names this process.
    const char* pid = std::getenv("LISTEN_PID");
    const char* fds = std::getenv("LISTEN_FDS");
    if (pid && fds && std::strtol(pid, nullptr, 10) == ::getpid()) {
        const long count = std::strtol(fds, nullptr, 10);
        std::vector<std::string> names;
        if (const char* n = std::getenv("LISTEN_FDNAMES")) {
            std::string_view all(n);
            while (true) {
                const auto colon = all.find(':');
                names.emplace_back(all.substr(0, colon));
                if (colon == std::string_view::npos) break;
                all.remove_prefix(colon + 1);
            }
        }
        for (long i = 0; i < count && i < 1024; ++i) {
            const int fd = 3 + static_cast<int>(i);
            set_cloexec(fd);
            inherited_.push_back({fd, static_cast<std::size_t>(i) < names.size() ? names[i] : "unknown"});
        }
    }
    ::unsetenv("LISTEN_PID");
    ::unsetenv("LISTEN_FDS");
    ::unsetenv("LISTEN_FDNAMES");
    // FCGI_LISTENSOCK_FILENO: spawn-fcgi and mod_fcgid hand the socket over as stdin.
    if (is_listening_socket(0)) inherited_.push_back({0, "stdin"});
}

listen_sockets::~listen_sockets() {
    for (auto& [identity, s] : open_) {
        if (!s.unix_path.empty()) engine::remove_if_same(s.unix_path, s.unix_file);
        if (s.fd > 2) ::close(s.fd);
    }
}

std::vector<const open_socket*> listen_sockets::open_pool(const config::pool_settings& pool) {
    std::vector<const open_socket*> out;
    for (const auto& address : pool.listen) {
        if (address.type != config::listen_address::kind::systemd) {
            out.push_back(&open_one(address, pool));
            continue;
        }
        // Every descriptor passed under the name: a socket unit may list several ListenStream=.
        std::size_t found = 0;
        for (auto& i : inherited_) {
            if (i.name != address.name) continue;
            config::listen_address fd_address;
            fd_address.type = config::listen_address::kind::inherited_fd;
            fd_address.fd = i.fd;
            fd_address.text = address.text;
            out.push_back(&open_one(fd_address, pool));
            ++found;
        }
        if (found == 0) {
            std::string passed;
            for (const auto& i : inherited_) passed += (passed.empty() ? "" : ", ") + fmt::format("{} (fd {})", i.name, i.fd);
            throw std::runtime_error(fmt::format("{}: systemd passed no socket named '{}' ({})", address.text,
                                                 address.name, passed.empty() ? "LISTEN_FDS is not set" : "passed: " + passed));
        }
    }
    return out;
}

const open_socket& listen_sockets::open_one(const config::listen_address& address, const config::pool_settings& pool) {
    std::string identity;
    switch (address.type) {
    case config::listen_address::kind::unix_socket: identity = "unix:" + address.path; break;
    case config::listen_address::kind::tcp: identity = fmt::format("tcp:{}:{}", address.host, address.port); break;
    case config::listen_address::kind::inherited_fd: identity = fmt::format("fd:{}", address.fd); break;
    case config::listen_address::kind::systemd: throw std::logic_error("systemd address not expanded");
    }
    // Port 0 means "a fresh port": never reuse one across pools or reloads.
    const bool ephemeral = address.type == config::listen_address::kind::tcp && address.port == 0;
    if (!ephemeral) {
        if (auto it = open_.find(identity); it != open_.end()) return it->second;
    } else {
        identity += fmt::format("#{}", open_.size());
    }
    open_socket s;
    s.identity = identity;
    s.text = address.text;
    switch (address.type) {
    case config::listen_address::kind::unix_socket: open_unix(s, address, pool); break;
    case config::listen_address::kind::tcp: open_tcp(s, address, pool); break;
    default: {
        if (!is_listening_socket(address.fd))
            throw std::runtime_error(fmt::format("{}: file descriptor {} is not a listening socket", address.text, address.fd));
        for (auto& i : inherited_)
            if (i.fd == address.fd) i.claimed = true;
        s.fd = address.fd;
        if (s.fd > 2) set_cloexec(s.fd);
    }
    }
    s.local = describe_local(s.fd);
    return open_.emplace(identity, std::move(s)).first->second;
}

void listen_sockets::open_unix(open_socket& s, const config::listen_address& address, const config::pool_settings& pool) {
    engine::clear_stale_unix_socket(address.path);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) fail(address, "socket()", errno);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::memcpy(sa.sun_path, address.path.c_str(), address.path.size() + 1);
    // The umask gives the file its mode at creation: no window with looser permissions.
    const mode_t previous = ::umask(static_cast<mode_t>(~pool.socket.mode & 0777));
    const int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
    const int bind_error = errno;
    ::umask(previous);
    if (rc != 0) {
        ::close(fd);
        fail(address, "bind()", bind_error);
    }
    s.fd = fd;
    s.unix_path = address.path;
    s.unix_file = engine::identify(address.path);
    engine::apply_unix_socket_owner(address.path, engine_unix_socket_options(pool.socket));
    if (::listen(fd, static_cast<int>(pool.listen_backlog)) != 0) fail(address, "listen()", errno);
}

void listen_sockets::open_tcp(open_socket& s, const config::listen_address& address, const config::pool_settings& pool) {
    sockaddr_storage sa{};
    socklen_t length = 0;
    auto* in = reinterpret_cast<sockaddr_in*>(&sa);
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&sa);
    if (::inet_pton(AF_INET, address.host.c_str(), &in->sin_addr) == 1) {
        in->sin_family = AF_INET;
        in->sin_port = htons(address.port);
        length = sizeof(*in);
    } else if (::inet_pton(AF_INET6, address.host.c_str(), &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(address.port);
        length = sizeof(*in6);
    } else {
        fail(address, "address", EINVAL);
    }
    const int fd = ::socket(sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) fail(address, "socket()", errno);
    s.fd = fd;
    const int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), length) != 0) fail(address, "bind()", errno);
    if (::listen(fd, static_cast<int>(pool.listen_backlog)) != 0) fail(address, "listen()", errno);
}

void listen_sockets::check_all_claimed() const {
    for (const auto& i : inherited_) {
        if (i.claimed) continue;
        if (i.fd == 0)
            throw std::runtime_error("descriptor 0 is a listening socket (FCGI_LISTENSOCK_FILENO) that no pool "
                                     "listens on: add 'fd:0' to a pool's listen");
        throw std::runtime_error(fmt::format("systemd passed socket '{}' (fd {}) that no pool listens on: add "
                                             "'systemd:{}' to a pool's listen",
                                             i.name, i.fd, i.name));
    }
}

void listen_sockets::close_unused(const std::vector<std::string>& in_use) {
    for (auto it = open_.begin(); it != open_.end();) {
        if (std::find(in_use.begin(), in_use.end(), it->first) != in_use.end()) {
            ++it;
            continue;
        }
        if (!it->second.unix_path.empty()) engine::remove_if_same(it->second.unix_path, it->second.unix_file);
        if (it->second.fd > 2) ::close(it->second.fd);
        it = open_.erase(it);
    }
}

void listen_sockets::stop_listening() {
    for (auto& [identity, s] : open_) {
        if (!s.unix_path.empty()) engine::remove_if_same(s.unix_path, s.unix_file);
        s.unix_path.clear();
    }
    close_descriptors();
}

void listen_sockets::close_descriptors() {
    for (auto& [identity, s] : open_) {
        if (s.fd < 0) continue;
        if (s.fd > 2) {
            ::close(s.fd);
        } else if (const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC); null >= 0) {
            ::dup2(null, s.fd);  // keeps 0-2 taken, so no later open() lands there
            ::close(null);
        }
        s.fd = -1;
    }
}

std::vector<config::listen_address> listen_sockets::as_inherited(const std::vector<const open_socket*>& sockets) {
    std::vector<config::listen_address> out;
    for (const auto* s : sockets) {
        config::listen_address a;
        a.type = config::listen_address::kind::inherited_fd;
        a.fd = s->fd;
        a.text = s->local;
        out.push_back(std::move(a));
    }
    return out;
}

}  // namespace isapi_fcgi::ops
