#include "ping/ping_command.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include <fmt/format.h>

#include "config/value_error.hpp"
#include "config/value_parsers.hpp"
#include "ping/ping_exchange.hpp"

namespace isapi_fcgi::ping {
namespace {

using clock = std::chrono::steady_clock;

constexpr int exit_healthy = 0;
constexpr int exit_unhealthy = 1;
constexpr int exit_usage = 2;
// One PARAMS record carries the whole request; the other params take well under 256 bytes.
constexpr std::size_t max_path_length = 0xffff - 256;

struct options {
    std::string socket = "unix:/run/isapi-fcgi/isapi-fcgi.sock";  // the default listen address
    std::string path = "/ping";                                   // the default ping_path
    std::chrono::milliseconds timeout{std::chrono::seconds(3)};
};

void usage(std::FILE* to) {
    std::fprintf(to,
                 "usage: isapi-fcgi ping [--socket unix:PATH|tcp:HOST:PORT] [--path /ping] [--timeout S]\n"
                 "\n"
                 "Sends one FastCGI request for a pool's ping path and exits 0 when it answers 200,\n"
                 "1 otherwise (the reason goes to stderr): a health check for containers and probes.\n"
                 "\n"
                 "  --socket ADDRESS  the pool's listen address (default unix:/run/isapi-fcgi/isapi-fcgi.sock)\n"
                 "  --path PATH       the pool's ping_path (default /ping)\n"
                 "  --timeout T       for connecting and the whole answer: 3, 500ms, 2s (default 3s)\n");
}

// nullopt: a mistake, already reported.
std::optional<options> parse(int argc, char** argv, bool& help) {
    options o;
    for (int i = 0; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            help = true;
            return o;
        }
        std::string_view name = arg;
        std::optional<std::string_view> value;
        if (const auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
            name = arg.substr(0, eq);
            value = arg.substr(eq + 1);
        }
        if (name != "--socket" && name != "--path" && name != "--timeout") {
            std::fprintf(stderr, "isapi-fcgi ping: unknown option '%s'\n", argv[i]);
            return std::nullopt;
        }
        if (!value) {
            if (i + 1 == argc) {
                std::fprintf(stderr, "isapi-fcgi ping: %s needs a value\n", argv[i]);
                return std::nullopt;
            }
            value = argv[++i];
        }
        try {
            if (name == "--socket") {
                const auto address = config::parse_listen_address(*value);
                if (address.type != config::listen_address::kind::unix_socket &&
                    address.type != config::listen_address::kind::tcp) {
                    std::fprintf(stderr, "isapi-fcgi ping: --socket takes unix:PATH or tcp:HOST:PORT, not '%.*s'\n",
                                 static_cast<int>(value->size()), value->data());
                    return std::nullopt;
                }
                o.socket = std::string(*value);
            } else if (name == "--path") {
                if (!value->starts_with('/') || value->size() > max_path_length) {
                    std::fprintf(stderr, "isapi-fcgi ping: --path must start with '/' (and be shorter than 64KiB)\n");
                    return std::nullopt;
                }
                o.path = std::string(*value);
            } else {
                o.timeout = config::parse_duration(*value);
                if (o.timeout.count() <= 0) throw config::value_error("the timeout must be above 0");
            }
        } catch (const config::value_error& e) {
            std::fprintf(stderr, "isapi-fcgi ping: %s: %s\n", std::string(name).c_str(), e.what());
            return std::nullopt;
        }
    }
    return o;
}

class socket_fd {
public:
    explicit socket_fd(int fd) : fd_(fd) {}
    ~socket_fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    socket_fd(const socket_fd&) = delete;
    socket_fd& operator=(const socket_fd&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

// Waits for `events` on fd until the deadline: 0 ready, ETIMEDOUT, or poll's errno.
int wait_for(int fd, short events, clock::time_point deadline) {
    for (;;) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now()).count();
        if (left <= 0) return ETIMEDOUT;
        pollfd p{fd, events, 0};
        const int n = ::poll(&p, 1, static_cast<int>(left));
        if (n > 0) return 0;
        if (n < 0 && errno != EINTR) return errno;
    }
}

std::string os_error(int err) { return std::system_category().message(err); }

// The socket address of a unix or numeric tcp listen address; 0 length when not numeric.
socklen_t to_sockaddr(const config::listen_address& a, sockaddr_storage& storage) {
    storage = {};
    if (a.type == config::listen_address::kind::unix_socket) {
        auto& sun = reinterpret_cast<sockaddr_un&>(storage);
        sun.sun_family = AF_UNIX;
        std::memcpy(sun.sun_path, a.path.data(), a.path.size());  // length checked by the parser
        return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + a.path.size() + 1);
    }
    auto& sin = reinterpret_cast<sockaddr_in&>(storage);
    if (::inet_pton(AF_INET, a.host.c_str(), &sin.sin_addr) == 1) {
        sin.sin_family = AF_INET;
        sin.sin_port = htons(a.port);
        return sizeof(sockaddr_in);
    }
    auto& sin6 = reinterpret_cast<sockaddr_in6&>(storage);
    if (::inet_pton(AF_INET6, a.host.c_str(), &sin6.sin6_addr) == 1) {
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons(a.port);
        return sizeof(sockaddr_in6);
    }
    return 0;
}

