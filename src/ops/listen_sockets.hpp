#pragma once
// The listening sockets of every pool, opened (or adopted) once by the master, or by the one
// process in --single-process mode, and handed to workers as inherited descriptors. Sources:
//  - unix:PATH and tcp:HOST:PORT are bound here (a stale unix socket replaced only when nothing
//    answers on it, never through a symlink; mode through the umask, then owner and group);
//  - systemd:NAME takes the descriptors systemd passed (LISTEN_FDS, LISTEN_PID,
//    LISTEN_FDNAMES) under that name;
//  - fd:N takes descriptor N, e.g. fd:0 as spawn-fcgi and mod_fcgid pass it.
// An inherited listening descriptor that no pool claims is a start-up error, so a socket unit
// and the configuration cannot silently disagree.
#include <map>
#include <string>
#include <vector>

#include "config/settings.hpp"
#include "engine/unix_socket_file.hpp"

namespace isapi_fcgi::ops {

struct open_socket {
    std::string identity;     ///< "unix:/p", "tcp:h:p", "fd:N" (one per socket)
    std::string text;         ///< the configured address, for logs
    int fd = -1;              ///< close-on-exec; workers get a copy without the flag
    std::string unix_path;    ///< bound here: removed at exit if still ours
    engine::file_identity unix_file;
    std::string local;        ///< what it is bound to (the real port of tcp:...:0)
};

class listen_sockets {
public:
    /// Reads LISTEN_FDS & co. (when LISTEN_PID is ours) and fd 0 (when it is a listening socket),
    /// then unsets the variables so no child sees them.
    listen_sockets();
    ~listen_sockets();
    listen_sockets(const listen_sockets&) = delete;
    listen_sockets& operator=(const listen_sockets&) = delete;

    /// The sockets of one pool, opened or adopted (already open ones are reused by identity, as
    /// a reload needs). Throws std::runtime_error naming the address and the reason.
    std::vector<const open_socket*> open_pool(const config::pool_settings& pool);

    /// Start-up check: throws std::runtime_error for an inherited descriptor no pool took.
    void check_all_claimed() const;

    /// Closes (and removes the files of) sockets no pool in `in_use` names any more.
    void close_unused(const std::vector<std::string>& in_use);

    /// Graceful stop: closes every socket (removing the files bound here) so that new connections
    /// are refused at once instead of waiting in the backlog for workers that are leaving. The
    /// entries stay, as pools still name them. A socket systemd passed stays open in systemd,
    /// which queues new connections for the next instance; fd 0-2 become /dev/null.
    void stop_listening();

    /// --single-process: the engine holds its own copies; ours are closed so that the engine's
    /// drain stops the accepting at once. The files bound here are still removed at exit.
    void close_descriptors();

    /// "unix:/p" etc. -> what the pool's workers get: `fd:N` for each socket, in order.
    static std::vector<config::listen_address> as_inherited(const std::vector<const open_socket*>& sockets);

private:
    const open_socket& open_one(const config::listen_address& address, const config::pool_settings& pool);
    void open_unix(open_socket& s, const config::listen_address& address, const config::pool_settings& pool);
    void open_tcp(open_socket& s, const config::listen_address& address, const config::pool_settings& pool);

    struct inherited {
        int fd;
        std::string name;
        bool claimed = false;
    };
    std::vector<inherited> inherited_;
    std::map<std::string, open_socket> open_;
};

}  // namespace isapi_fcgi::ops
