#include "support/free_port.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <thread>

#include "support/test_process.hpp"

namespace isapi_fcgi::test {

namespace {

sockaddr_in loopback(std::uint16_t port)
{
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

class fd_guard {
public:
    explicit fd_guard(int fd) : fd_(fd) {}
    ~fd_guard()
    {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    fd_guard(const fd_guard&) = delete;
    fd_guard& operator=(const fd_guard&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

}  // namespace

std::uint16_t free_loopback_port()
{
    fd_guard socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (socket.get() < 0) {
        throw std::system_error(errno, std::generic_category(), "socket");
    }
    auto address = loopback(0);
    if (::bind(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        throw std::system_error(errno, std::generic_category(), "bind 127.0.0.1:0");
    }
    socklen_t length = sizeof address;
    if (::getsockname(socket.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        throw std::system_error(errno, std::generic_category(), "getsockname");
    }
    return ntohs(address.sin_port);
}

bool port_accepts(std::uint16_t port)
{
    fd_guard socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (socket.get() < 0) {
        return false;
    }
    auto address = loopback(port);
    return ::connect(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
}

bool wait_until_port_accepts(std::uint16_t port, deadline until, test_process* owner)
{
    for (;;) {
        if (port_accepts(port)) {
            return true;
        }
        if ((owner != nullptr && !owner->running()) || clock::now() >= until) {
            return false;
        }
        // Nothing to wait on for "somebody started listening": poll at a short interval.
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

}  // namespace isapi_fcgi::test
