#include "support/apache_front.hpp"

#include <unistd.h>

#include <regex>
#include <sstream>
#include <stdexcept>

namespace isapi_fcgi::test {

namespace {

constexpr unsigned threads_per_child = 32;
const char* const module_dir = "/usr/lib/apache2/modules";

}  // namespace

std::string apache_front::render_config(const apache_front_options& options,
                                        std::uint16_t port) const
{
    const std::string d = dir_.path().string();
    const unsigned processes = (options.max_workers + threads_per_child - 1) / threads_per_child;
    std::ostringstream conf;
    conf << "ServerRoot " << d << "\n"
         << "ServerName localhost\n"
         << "Listen 127.0.0.1:" << port << "\n"
         << "PidFile " << d << "/httpd.pid\n"
         << "DefaultRuntimeDir " << d << "\n"
         << "ErrorLog " << d << "/error.log\n"
         << "LogLevel info\n"
         << "LogFormat \"%h \\\"%r\\\" %>s %B %D\" short\n"
         << "CustomLog " << d << "/access.log short\n";
    std::vector<std::string> modules{"mpm_event", "authz_core", "env", "unique_id", "proxy", "proxy_fcgi"};
    modules.insert(modules.end(), options.extra_modules.begin(), options.extra_modules.end());
    for (const auto& module : modules) {
        conf << "LoadModule " << module << "_module " << module_dir << "/mod_" << module
             << ".so\n";
    }
    if (::geteuid() == 0) {
        conf << "User " << worker_user << "\nGroup " << worker_user << "\n";
    }
    // Every process at start-up, so a burst of requests needs no spawning; workers never
    // retire during a test.
    conf << "ServerLimit " << processes << "\n"
         << "StartServers " << processes << "\n"
         << "ThreadsPerChild " << threads_per_child << "\n"
         << "ThreadLimit " << threads_per_child << "\n"
         << "MaxRequestWorkers " << processes * threads_per_child << "\n"
         << "MinSpareThreads " << threads_per_child << "\n"
         << "MaxSpareThreads " << processes * threads_per_child << "\n"
         << "MaxConnectionsPerChild 0\n"
         << "ListenBacklog 4096\n"
         << "Timeout 300\n"
         << "DocumentRoot " << d << "/htdocs\n"
         // As Debian's apache2.conf: nothing outside the document root, no .htaccess files.
         << "<Directory />\n    AllowOverride None\n    Require all denied\n</Directory>\n"
         << "<Directory " << d << "/htdocs>\n    Require all granted\n</Directory>\n"
         << "Define ISAPI_FCGI_SOCKET " << unix_socket_path(options.upstream_address) << "\n"
         // For <Directory> sections of the tests' snippets.
         << "Define ISAPI_TEST_HTDOCS " << d << "/htdocs\n"
         << options.server_extra << "\n"
         << "<VirtualHost 127.0.0.1:" << port << ">\n"
         << "    ServerName localhost\n"
         << options.vhost_extra << "\n"
         << "    Include " << options.snippet.string() << "\n"
         << "</VirtualHost>\n";
    return conf.str();
}

apache_front::apache_front(apache_front_options options) : web_front("apache", "isapi-fcgi-apache")
{
    if (!std::filesystem::exists(options.snippet)) {
        throw std::runtime_error("apache snippet missing: " + options.snippet.string());
    }
    if (unix_socket_path(options.upstream_address).empty()) {
        throw std::runtime_error("the apache snippets need a unix socket, not "
                                 + options.upstream_address);
    }
    config_name_ = "httpd.conf";
    std::filesystem::create_directory(dir_.file("htdocs"));
    if (::geteuid() == 0) {
        // The workers (www-data) walk the document root for the SetHandler style.
        std::filesystem::permissions(dir_.path(), std::filesystem::perms::others_exec
                                                      | std::filesystem::perms::group_exec,
                                     std::filesystem::perm_options::add);
    }
    launch([&](std::uint16_t port) {
        auto config = dir_.write_file(config_name_, render_config(options, port));
        return command{{"apache2", "-DFOREGROUND", "-f", config.string()}, {}};
    });
}

std::string apache_front::error_log() const { return read_file(dir_.file("error.log")); }

bool apache_front::is_problem(const std::string& line) const
{
    static const std::regex problem(
        R"(\[proxy(_fcgi)?:(error|crit|alert|emerg)\]|\[[a-z_]+:(crit|alert|emerg)\]|)"
        R"(Premature end of script headers|AH01071)");
    return std::regex_search(line, problem);
}

}  // namespace isapi_fcgi::test
