#include "isapi/partial_download.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace isapi_fcgi::test {

namespace {

class socket_fd {
public:
    socket_fd() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) {}
    ~socket_fd()
    {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    socket_fd(const socket_fd&) = delete;
    socket_fd& operator=(const socket_fd&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

[[noreturn]] void fail(const std::string& what)
{
    throw std::runtime_error("read_then_close: " + what);
}

void wait_for(int fd, short events, deadline until, const char* what)
{
    pollfd p{fd, events, 0};
    int ready = ::poll(&p, 1, poll_timeout_ms(until));
    if (ready < 0 && errno != EINTR) {
        fail(std::string("poll: ") + std::strerror(errno));
    }
    if (ready == 0 && clock::now() >= until) {
        fail(std::string("deadline passed while ") + what);
    }
}

}  // namespace

std::string read_then_close(std::uint16_t port, const std::string& request, std::size_t bytes,
                            deadline until)
{
    socket_fd sock;
    if (sock.get() < 0) {
        fail(std::string("socket: ") + std::strerror(errno));
    }
    // A small receive buffer keeps the unread rest (and so the reset) close to the cut.
    int receive_buffer = 64 * 1024;
    ::setsockopt(sock.get(), SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof(receive_buffer));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(sock.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0
        && errno != EINPROGRESS) {
        fail(std::string("connect: ") + std::strerror(errno));
    }
    std::size_t sent = 0;
    while (sent < request.size()) {
        wait_for(sock.get(), POLLOUT, until, "sending");
        ssize_t n = ::send(sock.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            fail(std::string("send: ") + std::strerror(errno));
        }
        sent += n > 0 ? static_cast<std::size_t>(n) : 0;
    }
    std::string received;
    char buffer[65536];
    while (received.size() < bytes) {
        wait_for(sock.get(), POLLIN, until, "reading");
        ssize_t n = ::recv(sock.get(), buffer, sizeof(buffer), 0);
        if (n == 0) {
            fail("the server closed after " + std::to_string(received.size()) + " bytes");
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            fail(std::string("recv: ") + std::strerror(errno));
        }
        if (n > 0) {
            received.append(buffer, static_cast<std::size_t>(n));
        }
    }
    return received;
}

}  // namespace isapi_fcgi::test
