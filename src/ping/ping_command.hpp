#pragma once
// `isapi-fcgi ping`: a FastCGI health check for containers and probes (the runtime image has no
// curl or cgi-fcgi). It connects to a pool's socket, sends one GET for the ping path and exits
// 0 when the answer is `200`, 1 otherwise (refused, no answer in time, any other status, a
// protocol error), with the reason on stderr; nothing is printed when healthy.
namespace isapi_fcgi::ping {

/// argv[0] is the first argument after `ping`. Returns the exit code: 0 healthy, 1 unhealthy,
/// 2 a command-line mistake.
int run_ping_command(int argc, char** argv);

}  // namespace isapi_fcgi::ping
