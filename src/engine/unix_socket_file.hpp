#pragma once
#include <sys/types.h>

#include <string>

#include "engine/options.hpp"

namespace isapi_fcgi::engine {

/// Makes `path` free for bind(): absent is fine; a socket that refuses connections is a stale
/// leftover and is removed; a socket something answers on, a symlink (never followed) or any
/// other file is a start-up error (std::runtime_error with the reason).
void clear_stale_unix_socket(const std::string& path);

/// Gives a freshly bound socket file its configured owner and group (lchown: no symlink is
/// followed). The mode is applied at bind time through the umask, so there is no window.
void apply_unix_socket_owner(const std::string& path, const unix_socket_options& socket);

/// Identity of the socket file we created, so shutdown removes only our own file.
struct file_identity {
    dev_t device = 0;
    ino_t inode = 0;
    bool valid = false;
};
file_identity identify(const std::string& path) noexcept;
void remove_if_same(const std::string& path, const file_identity& id) noexcept;

}  // namespace isapi_fcgi::engine
