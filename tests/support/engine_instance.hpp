#pragma once
// The isapi-fcgi binary run as a test peer: a YAML config in a private temp dir, the process
// started with `--config`, its stderr captured, and its listen addresses learnt from the
// `listening on ...` log lines (a tcp listen with port 0 reports the real port).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <regex>
#include <string>

#include "support/temp_dir.hpp"
#include "support/test_process.hpp"

namespace isapi_fcgi::test {

struct engine_options {
    bool listen_unix = true;
    bool listen_tcp = false;  ///< tcp:127.0.0.1:0
    std::string log_level = "debug";
    unsigned io_threads = 2;
    std::optional<std::string> ping_path;
    std::optional<std::string> ping_response;
    std::optional<std::size_t> max_connections;
    std::optional<std::size_t> max_requests_per_connection;
    std::optional<std::size_t> max_params_bytes;
    std::optional<std::size_t> max_stdin_buffer;
    /// Durations as the config writes them ("1s", "500ms").
    std::optional<std::string> idle_timeout;
    std::optional<std::string> read_timeout;
    std::optional<std::string> write_timeout;
    std::optional<std::string> linger_timeout;
    std::optional<std::string> drain_grace;
};

class engine_instance {
public:
    /// Writes the config and starts the binary; waits (bounded) for every listener's
    /// `listening on` line. Throws std::runtime_error with the log when it does not come up.
    explicit engine_instance(engine_options options = {});
    ~engine_instance();
    engine_instance(const engine_instance&) = delete;
    engine_instance& operator=(const engine_instance&) = delete;

    /// The binary under test: $ISAPI_FCGI_BINARY, else the build tree's isapi-fcgi.
    static std::filesystem::path binary();

    const std::filesystem::path& dir() const { return dir_.path(); }
    const std::filesystem::path& config_path() const { return config_path_; }
    /// `unix:/path` (empty without a unix listener).
    const std::string& unix_address() const { return unix_address_; }
    std::filesystem::path unix_path() const { return unix_address_.substr(5); }
    /// `tcp:127.0.0.1:PORT` (empty without a tcp listener).
    const std::string& tcp_address() const { return tcp_address_; }
    std::uint16_t tcp_port() const { return tcp_port_; }
    /// The first listener: unix if configured, else tcp.
    const std::string& address() const
    {
        return unix_address_.empty() ? tcp_address_ : unix_address_;
    }

    test_process& process() { return *process_; }
    bool running() { return process_->running(); }
    std::string log() const { return process_->error_output(); }
    std::size_t log_mark() const { return process_->log_mark(); }
    std::optional<std::string> wait_for_log(const std::regex& pattern, deadline until,
                                            std::size_t from = 0)
    {
        return process_->wait_for_log_line(pattern, until, from);
    }
    std::size_t count_log(const std::regex& pattern, std::size_t from = 0) const
    {
        return process_->count_log_lines(pattern, from);
    }

    /// SIGTERM, then SIGKILL after a bound.
    process_end stop() { return process_->stop(); }

private:
    std::string render_config(const engine_options& options) const;

    temp_dir dir_{"isapi-fcgi-engine"};
    std::filesystem::path config_path_;
    std::unique_ptr<test_process> process_;
    std::string unix_address_;
    std::string tcp_address_;
    std::uint16_t tcp_port_ = 0;
};

/// Case-insensitive ECMAScript regex, the usual way tests match log lines loosely.
std::regex log_pattern(const std::string& pattern);

}  // namespace isapi_fcgi::test
