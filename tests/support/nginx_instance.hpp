#pragma once
// A real nginx in front of the engine: config generated into a private temp dir (pid, logs and
// every temp path inside it), listening on a free loopback port, run in the foreground and
// stopped by pid.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"
#include "support/test_process.hpp"

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

class nginx_instance {
public:
    /// Starts nginx; retries with another port when the chosen one was taken meanwhile.
    /// Throws std::runtime_error with the error log when it does not come up.
    explicit nginx_instance(nginx_options options);
    ~nginx_instance();
    nginx_instance(const nginx_instance&) = delete;
    nginx_instance& operator=(const nginx_instance&) = delete;

    std::uint16_t port() const { return port_; }
    std::string url(const std::string& path) const;
    const temp_dir& dir() const { return dir_; }
    std::string error_log() const;
    /// error.log lines that mean the FastCGI exchange went wrong: "upstream prematurely
    /// closed", "upstream sent ...", and [alert], [crit] or [emerg] lines.
    std::vector<std::string> error_log_problems() const;

    process_end stop();

private:
    std::string render_config(const nginx_options& options) const;

    temp_dir dir_{"isapi-fcgi-nginx"};
    std::uint16_t port_ = 0;
    std::unique_ptr<test_process> process_;
};

/// `unix:/p` stays `unix:/p`; `tcp:H:P` becomes `H:P` (nginx and HAProxy syntax).
std::string peer_upstream(const std::string& engine_address);

}  // namespace isapi_fcgi::test
