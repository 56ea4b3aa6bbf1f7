#include "support/nginx_instance.hpp"

#include <unistd.h>

#include <regex>
#include <sstream>
#include <stdexcept>

#include "support/free_port.hpp"

namespace isapi_fcgi::test {

std::string peer_upstream(const std::string& engine_address)
{
    if (engine_address.rfind("tcp:", 0) == 0) {
        return engine_address.substr(4);
    }
    return engine_address;
}

std::string nginx_instance::render_config(const nginx_options& options) const
{
    const std::string d = dir_.path().string();
    std::ostringstream conf;
    conf << "daemon off;\n"
         << "master_process " << (options.master_process ? "on" : "off") << ";\n"
         << "worker_processes 1;\n";
    if (options.master_process && ::geteuid() == 0) {
        // Workers started by root switch to "nobody", which cannot reach a 0700 temp dir.
        conf << "user root;\n";
    }
    conf << "pid " << d << "/nginx.pid;\n"
         << "error_log " << d << "/error.log info;\n"
         << "events { worker_connections 256; }\n"
         << "http {\n"
         << "    access_log " << d << "/access.log;\n"
         << "    client_body_temp_path " << d << "/client_body;\n"
         << "    fastcgi_temp_path " << d << "/fastcgi;\n"
         << "    proxy_temp_path " << d << "/proxy;\n"
         << "    uwsgi_temp_path " << d << "/uwsgi;\n"
         << "    scgi_temp_path " << d << "/scgi;\n"
         << "    upstream engine {\n"
         << "        server " << peer_upstream(options.engine_address) << ";\n";
    if (options.keep_conn) {
        conf << "        keepalive 4;\n";
    }
    conf << "    }\n"
         << "    server {\n"
         << "        listen 127.0.0.1:" << port_ << ";\n"
         << "        server_name localhost;\n"
         << "        client_max_body_size 16m;\n"
         << "        location / {\n"
         << "            include /etc/nginx/fastcgi_params;\n"
         << "            fastcgi_pass engine;\n"
         << "            fastcgi_keep_conn " << (options.keep_conn ? "on" : "off") << ";\n"
         << options.location_extra << "\n"
         << "        }\n"
         << "    }\n"
         << "}\n";
    return conf.str();
}

nginx_instance::nginx_instance(nginx_options options)
{
    std::string failures;
    for (int attempt = 0; attempt < 5; ++attempt) {
        port_ = free_loopback_port();
        auto config = dir_.write_file("nginx.conf", render_config(options));
        auto error_log_path = dir_.file("error.log");
        spawn_options spawn;
        spawn.stdout_path = dir_.file("nginx.out");
        process_ = std::make_unique<test_process>(
            std::vector<std::string>{"nginx", "-p", dir_.path().string() + "/", "-c",
                                     config.string(), "-e", error_log_path.string()},
            spawn);
        if (wait_until_port_accepts(port_, deadline_after(scaled(std::chrono::seconds(10))),
                                    process_.get())) {
            return;
        }
        auto end = process_->stop(std::chrono::seconds(2));
        std::string log = error_log() + process_->output();
        failures += "attempt on port " + std::to_string(port_) + ": " + end.describe() + "\n"
                    + tail(log, 2000) + "\n";
        if (log.find("Address already in use") == std::string::npos) {
            break;
        }
    }
    throw std::runtime_error("nginx did not start:\n" + failures);
}

nginx_instance::~nginx_instance()
{
    if (process_) {
        process_->stop();
    }
}

std::string nginx_instance::url(const std::string& path) const
{
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::string nginx_instance::error_log() const { return read_file(dir_.file("error.log")); }

std::vector<std::string> nginx_instance::error_log_problems() const
{
    static const std::regex problem(
        R"(upstream prematurely closed|upstream sent|\[alert\]|\[crit\]|\[emerg\])");
    std::vector<std::string> lines;
    std::istringstream log(error_log());
    for (std::string line; std::getline(log, line);) {
        if (std::regex_search(line, problem)) {
            lines.push_back(line);
        }
    }
    return lines;
}

process_end nginx_instance::stop() { return process_->stop(); }

}  // namespace isapi_fcgi::test
