#include "ops/worker_channel.hpp"

#include <sys/socket.h>

#include <cerrno>

namespace isapi_fcgi::ops {

bool send_message(int fd, std::string_view message) noexcept {
    const auto n = std::min(message.size(), max_message);
    ssize_t sent;
    do {
        sent = ::send(fd, message.data(), n, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    return sent == static_cast<ssize_t>(n);
}

std::optional<std::string> receive_message(int fd) {
    char buffer[max_message];
    ssize_t n;
    do {
        n = ::recv(fd, buffer, sizeof(buffer), 0);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return std::nullopt;
    return std::string(buffer, static_cast<std::size_t>(n));
}

}  // namespace isapi_fcgi::ops
