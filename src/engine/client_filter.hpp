#pragma once
#include <sys/socket.h>

#include <vector>

#include "engine/options.hpp"

namespace isapi_fcgi::engine {

/// Whether a peer may talk to a TCP listener: with no allowed_clients only loopback peers
/// (127.0.0.0/8, ::1, and their IPv4-mapped forms); otherwise peers inside any listed range.
/// Non-IP peers (unix sockets) are always allowed; file permissions guard those.
bool client_allowed(const sockaddr* peer, const std::vector<address_range>& allowed) noexcept;

}  // namespace isapi_fcgi::engine
