#pragma once
// Process limits and identity: the open-files limit raised at start, a pool's user and group
// taken by its workers after the master has bound the sockets, and the refusal to run extension
// code as root unless the configuration says allow_root: true.
#include <string>

namespace isapi_fcgi::ops {

/// Raises RLIMIT_NOFILE's soft limit to its hard limit; returns the new soft limit.
unsigned long raise_open_files_limit() noexcept;

/// Switches to `user` (and `group`, else the user's primary group) with its supplementary
/// groups. Empty `user` and `group`: nothing changes. Throws std::runtime_error with the reason.
void drop_privileges(const std::string& user, const std::string& group);

/// Throws std::runtime_error when the process runs as root (uid 0) and `allow_root` is false.
void refuse_root(bool allow_root, const std::string& pool);

/// core_dump_dir: unlimited core size, dumpable again after the identity change, and the
/// directory as the working directory (a core_pattern of "core" lands there).
void prepare_core_dumps(const std::string& dir);

}  // namespace isapi_fcgi::ops
