#pragma once
// The isapi-fcgi binary hosting ISAPI extensions, as a test peer: a YAML config with an
// `extensions:` list written into a private temp dir, the process started with `--config` and
// an environment the extensions can read, its stderr captured (with `log.access_log: stderr`
// the access lines land there too) and its unix listener learnt from the `listening on` line.
#include <filesystem>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "support/deadline.hpp"
#include "support/temp_dir.hpp"
#include "support/test_process.hpp"

namespace isapi_fcgi::test {

/// One `extensions:` entry of the pool.
struct isapi_extension_entry {
    std::string name;
    std::filesystem::path path;  ///< absolute path of the .so
    std::vector<std::string> urls;
    bool required = false;
    bool streaming = false;
    bool wine = false;  ///< `runtime: wine`: path is a PE .dll run by the Windows worker
};

struct isapi_sidecar_options {
    std::vector<isapi_extension_entry> extensions;
    std::string log_level = "debug";
    /// `log.access_log`: "stderr", an absolute path, or "" (off).
    std::string access_log = "stderr";
    std::string access_format = "text";
    unsigned io_threads = 2;
    /// Further keys of the pool map, as YAML lines indented by four spaces
    /// (e.g. "    max_request_body: 65536\n").
    std::string pool_extra;
    /// Further top-level keys, as YAML lines (e.g. "shutdown_timeout: 5s\n").
    std::string top_extra;
    /// NAME=VALUE entries added to the sidecar's environment (read by extensions).
    std::vector<std::string> env;
    /// When set, the socket gets `socket: { mode: "0660", group: ... }` as in a deployment
    /// where the web server runs as another user (Apache's www-data), and the sidecar's temp
    /// dir lets that group through (0710).
    std::string socket_group;
    /// Listen addresses of the pool besides its unix socket ("tcp:127.0.0.1:PORT").
    std::vector<std::string> extra_listen;
};

class isapi_sidecar {
public:
    /// Writes the config and spawns the binary; does not wait for it.
    explicit isapi_sidecar(isapi_sidecar_options options);
    ~isapi_sidecar();
    isapi_sidecar(const isapi_sidecar&) = delete;
    isapi_sidecar& operator=(const isapi_sidecar&) = delete;

    /// Spawns the sidecar and waits (bounded) for its listener. Throws std::runtime_error with
    /// the config and the log when it does not come up.
    static std::unique_ptr<isapi_sidecar> start(isapi_sidecar_options options);

    /// Waits for the `listening on unix:...` line; false when the process exited first or the
    /// deadline passed.
    bool wait_listening(deadline until);

    const std::filesystem::path& dir() const { return dir_.path(); }
    const temp_dir& directory() const { return dir_; }
    const std::filesystem::path& config_path() const { return config_path_; }
    /// `unix:/path` of the listener (known before it is open).
    std::string address() const { return "unix:" + socket_path_.string(); }

    test_process& process() { return *process_; }
    std::string log() const { return process_->error_output(); }
    std::size_t log_mark() const { return process_->log_mark(); }
    std::optional<std::string> wait_for_log(const std::regex& pattern, deadline until,
                                            std::size_t from = 0)
    {
        return process_->wait_for_log_line(pattern, until, from);
    }
    std::vector<std::string> log_lines(const std::regex& pattern, std::size_t from = 0) const
    {
        return process_->log_lines(pattern, from);
    }

    /// SIGTERM, then SIGKILL after a bound.
    process_end stop() { return process_->stop(); }

private:
    std::string render_config(const isapi_sidecar_options& options) const;

    temp_dir dir_{"isapi-fcgi-sidecar"};
    std::filesystem::path config_path_;
    std::filesystem::path socket_path_;
    std::unique_ptr<test_process> process_;
};

}  // namespace isapi_fcgi::test
