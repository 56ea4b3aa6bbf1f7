#pragma once
// What import-iis reads from an IIS configuration file, as plain data: sites with their
// bindings, applications and virtual directories, handler sections per location, the
// ISAPI/CGI restriction list and the application pools. Paths are kept as IIS wrote them.
#include <map>
#include <string>
#include <vector>

namespace isapi_fcgi::iis_import {

struct binding {
    std::string protocol;      ///< http, https, net.tcp...
    std::string information;   ///< "ip:port:host", e.g. "*:80:" or "10.0.0.1:8080:www.example.com"
};

struct virtual_directory {
    std::string path;           ///< relative to its application: "/" or "/images"
    std::string physical_path;  ///< Windows path, e.g. "%SystemDrive%\inetpub\wwwroot"
};

struct application {
    std::string path;  ///< URL path inside the site: "/" or "/app"
    std::string pool;  ///< application pool name
    std::vector<virtual_directory> directories;
};

struct site {
    std::string name;
    std::vector<binding> bindings;
    std::vector<application> applications;
};

/// One `<add>` of a `<handlers>` section.
struct handler {
    std::string name;
    std::string path;             ///< "*.dll", "*.isa", "*", "default.isa"
    std::string verb = "*";
    std::string modules;          ///< "IsapiModule", "CgiModule", "StaticFileModule,..."
    std::string script_processor; ///< the DLL of a script map, else ""
    std::string require_access = "Script";  ///< None, Read, Write, Script, Execute
};

/// A `<handlers>` element in the order it appears: `<clear/>`, `<remove>` and `<add>` steps.
struct handler_section {
    std::string location;  ///< "" (global) or a `<location path>`: "Default Web Site/scripts"
    std::string access_policy;  ///< the element's accessPolicy ("" when absent)
    struct step {
        enum class kind { clear, remove, add } what = kind::add;
        handler entry;  ///< for remove: only name
    };
    std::vector<step> steps;
};

/// An `<isapiFilters>` element in the order it appears: `<clear/>`, `<remove>` and `<filter>`.
struct filter_section {
    std::string location;  ///< "" (global or a web.config's own) or a `<location path>`: a site
    struct step {
        enum class kind { clear, remove, add } what = kind::add;
        std::string name;
        std::string path;  ///< Windows path of the filter DLL (add)
        bool enabled = true;
    };
    std::vector<step> steps;
};

struct restriction {
    std::string path;  ///< Windows path of the DLL
    bool allowed = false;
    std::string description;
};

/// Everything `system.webServer` holds that the importer maps or warns about, per location.
struct web_server_settings {
    std::string location;
    unsigned long long max_allowed_content_length = 0;  ///< 0: not set
    unsigned long long upload_read_ahead = 0;            ///< 0: not set
};

/// An `<add>` of `<applicationPools>`: its settings as IIS wrote them, the pool's own over
/// `<applicationPoolDefaults>`, keyed by element path and attribute ("@queueLength",
/// "processModel@maxProcesses", "recycling/periodicRestart@time", "failure@rapidFailProtection");
/// a collection other than the restart schedule is one key naming the element ("environmentVariables").
struct application_pool {
    std::string name;
    std::map<std::string, std::string> settings;
    std::vector<std::string> restart_schedule;  ///< periodicRestart/schedule times of day, "03:00:00"
};

struct iis_config {
    bool application_host = false;  ///< applicationHost.config (else a web.config)
    std::vector<site> sites;
    std::vector<application_pool> pools;  ///< declared application pools, in file order
    std::string default_pool = "DefaultAppPool";
    std::vector<handler_section> handlers;
    std::vector<filter_section> filters;
    bool not_listed_isapis_allowed = false;
    bool restriction_list_present = false;
    std::vector<restriction> restrictions;
    std::vector<web_server_settings> settings;
};

}  // namespace isapi_fcgi::iis_import
