#include "engine/listener.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <chrono>
#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/client_filter.hpp"
#include "engine/connection.hpp"
#include "engine/connection_registry.hpp"

namespace isapi_fcgi::engine {
namespace {

// Asio opens and accepts without SOCK_CLOEXEC. Without the flag every process started later
// inherits the descriptor and keeps it open: the master's next worker (of any pool) would hold
// a connection the master accepted for a stopped pool, and a program an extension starts would
// hold the worker's sockets. (The master's workers get everything else closed as well, which
// also covers a fork between accept and this call: ops/worker_spawn.)
void keep_from_children(int fd) noexcept { ::fcntl(fd, F_SETFD, FD_CLOEXEC); }

[[noreturn]] void fail(const listen_address& address, std::string_view what, const io_error& ec) {
    throw std::runtime_error(fmt::format("{}: {}: {}", address.text, what, ec.message()));
}

/// Accept errors that mean "out of resources for now" rather than "this listener is broken".
bool transient(const io_error& ec) {
    return ec == asio::error::no_descriptors || ec == boost::system::errc::too_many_files_open_in_system ||
           ec == asio::error::no_buffer_space || ec == asio::error::no_memory ||
           ec == asio::error::connection_aborted || ec == boost::system::errc::protocol_error;
}

/// Remembers when a message was last logged so a storm of the same event logs once a second.
class log_throttle {
public:
    bool allow() {
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::seconds(1)) {
            ++suppressed_;
            return false;
        }
        last_ = now;
        return true;
    }
    std::uint64_t take_suppressed() { return std::exchange(suppressed_, 0); }

private:
    std::chrono::steady_clock::time_point last_{};
    std::uint64_t suppressed_ = 0;
};

}  // namespace

listener::listener(asio::io_context& io, std::shared_ptr<pool_context> pool,
                   std::shared_ptr<connection_registry> registry, const listen_address& address)
    : io_(io),
      pool_(std::move(pool)),
      registry_(std::move(registry)),
      strand_(asio::make_strand(io)),
      acceptor_(io),
      retry_timer_(io) {
    switch (address.type) {
    case listen_address::kind::unix_socket: open_unix(address); break;
    case listen_address::kind::tcp: open_tcp(address); break;
    case listen_address::kind::inherited_fd: adopt_fd(address); break;
    }
}

listener::~listener() {
    if (!unix_path_.empty()) remove_if_same(unix_path_, unix_file_);
}

void listener::open_unix(const listen_address& address) {
    clear_stale_unix_socket(address.path);
    const stream_protocol::endpoint endpoint{asio::local::stream_protocol::endpoint(address.path)};
    io_error ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (ec) fail(address, "socket()", ec);
    keep_from_children(acceptor_.native_handle());
    // The umask gives the file its mode at creation, leaving no window with looser permissions.
    const mode_t previous = ::umask(static_cast<mode_t>(~pool_->options.socket.mode & 0777));
    acceptor_.bind(endpoint, ec);
    ::umask(previous);
    if (ec) fail(address, "bind()", ec);
    unix_path_ = address.path;
    unix_file_ = identify(unix_path_);
    apply_unix_socket_owner(unix_path_, pool_->options.socket);
    acceptor_.listen(static_cast<int>(pool_->options.listen_backlog), ec);
    if (ec) fail(address, "listen()", ec);
}

void listener::open_tcp(const listen_address& address) {
    io_error ec;
    const auto ip = asio::ip::make_address(address.host, ec);
    if (ec) fail(address, "address", ec);
    const stream_protocol::endpoint endpoint{asio::ip::tcp::endpoint(ip, address.port)};
    acceptor_.open(endpoint.protocol(), ec);
    if (ec) fail(address, "socket()", ec);
    keep_from_children(acceptor_.native_handle());
    acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    acceptor_.bind(endpoint, ec);
    if (ec) fail(address, "bind()", ec);
    acceptor_.listen(static_cast<int>(pool_->options.listen_backlog), ec);
    if (ec) fail(address, "listen()", ec);
    tcp_ = true;
}

void listener::adopt_fd(const listen_address& address) {
    int accepting = 0;
    socklen_t length = sizeof(accepting);
    if (::getsockopt(address.fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) != 0 || !accepting)
        throw std::runtime_error(fmt::format("{}: file descriptor {} is not a listening socket", address.text,
                                             address.fd));
    sockaddr_storage local{};
    socklen_t local_length = sizeof(local);
    if (::getsockname(address.fd, reinterpret_cast<sockaddr*>(&local), &local_length) != 0)
        throw std::runtime_error(fmt::format("{}: getsockname() failed", address.text));
    const int family = local.ss_family;
    io_error ec;
    acceptor_.assign(stream_protocol(family, family == AF_UNIX ? 0 : IPPROTO_TCP), address.fd, ec);
    if (ec) fail(address, "adopting the socket", ec);
    tcp_ = family == AF_INET || family == AF_INET6;
}

