#pragma once
// What the engine is told about each pool: where to listen, whom to accept, its limits and
// timeouts, and the ping path. The engine's own vocabulary: src/ops maps the configuration
// (config/settings.hpp) onto it, so the engine never reads the YAML's structs.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace isapi_fcgi::engine {

/// A socket to accept on: a unix socket the engine binds, a TCP address it binds, or a
/// listening socket already open in the process (the engine closes it at the end).
struct listen_address {
    enum class kind { unix_socket, tcp, inherited_fd };
    kind type = kind::unix_socket;
    std::string path;        // unix_socket
    std::string host;        // tcp: a numeric IPv4/IPv6 address
    std::uint16_t port = 0;  // tcp
    int fd = -1;             // inherited_fd
    std::string text;        // as configured, for logs and errors
};

/// A TCP peer range allowed to connect: an address or a CIDR block (network byte order).
struct address_range {
    bool ipv6 = false;
    std::array<std::uint8_t, 16> network{};  // IPv4 uses the first 4 bytes
    unsigned prefix_length = 0;
    std::string text;
};

/// The unix socket file the engine creates: its mode (at bind time) and owner.
struct unix_socket_options {
    std::uint32_t mode = 0660;
    std::string owner;  // user name or numeric id; empty: leave as created
    std::string group;
};

struct limits {
    std::size_t max_connections = 1024;            ///< per process; beyond it: 503 + Retry-After, close
    std::size_t max_requests_per_connection = 64;  ///< concurrent (multiplexed); also FCGI_MAX_REQS
    std::size_t max_params_bytes = 64 * 1024;      ///< raw PARAMS stream per request; beyond: 431
    std::size_t max_stdin_buffer = 64 * 1024;      ///< unread STDIN per request before reads pause
    /// Where a body over max_stdin_buffer goes while other requests share its connection, and
    /// how much of it may go there (the pool's max_request_body).
    std::string body_temp_dir = "/tmp";
    std::size_t max_body_in_file = 100 * 1024 * 1024;
};

struct timeouts {
    std::chrono::milliseconds idle{std::chrono::seconds(300)};   ///< no request active, nothing arriving
    std::chrono::milliseconds read{std::chrono::seconds(60)};    ///< a request waits for PARAMS/STDIN
    std::chrono::milliseconds write{std::chrono::seconds(60)};   ///< a write makes no progress
    std::chrono::milliseconds linger{std::chrono::seconds(5)};   ///< draining input before close
    /// While draining, a kept connection idle since the drain began stays open this long for a
    /// request the web server may already be sending.
    std::chrono::milliseconds drain_grace{std::chrono::seconds(5)};
};

/// One pool as the engine serves it. Requests carry the pool's name to the handler.
struct pool_options {
    std::string name = "default";
    std::vector<listen_address> listen;
    unix_socket_options socket;
    std::vector<address_range> allowed_clients;  ///< TCP peers; empty = loopback only
    unsigned io_threads = 0;                     ///< 0 = one per core, at most 4
    std::size_t listen_backlog = 511;
    std::string ping_path = "/ping";  ///< answered by the engine itself; empty disables
    std::string ping_response = "pong";
    engine::limits limit;
    engine::timeouts timeout;
};

/// Every pool one server serves (one process: a worker's pool, or all of them).
struct server_options {
    std::vector<pool_options> pools;
};

}  // namespace isapi_fcgi::engine
