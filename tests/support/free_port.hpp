#pragma once
// Loopback ports for peers whose config needs a fixed number (nginx, HAProxy). The port is
// free when returned but may be taken before the peer binds it; peer launchers retry on
// EADDRINUSE.
#include <cstdint>

#include "support/deadline.hpp"

namespace isapi_fcgi::test {

class test_process;

/// Binds 127.0.0.1:0, reads the port the kernel chose and closes the socket. Throws on failure.
std::uint16_t free_loopback_port();

/// True if a TCP connect to 127.0.0.1:port succeeds now.
bool port_accepts(std::uint16_t port);

/// Polls port_accepts until it succeeds (true), the deadline passes or `owner` (when given)
/// has exited (false).
bool wait_until_port_accepts(std::uint16_t port, deadline until, test_process* owner = nullptr);

}  // namespace isapi_fcgi::test
