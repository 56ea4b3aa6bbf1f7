#include "ops/engine_options.hpp"

#include <stdexcept>

namespace isapi_fcgi::ops {
namespace {

engine::address_range engine_address_range(const config::address_range& range) {
    return {range.ipv6, range.network, range.prefix_length, range.text};
}

}  // namespace

engine::listen_address engine_listen_address(const config::listen_address& address) {
    engine::listen_address out;
    out.path = address.path;
    out.host = address.host;
    out.port = address.port;
    out.fd = address.fd;
    out.text = address.text;
    switch (address.type) {
    case config::listen_address::kind::unix_socket: out.type = engine::listen_address::kind::unix_socket; break;
    case config::listen_address::kind::tcp: out.type = engine::listen_address::kind::tcp; break;
    case config::listen_address::kind::inherited_fd: out.type = engine::listen_address::kind::inherited_fd; break;
    case config::listen_address::kind::systemd:
        // The supervisor turns systemd:NAME into the descriptor LISTEN_FDS passed (ops/listen_sockets).
        throw std::runtime_error(address.text + ": not resolved to an inherited descriptor");
    }
    return out;
}

engine::unix_socket_options engine_unix_socket_options(const config::unix_socket_settings& socket) {
    return {socket.mode, socket.owner, socket.group};
}

engine::pool_options engine_pool_options(const config::pool_settings& pool) {
    engine::pool_options out;
    out.name = pool.name;
    out.socket = engine_unix_socket_options(pool.socket);
    for (const auto& range : pool.allowed_clients) out.allowed_clients.push_back(engine_address_range(range));
    out.io_threads = pool.io_threads;
    out.listen_backlog = pool.listen_backlog;
    out.ping_path = pool.ping_path;
    out.ping_response = pool.ping_response;
    out.limit = {pool.limit.max_connections, pool.limit.max_requests_per_connection, pool.limit.max_params_bytes,
                 pool.limit.max_stdin_buffer};
    out.timeout = {pool.timeout.idle, pool.timeout.read, pool.timeout.write, pool.timeout.linger,
                   pool.timeout.drain_grace};
    return out;
}

}  // namespace isapi_fcgi::ops
