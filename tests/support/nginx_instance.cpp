#include "support/nginx_instance.hpp"

#include <unistd.h>

#include <regex>
#include <sstream>

namespace isapi_fcgi::test {

bool nginx_log_problem(const std::string& line)
{
    static const std::regex problem(
        R"(upstream prematurely closed|upstream sent|\[alert\]|\[crit\]|\[emerg\])");
    return std::regex_search(line, problem);
}

std::string nginx_private_paths(const temp_dir& dir)
{
    const std::string d = dir.path().string();
    return "pid " + d + "/nginx.pid;\n" + "error_log " + d + "/error.log info;\n";
}

// nginx writes its pid file right after installing its signal handlers.
bool nginx_handles_signals(const temp_dir& dir) { return !read_file(dir.file("nginx.pid")).empty(); }

std::string nginx_http_private_paths(const temp_dir& dir)
{
    const std::string d = dir.path().string();
    std::string lines = "    access_log " + d + "/access.log;\n";
    for (const char* kind : {"client_body", "fastcgi", "proxy", "uwsgi", "scgi"}) {
        lines += std::string("    ") + kind + "_temp_path " + d + "/" + kind + ";\n";
    }
    return lines;
}

std::string nginx_instance::render_config(const nginx_options& options, std::uint16_t port) const
{
    std::ostringstream conf;
    conf << "daemon off;\n"
         << "master_process " << (options.master_process ? "on" : "off") << ";\n"
         << "worker_processes 1;\n";
    if (options.master_process && ::geteuid() == 0) {
        // Workers started by root switch to "nobody", which cannot reach a 0700 temp dir.
        conf << "user root;\n";
    }
    conf << nginx_private_paths(dir_) << "events { worker_connections 256; }\n"
         << "http {\n"
         << nginx_http_private_paths(dir_)
         << "    upstream engine {\n"
         << "        server " << peer_upstream(options.engine_address) << ";\n";
    if (options.keep_conn) {
        conf << "        keepalive 4;\n";
    }
    conf << "    }\n"
         << "    server {\n"
         << "        listen 127.0.0.1:" << port << ";\n"
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

nginx_instance::nginx_instance(nginx_options options) : web_front("nginx", "isapi-fcgi-nginx")
{
    config_name_ = "nginx.conf";
    launch([&](std::uint16_t port) {
        auto config = dir_.write_file(config_name_, render_config(options, port));
        return command{{"nginx", "-p", dir_.path().string() + "/", "-c", config.string(), "-e",
                        dir_.file("error.log").string()},
                       {}};
    });
}

std::string nginx_instance::error_log() const { return read_file(dir_.file("error.log")); }

bool nginx_instance::is_problem(const std::string& line) const { return nginx_log_problem(line); }

bool nginx_instance::handles_signals() const { return nginx_handles_signals(dir_); }

}  // namespace isapi_fcgi::test
