#pragma once
// A real HAProxy (2.6) in front of the engine through its fcgi-app support, the one common
// peer that sends GET_VALUES and multiplexes requests on a connection. The config is generated
// into a private temp dir, validated with `haproxy -c`, and run in the foreground (-db) on a
// free loopback port; stopped by pid.
#include <cstdint>
#include <memory>
#include <string>

#include "support/temp_dir.hpp"
#include "support/test_process.hpp"

namespace isapi_fcgi::test {

struct haproxy_options {
    /// `unix:/path` or `tcp:HOST:PORT`, as the engine reports it.
    std::string engine_address;
    bool get_values = true;
    bool mpxs_conns = true;
    bool keep_conn = true;
    /// http-reuse mode; "always" lets a client's first request share a server connection.
    std::string http_reuse = "always";
};

class haproxy_instance {
public:
    explicit haproxy_instance(haproxy_options options);
    ~haproxy_instance();
    haproxy_instance(const haproxy_instance&) = delete;
    haproxy_instance& operator=(const haproxy_instance&) = delete;

    std::uint16_t port() const { return port_; }
    std::string url(const std::string& path) const;
    const temp_dir& dir() const { return dir_; }
    /// HAProxy's own output (warnings, alerts and the http log).
    std::string log() const;
    test_process& process() { return *process_; }
    /// Graceful stop (SIGUSR1), then SIGKILL after a bound.
    process_end stop();

private:
    std::string render_config(const haproxy_options& options) const;

    temp_dir dir_{"isapi-fcgi-haproxy"};
    std::uint16_t port_ = 0;
    std::unique_ptr<test_process> process_;
};

}  // namespace isapi_fcgi::test
