#pragma once
// The process's logging: spdlog's default logger writing to stderr (containers and systemd
// collect it) or to a file, one line per message, in text (log.format: text)
//   2026-11-23T18:00:00.123+00:00 [info] [1234] listening on unix:/run/isapi-fcgi/isapi-fcgi.sock
// or JSON (log.format: json), one object a line, so a container's stderr is one format with
// the JSON access log:
//   {"time":"2026-11-23T18:00:00.123+00:00","level":"info","pid":1234,"msg":"listening on ..."}
// Times are RFC 3339 with the zone offset. Logging never throws: a failing sink is reported on
// stderr at most once per second. Log files are reopened by name (log_file.hpp).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/logger.h>
#include <spdlog/sinks/sink.h>

#include "logging/log_file.hpp"
#include "logging/log_options.hpp"

namespace isapi_fcgi::logging {

/// RFC 3339 local time to the millisecond with the zone offset, level, process id, message.
inline constexpr std::string_view line_pattern = "%Y-%m-%dT%H:%M:%S.%e%z [%l] [%P] %v";
/// The same fields as one JSON object (%* is the JSON-escaped message).
inline constexpr std::string_view json_line_pattern =
    R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","pid":%P,"msg":"%*"})";

/// Replaces spdlog's default logger (named "isapi-fcgi") with one for `options`. Start-up
/// only: throws std::runtime_error when the level or format is unknown or the file cannot be
/// opened. Not thread-safe with logging from other threads; call it before they start.
void setup(const log_options& options);

/// The descriptor "stderr" means for our own log lines and the access log (default 2). A worker
/// whose fd 2 captures extension output sets the console it inherited. Call before setup().
void set_console_fd(int fd) noexcept;
/// A sink writing whole lines to the console descriptor with one write(2) each, so lines of the
/// master and of its workers never interleave.
std::shared_ptr<spdlog::sinks::sink> console_sink();
/// A sink for a log target: "stderr" (the console) or an absolute path (the process's reopenable
/// file for it). Throws std::system_error when the file cannot be opened.
std::shared_ptr<spdlog::sinks::sink> target_sink(const std::string& target);

/// Reopens every log file by name (after logrotate renamed it). Never throws: a file that
/// cannot be reopened stays in use and the error is logged to it and to stderr. Call from an
/// ordinary thread (an Asio signal_set handler), never from a signal handler.
void reopen() noexcept;

}  // namespace isapi_fcgi::logging
