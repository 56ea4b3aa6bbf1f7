#pragma once
// The master hands its log files to a worker over the channel (worker_channel.hpp): a "logs"
// message with one path a line and one descriptor per path (SCM_RIGHTS). Workers run as the
// pool's user, who may not be allowed to open the files; a descriptor needs no permission.
// Sent right after the worker is spawned (the worker waits for it before logging anything)
// and after each SIGUSR1, once the master has reopened the files (logging/log_file.hpp).
#include <optional>

#include "ops/worker_channel.hpp"

namespace isapi_fcgi::ops {

inline constexpr std::string_view log_handover_tag = "logs";

/// Master: sends every file of logging::log_files to the worker on `channel`.
bool hand_log_files(int channel) noexcept;

/// Worker: true when `message` is a handover; its descriptors then go to logging::log_files
/// (or are closed when the message is malformed).
bool adopt_log_files(message_with_fds& message) noexcept;

}  // namespace isapi_fcgi::ops
