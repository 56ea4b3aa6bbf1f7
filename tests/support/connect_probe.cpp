#include "support/connect_probe.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace isapi_fcgi::test {

int connect_errno(const std::string& address)
{
    int fd = -1;
    int rc = -1;
    if (address.rfind("unix:", 0) == 0) {
        sockaddr_un sa{};
        sa.sun_family = AF_UNIX;
        std::strncpy(sa.sun_path, address.c_str() + 5, sizeof(sa.sun_path) - 1);
        fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        rc = ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
    } else {
        sockaddr_in sa{};
        sa.sin_family = AF_INET;
        sa.sin_port = htons(static_cast<std::uint16_t>(std::stoul(address.substr(address.rfind(':') + 1))));
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        rc = ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
    }
    const int error = rc == 0 ? 0 : errno;
    if (fd >= 0) {
        ::close(fd);
    }
    return error;
}

bool wait_connect_refused(const std::string& address, deadline until)
{
    while (true) {
        const int error = connect_errno(address);
        if (error == ECONNREFUSED || error == ENOENT) {
            return true;
        }
        if (clock::now() >= until) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));  // pacing between polls
    }
}

}  // namespace isapi_fcgi::test
