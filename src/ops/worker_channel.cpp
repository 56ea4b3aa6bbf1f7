#include "ops/worker_channel.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace isapi_fcgi::ops {

bool send_message(int fd, std::string_view message) noexcept { return send_message(fd, message, {}); }

bool send_message(int fd, std::string_view message, std::span<const int> fds) noexcept {
    const auto n = std::min(message.size(), max_message);
    if (fds.size() > max_message_fds) return false;
    iovec data{const_cast<char*>(message.data()), n};
    msghdr header{};
    header.msg_iov = &data;
    header.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * max_message_fds)];
    if (!fds.empty()) {
        header.msg_control = control;
        header.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
        cmsghdr* c = CMSG_FIRSTHDR(&header);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
        std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
    }
    ssize_t sent;
    do {
        sent = ::sendmsg(fd, &header, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    return sent == static_cast<ssize_t>(n);
}

std::optional<message_with_fds> receive_message_with_fds(int fd) {
    char buffer[max_message];
    iovec data{buffer, sizeof(buffer)};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * max_message_fds)];
    msghdr header{};
    header.msg_iov = &data;
    header.msg_iovlen = 1;
    header.msg_control = control;
    header.msg_controllen = sizeof(control);
    ssize_t n;
    do {
        n = ::recvmsg(fd, &header, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return std::nullopt;
    message_with_fds out{std::string(buffer, static_cast<std::size_t>(n)), {}};
    for (cmsghdr* c = CMSG_FIRSTHDR(&header); c; c = CMSG_NXTHDR(&header, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (std::size_t i = 0; i < count; ++i) {
            int received;
            std::memcpy(&received, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
            out.fds.push_back(received);
        }
    }
    return out;
}

std::optional<std::string> receive_message(int fd) {
    auto message = receive_message_with_fds(fd);
    if (!message) return std::nullopt;
    for (const int received : message->fds) ::close(received);
    return std::move(message->text);
}

}  // namespace isapi_fcgi::ops
