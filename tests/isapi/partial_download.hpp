#pragma once
// A client that walks away in the middle of a download: it sends a raw HTTP request, reads part
// of the answer and closes the socket with the rest unread, so the kernel resets the connection
// as a browser tab closed mid-transfer does.
#include <cstddef>
#include <cstdint>
#include <string>

#include "support/deadline.hpp"

namespace isapi_fcgi::test {

/// Connects to 127.0.0.1:`port`, sends `request`, reads until at least `bytes` bytes of the
/// response arrived, then closes. Returns what was read. Throws std::runtime_error when the
/// connection fails, the peer closes first, or the deadline passes.
std::string read_then_close(std::uint16_t port, const std::string& request, std::size_t bytes,
                            deadline until);

}  // namespace isapi_fcgi::test
