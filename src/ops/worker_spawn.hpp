#pragma once
// Starting a worker: fork, put every descriptor the worker needs at its fixed number
// (worker_channel.hpp), and exec this very binary (/proc/self/exe, so a binary replaced on disk
// never pairs an old master with a new worker) with `--worker`. Between fork and exec the child
// calls only async-signal-safe functions, and signals stay blocked until the child has reset
// their handlers, so a signal can never run the master's handler in the child.
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace isapi_fcgi::ops {

struct spawn_request {
    std::string label;        ///< argv[0], what ps shows: "isapi-fcgi: worker default#3"
    std::string pool;
    std::uint32_t worker_id = 0;
    std::uint32_t slot = 0;
    std::uint64_t generation = 0;
    std::string source;       ///< the configuration's file name, for messages
    int config_fd = -1;       ///< memfd holding the configuration text the master validated
    int scoreboard_fd = -1;
    int console_fd = 2;
    std::vector<int> listen_fds;
};

struct spawned_worker {
    pid_t pid = -1;
    int channel = -1;  ///< the master's end of the SOCK_SEQPACKET pair (close-on-exec)
    int output = -1;   ///< read end of the worker's stdout+stderr pipe (close-on-exec)
};

/// Throws std::system_error when fork or a descriptor fails; an exec failure shows as the
/// child exiting 127.
spawned_worker spawn_worker(const spawn_request& request);

/// A sealed memfd holding `text` (the configuration handed to workers).
int make_config_fd(const std::string& text);

}  // namespace isapi_fcgi::ops
