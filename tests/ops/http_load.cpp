#include "ops/http_load.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace isapi_fcgi::test {
namespace {

/// A socket that closes itself.
struct socket_fd {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ~socket_fd() {
        if (fd >= 0) ::close(fd);
    }
};

bool send_all(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace

http_load::http_load(std::uint16_t port, std::vector<http_load_request> requests, unsigned clients_per_request)
    : port_(port), requests_(std::move(requests)) {
    for (const auto& r : requests_)
        for (unsigned i = 0; i < clients_per_request; ++i) threads_.emplace_back([this, &r] { run(r); });
}

http_load::~http_load() { stop(); }

std::map<int, std::size_t> http_load::stop() {
    stop_.store(true);
    for (auto& t : threads_)
        if (t.joinable()) t.join();
    std::lock_guard lock(mutex_);
    return statuses_;
}

std::vector<std::string> http_load::failures() const {
    std::lock_guard lock(mutex_);
    return failures_;
}

void http_load::run(const http_load_request& request) {
    std::string answer;
    while (!stop_.load()) {
        const int status = exchange(request, answer);
        std::lock_guard lock(mutex_);
        ++statuses_[status];
        if (status != 200 && failures_.size() < 10)
            failures_.push_back(std::to_string(status) + " for " + request.method + " " + request.path + ": " +
                                answer.substr(0, 300));
        completed_.fetch_add(1);
    }
}

int http_load::exchange(const http_load_request& request, std::string& answer) const {
    answer.clear();
    socket_fd s;
    if (s.fd < 0) return 0;
    // Bounded: a request that hangs fails the test instead of hanging it.
    const timeval bound{60, 0};
    ::setsockopt(s.fd, SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof(bound));
    ::setsockopt(s.fd, SOL_SOCKET, SO_SNDTIMEO, &bound, sizeof(bound));
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port_);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(s.fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
        answer = std::string("connect: ") + std::strerror(errno);
        return 0;
    }
    std::string head = request.method + " " + request.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (request.method == "POST")
        head += "Content-Type: application/octet-stream\r\nContent-Length: " + std::to_string(request.body.size()) + "\r\n";
    head += "\r\n";
    if (!send_all(s.fd, head.data(), head.size()) || !send_all(s.fd, request.body.data(), request.body.size())) {
        answer = std::string("send: ") + std::strerror(errno);
        return 0;
    }
    char buffer[16384];
    for (;;) {
        const ssize_t n = ::recv(s.fd, buffer, sizeof(buffer), 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            answer += std::string(" [recv: ") + std::strerror(errno) + "]";
            return 0;
        }
        if (n == 0) break;
        answer.append(buffer, static_cast<std::size_t>(n));
    }
    // "HTTP/1.1 200 OK"
    if (answer.size() < 12 || answer.compare(0, 5, "HTTP/") != 0) return 0;
    const int status = std::atoi(answer.c_str() + 9);
    if (status == 200 && !request.expect_in_body.empty() && answer.find(request.expect_in_body) == std::string::npos)
        return 1;
    return status;
}

}  // namespace isapi_fcgi::test
