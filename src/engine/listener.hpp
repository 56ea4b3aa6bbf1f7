#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "engine/asio.hpp"
#include "engine/pool_context.hpp"
#include "engine/unix_socket_file.hpp"

namespace isapi_fcgi::engine {

class connection_registry;

/// Accepts connections for one pool on one address: a unix socket, a TCP port, or a listening
/// socket inherited as a file descriptor. Checks TCP peers against allowed_clients and counts
/// connections against max_connections (beyond it a connection is still accepted, to answer
/// 503, rather than left to time out in the backlog).
class listener : public std::enable_shared_from_this<listener> {
public:
    /// Opens and binds; throws std::runtime_error naming the address and the reason.
    listener(asio::io_context& io, std::shared_ptr<pool_context> pool,
             std::shared_ptr<connection_registry> registry, const listen_address& address);
    ~listener();
    listener(const listener&) = delete;
    listener& operator=(const listener&) = delete;

    void start();
    /// Stops accepting, on the listener's strand, and removes our unix socket file. A connection
    /// the kernel handed to a pending accept before that is still admitted: its peer may be
    /// sending a request on it already, so it joins the registry's drain (or stop) rather than
    /// being reset.
    void stop_accepting();
    /// stop_accepting has run and no accept can complete any more (its last handler has run).
    bool settled() const noexcept { return settled_.load(std::memory_order_acquire); }
    /// Closes at once; only while no I/O thread runs (before run or after it returned).
    void close();
    /// `unix:/path` or `tcp:HOST:PORT` with the port really bound.
    std::string local_address() const;

private:
    void open_unix(const listen_address& address);
    void open_tcp(const listen_address& address);
    void adopt_fd(const listen_address& address);
    void do_accept();
    void on_accept(io_error ec, asio::basic_stream_socket<stream_protocol, strand_type> socket);
    void admit(asio::basic_stream_socket<stream_protocol, strand_type> socket);

    asio::io_context& io_;
    std::shared_ptr<pool_context> pool_;
    std::shared_ptr<connection_registry> registry_;
    /// Accept completions, retries and stop_accepting run here: the acceptor is not thread-safe.
    strand_type strand_;
    acceptor_type acceptor_;
    asio::steady_timer retry_timer_;
    std::string unix_path_;
    file_identity unix_file_;
    bool tcp_ = false;
    bool closed_ = false;
    bool accept_outstanding_ = false;
    std::atomic<bool> settled_{false};
};

}  // namespace isapi_fcgi::engine
