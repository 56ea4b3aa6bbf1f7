#include "ops/systemd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace isapi_fcgi::ops {

systemd_notify::systemd_notify() {
    const char* socket_path = std::getenv("NOTIFY_SOCKET");
    if (socket_path && *socket_path && std::strlen(socket_path) < sizeof(sockaddr_un::sun_path)) {
        address_ = socket_path;
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        const char* usec = std::getenv("WATCHDOG_USEC");
        const char* pid = std::getenv("WATCHDOG_PID");
        if (usec && (!pid || std::strtol(pid, nullptr, 10) == ::getpid())) {
            const long long value = std::strtoll(usec, nullptr, 10);
            if (value > 0) watchdog_ = std::chrono::milliseconds(std::max<long long>(value / 2000, 1));
        }
    }
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
    ::unsetenv("WATCHDOG_PID");
}

systemd_notify::~systemd_notify() {
    if (fd_ >= 0) ::close(fd_);
}

bool systemd_notify::send(std::string_view message) const noexcept {
    if (fd_ < 0) return false;
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::memcpy(sa.sun_path, address_.data(), address_.size());
    socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address_.size());
    if (sa.sun_path[0] == '@') sa.sun_path[0] = '\0';  // abstract namespace
    // Never blocking: the master's one thread also reaps, recycles and reloads, and a notify
    // socket whose reader lags (queue full: 10 datagrams by default) would stop all of that.
    // A short bounded retry, then the message is dropped with a warning.
    for (int attempt = 0; attempt < 50; ++attempt) {
        const ssize_t n = ::sendto(fd_, message.data(), message.size(), MSG_NOSIGNAL | MSG_DONTWAIT,
                                   reinterpret_cast<sockaddr*>(&sa), length);
        if (n == static_cast<ssize_t>(message.size())) return true;
        if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) break;
        ::usleep(10'000);
    }
    spdlog::warn("systemd notification not delivered ({}): {}", std::strerror(errno),
                 message.substr(0, message.find('\n')));
    return false;
}

void systemd_notify::ready(std::string_view status) const {
    send(fmt::format("READY=1\nMAINPID={}\nSTATUS={}", ::getpid(), status));
}

void systemd_notify::reloading() const {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    // MONOTONIC_USEC lets systemd 253+ tell this reload from the next one.
    send(fmt::format("RELOADING=1\nMONOTONIC_USEC={}\nSTATUS=reloading",
                     static_cast<long long>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000));
}

void systemd_notify::stopping() const { send("STOPPING=1\nSTATUS=stopping"); }
void systemd_notify::status(std::string_view status) const { send(fmt::format("STATUS={}", status)); }
void systemd_notify::watchdog() const { send("WATCHDOG=1"); }

}  // namespace isapi_fcgi::ops
