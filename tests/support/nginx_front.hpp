#pragma once
// A real nginx running the shipped location snippet (conf/nginx/isapi-fcgi.conf) unchanged, as
// users deploy it: a generated server block includes the snippet by absolute path, and the
// generated http block defines the `isapi_fcgi` upstream the snippet passes to. Config, pid,
// logs and temp paths live in a private temp dir; nginx runs in the foreground, stopped by pid.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"
#include "support/test_process.hpp"

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

class nginx_front {
public:
    /// Starts nginx on a free loopback port; retries with another port when the chosen one was
    /// taken meanwhile. Throws std::runtime_error with the error log when it does not come up.
    explicit nginx_front(nginx_front_options options);
    ~nginx_front();
    nginx_front(const nginx_front&) = delete;
    nginx_front& operator=(const nginx_front&) = delete;

    std::uint16_t port() const { return port_; }
    std::string url(const std::string& path) const;
    const temp_dir& dir() const { return dir_; }
    std::string config() const;
    std::string error_log() const;
    /// error.log lines that mean the FastCGI exchange went wrong ("upstream prematurely
    /// closed", "upstream sent ...", [alert], [crit], [emerg]), minus those matching `allowed`.
    std::vector<std::string> error_log_problems(
        const std::optional<std::regex>& allowed = std::nullopt) const;

    test_process& process() { return *process_; }
    process_end stop();

private:
    std::string render_config(const nginx_front_options& options) const;
    void copy_conf_files() const;

    temp_dir dir_{"isapi-fcgi-nginx-front"};
    std::uint16_t port_ = 0;
    std::unique_ptr<test_process> process_;
};

}  // namespace isapi_fcgi::test
