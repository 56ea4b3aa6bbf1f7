#pragma once
// A real Apache httpd (2.4, mod_proxy_fcgi, event MPM) running a shipped snippet
// (conf/apache/isapi-fcgi.conf or isapi-fcgi-sethandler.conf) unchanged, as users deploy it: a
// generated main config loads the modules, defines ISAPI_FCGI_SOCKET and includes the snippet
// by absolute path in a <VirtualHost>. Config, pid, logs and runtime files live in a private
// temp dir; Apache runs in the foreground (-DFOREGROUND), stopped by pid. Started by root, its
// workers run as www-data (Apache refuses to serve as root): the sidecar's socket must be
// reachable by that group, as in a real deployment.
#include <filesystem>
#include <string>
#include <vector>

#include "support/web_front.hpp"

namespace isapi_fcgi::test {

struct apache_front_options {
    /// The sidecar's address: `unix:/path`.
    std::string upstream_address;
    /// The snippet, included unchanged.
    std::filesystem::path snippet;
    /// Concurrent requests Apache serves (MaxRequestWorkers, rounded up to whole processes).
    unsigned max_workers = 256;
    /// Directives for the <VirtualHost>, before the include.
    std::string vhost_extra;
    /// Modules loaded besides the snippets' own ("authnz_fcgi").
    std::vector<std::string> extra_modules;
    /// Server-level directives, before the <VirtualHost> (what a vhost may not hold).
    std::string server_extra;
};

class apache_front : public web_front {
public:
    /// Starts Apache on a free loopback port; retries with another port when the chosen one was
    /// taken meanwhile. Throws std::runtime_error with the error log when it does not come up.
    explicit apache_front(apache_front_options options);

    std::string error_log() const override;

    /// The user Apache's workers run as when started by root.
    static constexpr const char* worker_user = "www-data";

private:
    /// Errors of mod_proxy and mod_proxy_fcgi ("AH01067: Failed to read FastCGI header",
    /// "Premature end of script headers", a backend's stderr) and any crit/alert/emerg.
    bool is_problem(const std::string& line) const override;
    std::string render_config(const apache_front_options& options, std::uint16_t port) const;
};

}  // namespace isapi_fcgi::test
