#pragma once
// A worker process: started by the master (fork + exec of this binary with `--worker`), it
// reads the configuration the master validated from an inherited descriptor, takes the pool's
// user and group, loads the pool's extensions, runs the engine on the inherited listening
// sockets and reports over its channel. It drains and exits 0 when the master asks, on SIGTERM,
// or when the master goes away; a start-up failure exits with worker_fatal_exit (no respawn).
namespace isapi_fcgi::ops {

/// "Fatal, do not respawn" (nginx's convention): the configuration or an extension cannot work.
inline constexpr int worker_fatal_exit = 2;

/// `argv` as the master builds it: {label, "--worker", POOL, WORKER_ID, SLOT, GENERATION,
/// LISTEN_COUNT, SOURCE}.
int worker_main(int argc, char** argv);

}  // namespace isapi_fcgi::ops
