#pragma once
// The process's logging: spdlog's default logger writing to stderr (containers and systemd
// collect it) or to a file, one line per message:
//   2026-11-23T18:00:00.123 [info] [1234] listening on unix:/run/isapi-fcgi/isapi-fcgi.sock
// Logging never throws: a failing sink is reported on stderr at most once per second.
#include <string_view>

#include "config/settings.hpp"

namespace isapi_fcgi::logging {

/// Local time to the millisecond, level, process id, message.
inline constexpr std::string_view line_pattern = "%Y-%m-%dT%H:%M:%S.%e [%l] [%P] %v";

/// Replaces spdlog's default logger (named "isapi-fcgi") with one for `settings`. Start-up
/// only: throws std::runtime_error when the level is unknown or the file cannot be opened.
/// Not thread-safe with logging from other threads; call it before they start.
void setup(const config::log_settings& settings);

/// Reopens the log file by name (after logrotate renamed it); does nothing when logging to
/// stderr. Never throws: on failure the old file stays in use and the error is logged to it
/// and to stderr. Call from an ordinary thread (an Asio signal_set handler), never from a
/// signal handler.
void reopen() noexcept;

}  // namespace isapi_fcgi::logging
