#pragma once
// The master process: reads and validates the configuration, opens (or adopts) every pool's
// sockets, raises the open-files limit, starts each pool's workers and then only supervises:
// it runs no extension code, and it is single-threaded (one io_context on the main thread), so
// forking is safe. Signals (through an asio::signal_set, so handlers only queue work):
//   SIGTERM, SIGINT, SIGQUIT  graceful stop: workers drain (bounded by shutdown_timeout), exit 0;
//                             a second one kills the workers and exits at once
//   SIGHUP                    reload: a new generation per pool, up before the old one drains;
//                             an invalid file keeps everything running and is flagged in status
//   SIGUSR1                   reopen log files (the master's and every worker's)
// Under systemd it reports READY, RELOADING, STOPPING, a STATUS line and watchdog pings.
#include <string>

namespace isapi_fcgi::ops {

/// Runs until stopped; returns the process exit code (0 after a graceful stop, 1 when the
/// configuration or the start-up failed).
int run_master(const std::string& config_path);

}  // namespace isapi_fcgi::ops
