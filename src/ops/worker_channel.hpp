#pragma once
// The master <-> worker channel (nginx's ngx_channel idea): one SOCK_SEQPACKET socketpair per
// worker, one text message per packet. The descriptors a worker inherits sit at fixed numbers.
//   worker -> master:  "ready"                      engine and extensions are up
//                      "recycle <cause> <reason>"   replace me (max_requests, unhealthy)
//                      "failed <reason>"            I cannot start (then exits worker_fatal_exit)
//   master -> worker:  "drain"                      stop accepting, finish, exit 0
//                      "reopen"                     reopen log files (SIGUSR1)
// A worker whose channel reaches end-of-file (the master died) drains and exits.
#include <optional>
#include <string>
#include <string_view>

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

/// Blocks for the next message; nullopt at end-of-file or on an error.
std::optional<std::string> receive_message(int fd);

}  // namespace isapi_fcgi::ops
