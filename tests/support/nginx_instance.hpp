#pragma once
// A real nginx in front of the engine: config generated into a private temp dir (pid, logs and
// every temp path inside it), listening on a free loopback port, run in the foreground and
// stopped by pid.
#include <string>

#include "support/web_front.hpp"

namespace isapi_fcgi::test {

struct nginx_options {
    /// The engine's address as the engine reports it: `unix:/path` or `tcp:HOST:PORT`.
    std::string engine_address;
    /// `fastcgi_keep_conn on` plus `keepalive` in the upstream block.
    bool keep_conn = false;
    bool master_process = false;
    /// Extra directives for `location /`.
    std::string location_extra;
};

class nginx_instance : public web_front {
public:
    /// Starts nginx; retries with another port when the chosen one was taken meanwhile.
    /// Throws std::runtime_error with the error log when it does not come up.
    explicit nginx_instance(nginx_options options);

    std::string error_log() const override;

private:
    /// "upstream prematurely closed", "upstream sent ...", and [alert], [crit] or [emerg].
    bool is_problem(const std::string& line) const override;
    bool handles_signals() const override;
    std::string render_config(const nginx_options& options, std::uint16_t port) const;
};

/// Main-context lines putting nginx's pid and error log into `dir`.
std::string nginx_private_paths(const temp_dir& dir);
/// Whether the nginx using nginx_private_paths(dir) has installed its signal handlers.
bool nginx_handles_signals(const temp_dir& dir);
/// http-context lines putting the access log and every temp path into `dir`.
std::string nginx_http_private_paths(const temp_dir& dir);

/// The FastCGI problems nginx logs (shared by nginx_instance and nginx_front).
bool nginx_log_problem(const std::string& line);

}  // namespace isapi_fcgi::test