// The connected socket, or -1 and the reason it could not be had before the deadline.
int connect_to(const config::listen_address& a, clock::time_point deadline, std::string& error) {
    sockaddr_storage storage;
    const socklen_t length = to_sockaddr(a, storage);
    if (length == 0) {
        error = "not a numeric address: " + a.host;
        return -1;
    }
    const int family = storage.ss_family;
    const int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = "socket: " + os_error(errno);
        return -1;
    }
    int err = 0;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&storage), length) != 0) {
        err = errno;
        // A unix socket whose backlog is full answers EAGAIN at once: the server is not accepting.
        if (err == EINPROGRESS) {
            err = wait_for(fd, POLLOUT, deadline);
            socklen_t size = sizeof(err);
            if (err == 0 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &size) != 0) err = errno;
        }
    }
    if (err != 0) {
        error = err == ETIMEDOUT ? std::string("connect: no answer in time") : "connect: " + os_error(err);
        ::close(fd);
        return -1;
    }
    return fd;
}

// Sends the request and reads the reply; nullopt when healthy, else the reason.
std::optional<std::string> exchange(int fd, const std::string& path, clock::time_point deadline) {
    const std::string request = encode_request(path);
    for (std::size_t sent = 0; sent < request.size();) {
        const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n >= 0) {
            sent += static_cast<std::size_t>(n);
        } else if (errno == EAGAIN) {
            if (const int err = wait_for(fd, POLLOUT, deadline))
                return err == ETIMEDOUT ? "the responder did not read the request in time" : "poll: " + os_error(err);
        } else if (errno != EINTR) {
            return "send: " + os_error(errno);
        }
    }
    reply_reader reader;
    std::array<std::byte, 16384> buffer{};
    while (reader.current() == reply_reader::state::need_more) {
        const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (n > 0) {
            reader.feed(std::span(buffer).first(static_cast<std::size_t>(n)));
        } else if (n == 0) {
            reader.end_of_input();
        } else if (errno == EAGAIN) {
            if (const int err = wait_for(fd, POLLIN, deadline))
                return err == ETIMEDOUT ? "no complete answer in time" : "poll: " + os_error(err);
        } else if (errno != EINTR) {
            return "recv: " + os_error(errno);
        }
    }
    if (reader.current() == reply_reader::state::failed) return reader.error();
    return judge(reader.result());
}

}  // namespace

int run_ping_command(int argc, char** argv) {
    bool help = false;
    const auto o = parse(argc, argv, help);
    if (help) {
        usage(stdout);
        return exit_healthy;
    }
    if (!o) {
        usage(stderr);
        return exit_usage;
    }
    const auto deadline = clock::now() + o->timeout;
    std::string error;
    const socket_fd fd(connect_to(config::parse_listen_address(o->socket), deadline, error));
    std::optional<std::string> problem;
    if (fd.get() < 0) {
        problem = error;
    } else {
        problem = exchange(fd.get(), o->path, deadline);
    }
    if (!problem) return exit_healthy;
    std::fprintf(stderr, "isapi-fcgi ping: %s %s: %s\n", o->socket.c_str(), o->path.c_str(), problem->c_str());
    return exit_unhealthy;
}

}  // namespace isapi_fcgi::ping
