#pragma once
// A real HAProxy (2.6) through its fcgi-app support, the one common peer that sends GET_VALUES
// and multiplexes requests on a connection. Two uses: in front of the engine with a generated
// fcgi-app (the flags below), or in front of the ISAPI sidecar with the shipped
// conf/haproxy/isapi-fcgi.cfg loaded unchanged after the generated file (which then only holds
// global, defaults and a frontend routing `.dll` URLs to the shipped backend). The config is
// validated with `haproxy -c` and run in the foreground (-db) on a free loopback port; stopped
// by pid.
#include <filesystem>
#include <string>

#include "support/web_front.hpp"

namespace isapi_fcgi::test {

struct haproxy_options {
    /// `unix:/path` or `tcp:HOST:PORT`, as the engine reports it.
    std::string engine_address;
    bool get_values = true;
    bool mpxs_conns = true;
    bool keep_conn = true;
    /// http-reuse mode; "always" lets a client's first request share a server connection.
    std::string http_reuse = "always";
    /// The shipped backend (conf/haproxy/isapi-fcgi.cfg); empty: the generated fcgi-app above.
    /// The engine address must then be a unix socket (passed as ISAPI_FCGI_SOCKET).
    std::filesystem::path backend_file;
    /// global maxconn: concurrent client connections.
    unsigned maxconn = 256;
};

class haproxy_instance : public web_front {
public:
    explicit haproxy_instance(haproxy_options options);

    /// HAProxy's own output (alerts, warnings and the http log).
    std::string error_log() const override;

private:
    /// [ALERT] lines, a server going DOWN, and http log lines whose termination state blames
    /// the server side, HAProxy itself or a resource (S, P, I, R, D or K first).
    bool is_problem(const std::string& line) const override;
    std::string render_config(const haproxy_options& options, std::uint16_t port) const;
};

}  // namespace isapi_fcgi::test
