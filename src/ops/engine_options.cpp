#include "ops/engine_options.hpp"

#include <cstdlib>
#include <stdexcept>

namespace isapi_fcgi::ops {
namespace {

engine::address_range engine_address_range(const config::address_range& range) {
    return {range.ipv6, range.network, range.prefix_length, range.text};
}

/// The configured directory, else where the environment keeps temporary files.
std::string body_temp_dir(const std::string& configured) {
    if (!configured.empty()) return configured;
    const char* tmpdir = std::getenv("TMPDIR");
    return tmpdir && *tmpdir == '/' ? tmpdir : "/tmp";
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
    out.limit.body_temp_dir = body_temp_dir(pool.limit.body_temp_dir);
    out.limit.max_body_in_file = pool.isapi.max_request_body;
    out.timeout = {pool.timeout.idle, pool.timeout.read, pool.timeout.write, pool.timeout.linger,
                   pool.timeout.drain_grace};
    return out;
}

}  // namespace isapi_fcgi::ops
