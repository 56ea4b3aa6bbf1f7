#include "support/nginx_front.hpp"

#include <sstream>
#include <stdexcept>

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

std::string nginx_front::render_config(const nginx_front_options& options,
                                       std::uint16_t port) const
{
    std::ostringstream conf;
    conf << "daemon off;\n"
         << "master_process off;\n"
         << "worker_processes 1;\n"
         // Running as root, the worker must stay root to reach a socket in a 0700 temp dir.
         << "user root;\n"
         << nginx_private_paths(dir_)
         << "worker_rlimit_nofile " << 2 * options.worker_connections + 64 << ";\n"
         << "events { worker_connections " << options.worker_connections << "; }\n"
         << "http {\n"
         << nginx_http_private_paths(dir_)
         << "    upstream isapi_fcgi {\n"
         << "        server " << peer_upstream(options.upstream_address) << ";\n"
         << "        keepalive " << options.keepalive << ";\n"
         << "    }\n"
         << "    server {\n"
         << "        listen 127.0.0.1:" << port << ";\n"
         << "        server_name localhost;\n"
         << options.server_extra << "\n"
         << "        include " << options.snippet.string() << ";\n"
         << "    }\n"
         << "}\n";
    return conf.str();
}

nginx_front::nginx_front(nginx_front_options options) : web_front("nginx", "isapi-fcgi-nginx-front")
{
    if (!std::filesystem::exists(options.snippet)) {
        throw std::runtime_error("nginx snippet missing: " + options.snippet.string());
    }
    config_name_ = "nginx.conf";
    copy_conf_files();
    launch([&](std::uint16_t port) {
        auto config = dir_.write_file(config_name_, render_config(options, port));
        return command{{"nginx", "-p", dir_.path().string() + "/", "-c", config.string(), "-e",
                        dir_.file("error.log").string()},
                       {}};
    });
}

std::string nginx_front::error_log() const { return read_file(dir_.file("error.log")); }

bool nginx_front::is_problem(const std::string& line) const { return nginx_log_problem(line); }

bool nginx_front::handles_signals() const { return nginx_handles_signals(dir_); }

}  // namespace isapi_fcgi::test
