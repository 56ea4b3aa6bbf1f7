#pragma once
// `isapi-fcgi reload`: a reload that reports whether it took effect, for systemd's ExecReload
// (Debian 12's systemd 252 has no Type=notify-reload) and for scripts. It checks the file as
// --check-config does (a broken file is refused without disturbing the master), sends SIGHUP,
// then waits for the master's verdict on that reload in its `state_file`: exit 0 when the new
// generation serves, 1 with the cause on stderr when the master kept the old one, did not
// answer in time or is gone, 2 for a command-line mistake.
namespace isapi_fcgi::ops {

/// argv[0] is the first argument after `reload`.
int run_reload_command(int argc, char** argv);

}  // namespace isapi_fcgi::ops
