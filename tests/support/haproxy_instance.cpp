#include "support/haproxy_instance.hpp"

#include <csignal>
#include <sstream>
#include <stdexcept>

#include "support/free_port.hpp"
#include "support/nginx_instance.hpp"

namespace isapi_fcgi::test {

std::string haproxy_instance::render_config(const haproxy_options& options) const
{
    std::string server = options.engine_address.rfind("unix:", 0) == 0
                             ? "unix@" + options.engine_address.substr(5)
                             : peer_upstream(options.engine_address);
    auto flag = [](bool on, const char* name) {
        return std::string("    ") + (on ? "" : "no ") + "option " + name + "\n";
    };
    std::ostringstream conf;
    conf << "global\n"
         << "    log stdout format raw local0 info\n"
         << "    maxconn 256\n"
         << "defaults\n"
         << "    mode http\n"
         << "    log global\n"
         << "    option httplog\n"
         << "    timeout connect 5s\n"
         << "    timeout client 20s\n"
         << "    timeout server 20s\n"
         << "fcgi-app engine\n"
         << "    docroot " << dir_.path().string() << "\n"
         << flag(options.get_values, "get-values") << flag(options.mpxs_conns, "mpxs-conns")
         << flag(options.keep_conn, "keep-conn")
         << "frontend web\n"
         << "    bind 127.0.0.1:" << port_ << "\n"
         << "    default_backend engine\n"
         << "backend engine\n"
         << "    use-fcgi-app engine\n"
         << "    http-reuse " << options.http_reuse << "\n"
         << "    server s1 " << server << " proto fcgi\n";
    return conf.str();
}

haproxy_instance::haproxy_instance(haproxy_options options)
{
    std::string failures;
    for (int attempt = 0; attempt < 5; ++attempt) {
        port_ = free_loopback_port();
        auto config = dir_.write_file("haproxy.cfg", render_config(options));
        {
            spawn_options check_spawn;
            check_spawn.stdout_path = dir_.file("haproxy-check.out");
            test_process check({"haproxy", "-c", "-f", config.string()}, check_spawn);
            auto end = check.wait(deadline_after(std::chrono::seconds(20)));
            if (!end || !end->exited || end->exit_code != 0) {
                throw std::runtime_error("haproxy -c rejected the config:\n" + read_file(config)
                                         + "\n" + check.output());
            }
        }
        spawn_options spawn;
        spawn.stdout_path = dir_.file("haproxy.log");
        process_ = std::make_unique<test_process>(
            std::vector<std::string>{"haproxy", "-db", "-f", config.string()}, spawn);
        if (wait_until_port_accepts(port_, deadline_after(scaled(std::chrono::seconds(10))),
                                    process_.get())) {
            return;
        }
        auto end = process_->stop(std::chrono::seconds(2));
        std::string log = process_->output();
        failures += "attempt on port " + std::to_string(port_) + ": " + end.describe() + "\n"
                    + tail(log, 2000) + "\n";
        if (log.find("Address already in use") == std::string::npos
            && log.find("cannot bind") == std::string::npos) {
            break;
        }
    }
    throw std::runtime_error("haproxy did not start:\n" + failures);
}

haproxy_instance::~haproxy_instance()
{
    if (process_) {
        stop();
    }
}

std::string haproxy_instance::url(const std::string& path) const
{
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::string haproxy_instance::log() const { return process_ ? process_->output() : std::string(); }

process_end haproxy_instance::stop()
{
    // SIGUSR1 is HAProxy's graceful stop (exit status 0); SIGTERM makes it die by the signal.
    return process_->stop(scaled(std::chrono::seconds(10)), SIGUSR1);
}

}  // namespace isapi_fcgi::test
