#pragma once
// Whether a listener still accepts: one plain connect, for tests of stops that must refuse new
// connections at once rather than leave them in the backlog.
#include <string>

#include "support/deadline.hpp"

namespace isapi_fcgi::test {

/// Connects to `address` (unix:/path or tcp:127.0.0.1:PORT): 0 when accepted (closed again at
/// once), else the connect's errno.
int connect_errno(const std::string& address);

/// Polls until a connect to `address` is refused (ECONNREFUSED, or ENOENT for a removed unix
/// socket file); false if it is still accepted at `until`.
bool wait_connect_refused(const std::string& address, deadline until);

}  // namespace isapi_fcgi::test
