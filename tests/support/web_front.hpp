#pragma once
// A real web server (nginx, Apache httpd, HAProxy) in front of the sidecar or the engine, owned
// by one test: its config generated into a private temp dir, listening on a free loopback
// port, run in the foreground and stopped by pid. This base holds what the three share: the
// start on a free port (retried when the port was taken meanwhile), URLs, the scan of its log
// for FastCGI problems the test did not provoke, and the clean stop.
#include <csignal>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "support/deadline.hpp"
#include "support/temp_dir.hpp"
#include "support/test_process.hpp"

namespace isapi_fcgi::test {

class web_front {
public:
    virtual ~web_front();
    web_front(const web_front&) = delete;
    web_front& operator=(const web_front&) = delete;

    /// "nginx", "apache", "haproxy": for messages.
    const std::string& name() const { return name_; }
    std::uint16_t port() const { return port_; }
    std::string url(const std::string& path) const;
    const temp_dir& dir() const { return dir_; }
    /// The generated main config file.
    std::string config() const;
    /// The log that tells about the FastCGI exchange (error.log, or HAProxy's output).
    virtual std::string error_log() const = 0;
    /// Lines of error_log() that mean the FastCGI exchange went wrong, minus those matching
    /// `allowed` (problems the test provokes).
    std::vector<std::string> error_log_problems(
        const std::optional<std::regex>& allowed = std::nullopt) const;

    test_process& process() { return *process_; }
    /// The front end's stop signal by pid, then SIGKILL after a bound. Idempotent.
    process_end stop();

protected:
    /// `stop_signal` is the one the server handles as a (graceful) stop.
    web_front(std::string name, std::string_view dir_prefix, int stop_signal = SIGTERM);

    /// What launch() runs: the command, and extra environment entries.
    struct command {
        std::vector<std::string> argv;
        std::vector<std::string> env;
    };
    /// Picks a free port, lets `prepare(port)` write the config for it and name the command,
    /// runs it and waits (bounded) until the port accepts. On "Address already in use" it tries
    /// another port; otherwise it throws std::runtime_error with the log and the config.
    void launch(const std::function<command(std::uint16_t port)>& prepare);

    /// The log lines error_log_problems() reports.
    virtual bool is_problem(const std::string& line) const = 0;
    /// Whether the server handles its stop signal yet. Its port accepts before that (nginx
    /// binds in its configuration cycle, then installs its handlers), and a test that stops it
    /// at once would kill it by the signal's default action instead of stopping it.
    virtual bool handles_signals() const { return true; }

    std::string config_name_;  ///< main config file name in dir(), for config()
    temp_dir dir_;

private:
    bool wait_until_handles_signals(deadline until) const;

    std::string name_;
    int stop_signal_;
    std::uint16_t port_ = 0;
    std::unique_ptr<test_process> process_;
};

/// `unix:/p` stays `unix:/p`; `tcp:H:P` becomes `H:P` (nginx and HAProxy syntax).
std::string peer_upstream(const std::string& engine_address);

/// The socket path of a `unix:/path` address (empty for others).
std::string unix_socket_path(const std::string& address);

}  // namespace isapi_fcgi::test