void listener::start() {
    spdlog::info("pool {}: listening on {}", pool_->options.name, local_address());
    do_accept();
}

void listener::stop_accepting() {
    asio::dispatch(strand_, [self = shared_from_this()] {
        self->close();
        // No accept is outstanding while a retry waits; the cancelled wait's handler does nothing.
        if (!self->accept_outstanding_) self->settled_.store(true, std::memory_order_release);
    });
}

void listener::close() {
    closed_ = true;
    io_error ignored;
    retry_timer_.cancel();
    acceptor_.close(ignored);
    if (!unix_path_.empty()) remove_if_same(unix_path_, unix_file_);
    unix_path_.clear();
}

std::string listener::local_address() const {
    io_error ec;
    const auto endpoint = acceptor_.local_endpoint(ec);
    if (ec) return "?";
    const auto* sa = endpoint.data();
    if (sa->sa_family == AF_UNIX) {
        const auto* un = reinterpret_cast<const sockaddr_un*>(sa);
        return fmt::format("unix:{}", un->sun_path);
    }
    if (sa->sa_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
        const asio::ip::address_v4 ip(ntohl(in->sin_addr.s_addr));
        return fmt::format("tcp:{}:{}", ip.to_string(), ntohs(in->sin_port));
    }
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    asio::ip::address_v6::bytes_type bytes;
    std::memcpy(bytes.data(), in6->sin6_addr.s6_addr, 16);
    return fmt::format("tcp:[{}]:{}", asio::ip::address_v6(bytes).to_string(), ntohs(in6->sin6_port));
}

void listener::do_accept() {
    if (closed_) return;
    accept_outstanding_ = true;
    acceptor_.async_accept(asio::make_strand(io_),
                           asio::bind_executor(strand_, [self = shared_from_this()](io_error ec, connection_socket socket) {
                               self->on_accept(ec, std::move(socket));
                           }));
}

void listener::on_accept(io_error ec, asio::basic_stream_socket<stream_protocol, strand_type> socket) {
    accept_outstanding_ = false;
    // Accepted before the listener closed: the peer is waiting for an answer on it.
    if (!ec) admit(std::move(socket));
    if (closed_) {
        settled_.store(true, std::memory_order_release);
        return;
    }
    if (ec && ec != asio::error::operation_aborted) {
        static log_throttle throttle;
        if (throttle.allow())
            spdlog::error("pool {}: accept on {} failed: {}{}", pool_->options.name, local_address(), ec.message(),
                          transient(ec) ? "; retrying in 100ms" : "");
        // Out of descriptors: back off instead of spinning on a listen queue we cannot drain.
        retry_timer_.expires_after(std::chrono::milliseconds(100));
        retry_timer_.async_wait(asio::bind_executor(strand_, [self = shared_from_this()](io_error e) {
            if (!e) self->do_accept();
        }));
        return;
    }
    do_accept();
}

void listener::admit(asio::basic_stream_socket<stream_protocol, strand_type> socket) {
    keep_from_children(socket.native_handle());
    auto& stats = pool_->stats;
    stats.accepted_connections.fetch_add(1, std::memory_order_relaxed);
    if (tcp_) {
        io_error peer_ec;
        const auto peer = socket.remote_endpoint(peer_ec);
        if (peer_ec || !client_allowed(peer.data(), pool_->options.allowed_clients)) {
            stats.refused_clients.fetch_add(1, std::memory_order_relaxed);
            static log_throttle throttle;
            if (throttle.allow())
                spdlog::warn("pool {}: refused a connection from a client outside allowed_clients", pool_->options.name);
            io_error ignored;
            socket.close(ignored);
            return;
        }
        socket.set_option(asio::ip::tcp::no_delay(true), peer_ec);
    }
    const bool overloaded =
        stats.active_connections.load(std::memory_order_relaxed) >= pool_->options.limit.max_connections;
    if (overloaded) {
        static log_throttle throttle;
        if (throttle.allow())
            spdlog::warn("pool {}: max_connections ({}) reached; new connections are answered 503",
                         pool_->options.name, pool_->options.limit.max_connections);
    }
    auto c = std::make_shared<connection>(std::move(socket), pool_, registry_, registry_->next_id(), overloaded);
    registry_->add(c);
    c->start();
}

}  // namespace isapi_fcgi::engine
