#pragma once
// The process's logging: spdlog's default logger writing to stderr (containers and systemd
// collect it) or to a file, one line per message:
//   2026-11-23T18:00:00.123 [info] [1234] listening on unix:/run/isapi-fcgi/isapi-fcgi.sock
// Logging never throws: a failing sink is reported on stderr at most once per second.
#include <memory>
#include <string_view>

#include <spdlog/sinks/sink.h>

#include "config/settings.hpp"

namespace isapi_fcgi::logging {

/// Local time to the millisecond, level, process id, message.
inline constexpr std::string_view line_pattern = "%Y-%m-%dT%H:%M:%S.%e [%l] [%P] %v";

/// Replaces spdlog's default logger (named "isapi-fcgi") with one for `settings`. Start-up
/// only: throws std::runtime_error when the level is unknown or the file cannot be opened.
/// Not thread-safe with logging from other threads; call it before they start.
void setup(const config::log_settings& settings);

/// The descriptor "stderr" means for our own log lines and the access log (default 2). A worker
/// whose fd 2 captures extension output sets the console it inherited. Call before setup().
void set_console_fd(int fd) noexcept;
/// A sink writing whole lines to the console descriptor with one write(2) each, so lines of the
/// master and of its workers never interleave.
std::shared_ptr<spdlog::sinks::sink> console_sink();

/// Reopens the log file by name (after logrotate renamed it); does nothing when logging to
/// stderr. Never throws: on failure the old file stays in use and the error is logged to it
/// and to stderr. Call from an ordinary thread (an Asio signal_set handler), never from a
/// signal handler.
void reopen() noexcept;

}  // namespace isapi_fcgi::logging
