#pragma once
// A real nginx running the shipped location snippet (conf/nginx/isapi-fcgi.conf) unchanged, as
// users deploy it: a generated server block includes the snippet by absolute path, and the
// generated http block defines the `isapi_fcgi` upstream the snippet passes to. Config, pid,
// logs and temp paths live in a private temp dir; nginx runs in the foreground, stopped by pid.
#include <filesystem>
#include <string>

#include "support/web_front.hpp"

namespace isapi_fcgi::test {

struct nginx_front_options {
    /// The sidecar's address: `unix:/path` or `tcp:HOST:PORT`.
    std::string upstream_address;
    /// The location snippet, included unchanged.
    std::filesystem::path snippet;
    /// `keepalive N` of the upstream block.
    unsigned keepalive = 8;
    /// Directives for the server block, before the include (e.g. client_max_body_size).
    std::string server_extra;
    /// `worker_connections`: each client request takes one, and one more to the sidecar.
    unsigned worker_connections = 256;
};

class nginx_front : public web_front {
public:
    /// Starts nginx on a free loopback port; retries with another port when the chosen one was
    /// taken meanwhile. Throws std::runtime_error with the error log when it does not come up.
    explicit nginx_front(nginx_front_options options);

    std::string error_log() const override;

private:
    bool is_problem(const std::string& line) const override;
    bool handles_signals() const override;
    std::string render_config(const nginx_front_options& options, std::uint16_t port) const;
    void copy_conf_files() const;
};

}  // namespace isapi_fcgi::test
