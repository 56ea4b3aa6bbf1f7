#pragma once
// The master <-> worker channel (nginx's ngx_channel idea): one SOCK_SEQPACKET socketpair per
// worker, one text message per packet. The descriptors a worker inherits sit at fixed numbers.
//   worker -> master:  "ready"                      engine and extensions are up
//                      "recycle <cause> <reason>"   replace me (max_requests, unhealthy)
//                      "failed <reason>"            I cannot start (then exits worker_fatal_exit)
//                      "wine-crash <ext> <pid> ..." a Windows worker crashed (wine_crash_message.hpp)
//   master -> worker:  "drain"                      stop accepting, finish, exit 0
//                      "logs\n<path>\n<path>..."     the log files, one descriptor per path
//                                                   (SCM_RIGHTS): first message, and again
//                                                   after each SIGUSR1 (logging/log_file.hpp)
// A worker whose channel reaches end-of-file (the master died) drains and exits.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace isapi_fcgi::ops {

namespace worker_fd {
inline constexpr int channel = 3;
inline constexpr int scoreboard = 4;
inline constexpr int config = 5;
inline constexpr int console = 6;   ///< where our own log lines go when logging to stderr
inline constexpr int first_listen = 7;
}  // namespace worker_fd

inline constexpr std::size_t max_message = 1024;

/// Sends one message; false when the peer is gone. Never raises SIGPIPE.
bool send_message(int fd, std::string_view message) noexcept;

/// Sends one message carrying descriptors (duplicated into the receiver); false when the peer
/// is gone.
bool send_message(int fd, std::string_view message, std::span<const int> fds) noexcept;

/// Blocks for the next message; nullopt at end-of-file or on an error. Descriptors that came
/// with it are closed.
std::optional<std::string> receive_message(int fd);

struct message_with_fds {
    std::string text;
    std::vector<int> fds;  ///< the receiver's, close-on-exec; the caller owns them
};
inline constexpr std::size_t max_message_fds = 16;
/// Blocks for the next message and the descriptors that came with it.
std::optional<message_with_fds> receive_message_with_fds(int fd);

}  // namespace isapi_fcgi::ops
