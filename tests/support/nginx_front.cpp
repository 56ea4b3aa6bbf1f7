#include "support/nginx_front.hpp"

#include <sstream>
#include <stdexcept>

#include "support/free_port.hpp"
#include "support/nginx_instance.hpp"

namespace isapi_fcgi::test {

void nginx_front::copy_conf_files() const
{
    // nginx resolves a relative `include` (such as `include fastcgi_params;` in a snippet)
    // against the directory of the main config file, /etc/nginx in a real deployment, so the
    // distribution's files are put beside the generated config.
    for (const char* name : {"fastcgi_params", "fastcgi.conf"}) {
        const std::filesystem::path source = std::filesystem::path("/etc/nginx") / name;
        if (std::filesystem::exists(source)) {
            std::filesystem::copy_file(source, dir_.file(name),
                                       std::filesystem::copy_options::overwrite_existing);
        }
    }
}

std::string nginx_front::render_config(const nginx_front_options& options) const
{
    const std::string d = dir_.path().string();
    std::ostringstream conf;
    conf << "daemon off;\n"
         << "master_process off;\n"
         << "worker_processes 1;\n"
         // Running as root, the worker must stay root to reach a socket in a 0700 temp dir.
         << "user root;\n"
         << "pid " << d << "/nginx.pid;\n"
         << "error_log " << d << "/error.log info;\n"
         << "worker_rlimit_nofile " << 2 * options.worker_connections + 64 << ";\n"
         << "events { worker_connections " << options.worker_connections << "; }\n"
         << "http {\n"
         << "    access_log " << d << "/access.log;\n"
         << "    client_body_temp_path " << d << "/client_body;\n"
         << "    fastcgi_temp_path " << d << "/fastcgi;\n"
         << "    proxy_temp_path " << d << "/proxy;\n"
         << "    uwsgi_temp_path " << d << "/uwsgi;\n"
         << "    scgi_temp_path " << d << "/scgi;\n"
         << "    upstream isapi_fcgi {\n"
         << "        server " << peer_upstream(options.upstream_address) << ";\n"
         << "        keepalive " << options.keepalive << ";\n"
         << "    }\n"
         << "    server {\n"
         << "        listen 127.0.0.1:" << port_ << ";\n"
         << "        server_name localhost;\n"
         << options.server_extra << "\n"
         << "        include " << options.snippet.string() << ";\n"
         << "    }\n"
         << "}\n";
    return conf.str();
}

nginx_front::nginx_front(nginx_front_options options)
{
    if (!std::filesystem::exists(options.snippet)) {
        throw std::runtime_error("nginx snippet missing: " + options.snippet.string());
    }
    copy_conf_files();
    std::string failures;
    for (int attempt = 0; attempt < 5; ++attempt) {
        port_ = free_loopback_port();
        auto config_path = dir_.write_file("nginx.conf", render_config(options));
        auto error_log_path = dir_.file("error.log");
        spawn_options spawn;
        spawn.stdout_path = dir_.file("nginx.out");
        process_ = std::make_unique<test_process>(
            std::vector<std::string>{"nginx", "-p", dir_.path().string() + "/", "-c",
                                     config_path.string(), "-e", error_log_path.string()},
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
    throw std::runtime_error("nginx did not start:\n" + failures + "--- nginx.conf ---\n"
                             + config());
}

nginx_front::~nginx_front()
{
    if (process_) {
        process_->stop();
    }
}

std::string nginx_front::url(const std::string& path) const
{
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::string nginx_front::config() const { return read_file(dir_.file("nginx.conf")); }

std::string nginx_front::error_log() const { return read_file(dir_.file("error.log")); }

std::vector<std::string> nginx_front::error_log_problems(
    const std::optional<std::regex>& allowed) const
{
    static const std::regex problem(
        R"(upstream prematurely closed|upstream sent|\[alert\]|\[crit\]|\[emerg\])");
    std::vector<std::string> lines;
    std::istringstream log(error_log());
    for (std::string line; std::getline(log, line);) {
        if (std::regex_search(line, problem)
            && !(allowed && std::regex_search(line, *allowed))) {
            lines.push_back(line);
        }
    }
    return lines;
}

process_end nginx_front::stop() { return process_->stop(); }

}  // namespace isapi_fcgi::test
