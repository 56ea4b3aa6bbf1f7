#include "support/haproxy_instance.hpp"

#include <csignal>
#include <sstream>
#include <stdexcept>

namespace isapi_fcgi::test {

std::string haproxy_instance::render_config(const haproxy_options& options,
                                            std::uint16_t port) const
{
    std::ostringstream conf;
    conf << "global\n"
         << "    log stdout format raw local0 info\n"
         << "    maxconn " << options.maxconn << "\n"
         // HAProxy 2.6 stops reading a client whose request body an early FastCGI answer left
         // unconsumed (an extension that reads only part of an upload) and keeps that stream
         // until `timeout client`; a graceful stop would wait for it (docs/front-ends.md).
         << "    hard-stop-after 5s\n"
         << "defaults\n"
         << "    mode http\n"
         << "    log global\n"
         << "    option httplog\n"
         << "    timeout connect 5s\n"
         << "    timeout client 60s\n"
         << "    timeout server 20s\n"
         << "frontend web\n"
         << "    bind 127.0.0.1:" << port << "\n";
    if (!options.backend_file.empty()) {
        // As a user's frontend would route to the shipped backend, with an id per request
        // that the backend passes as REQUEST_ID.
        conf << "    unique-id-format %{+X}o%ci%cp%fi%fp%Ts%rt%pid\n"
             << "    http-request return status 404 if !{ path_reg -i \\.dll(/|$) }\n"
             << "    use_backend isapi_fcgi if { path_reg -i \\.dll(/|$) }\n";
        return conf.str();
    }
    std::string server = options.engine_address.rfind("unix:", 0) == 0
                             ? "unix@" + unix_socket_path(options.engine_address)
                             : peer_upstream(options.engine_address);
    auto flag = [](bool on, const char* name) {
        return std::string("    ") + (on ? "" : "no ") + "option " + name + "\n";
    };
    conf << "    default_backend engine\n"
         << "fcgi-app engine\n"
         << "    docroot " << dir_.path().string() << "\n"
         << flag(options.get_values, "get-values") << flag(options.mpxs_conns, "mpxs-conns")
         << flag(options.keep_conn, "keep-conn")
         << "backend engine\n"
         << "    use-fcgi-app engine\n"
         << "    http-reuse " << options.http_reuse << "\n"
         << "    server s1 " << server << " proto fcgi\n";
    return conf.str();
}

// SIGUSR1 is HAProxy's graceful stop (exit status 0); SIGTERM makes it die by the signal.
haproxy_instance::haproxy_instance(haproxy_options options)
    : web_front("haproxy", "isapi-fcgi-haproxy", SIGUSR1)
{
    config_name_ = "haproxy.cfg";
    std::vector<std::string> env;
    if (!options.backend_file.empty()) {
        if (!std::filesystem::exists(options.backend_file)) {
            throw std::runtime_error("haproxy backend file missing: "
                                     + options.backend_file.string());
        }
        const std::string socket = unix_socket_path(options.engine_address);
        if (socket.empty()) {
            throw std::runtime_error("the shipped haproxy backend needs a unix socket, not "
                                     + options.engine_address);
        }
        env.push_back("ISAPI_FCGI_SOCKET=" + socket);
    }
    launch([&](std::uint16_t port) {
        auto config = dir_.write_file(config_name_, render_config(options, port));
        std::vector<std::string> argv{"haproxy", "-db", "-f", config.string()};
        if (!options.backend_file.empty()) {
            argv.insert(argv.end(), {"-f", options.backend_file.string()});
        }
        std::vector<std::string> check_argv = argv;
        check_argv[1] = "-c";
        spawn_options check_spawn;
        check_spawn.stdout_path = dir_.file("haproxy-check.out");
        check_spawn.env = env;
        test_process check(check_argv, check_spawn);
        auto end = check.wait(deadline_after(scaled(std::chrono::seconds(20))));
        if (!end || !end->exited || end->exit_code != 0) {
            check.stop(std::chrono::seconds(2));
            throw std::runtime_error("haproxy -c rejected the config:\n" + read_file(config)
                                     + "\n" + check.output());
        }
        return command{argv, env};
    });
}

std::string haproxy_instance::error_log() const { return read_file(dir_.file("haproxy.out")); }

bool haproxy_instance::is_problem(const std::string& line) const
{
    static const std::regex problem(
        R"(\[ALERT\]|is DOWN| [0-9]{3} [0-9]+ \S+ \S+ [SPIRDK][-A-Za-z]{3} )");
    // The stream hard-stop-after ends (K): a request with a body the sidecar answered before
    // reading all of it, which HAProxy 2.6 then leaves unread (see render_config). The client
    // had its whole response; anything else killed at the stop is a problem.
    static const std::regex early_answer_kept(R"( [0-9]{3} [0-9]+ \S+ \S+ K--- .*"(POST|PUT|PATCH) )");
    return std::regex_search(line, problem) && !std::regex_search(line, early_answer_kept);
}

}  // namespace isapi_fcgi::test
