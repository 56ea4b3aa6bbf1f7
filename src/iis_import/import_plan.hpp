#pragma once
// What the sidecar and nginx need to serve the URLs an IIS configuration served with ISAPI
// extensions, worked out from iis_config (pure): pools, extensions and their URLs, script maps
// (kept apart: the host does not serve them yet), nginx servers and locations, and a warning
// for everything that could not be carried over.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "iis_import/iis_model.hpp"
#include "iis_import/windows_paths.hpp"

namespace isapi_fcgi::iis_import {

/// A .reg file exported on the IIS machine (registry_import.hpp), read by the caller.
struct registry_source {
    std::string path;  ///< absolute: the pools' registry.files name it
    std::vector<std::uint8_t> bytes;
};

struct import_options {
    std::vector<path_mapping> maps;
    std::string default_root = "/srv/iis";
    std::string socket_dir = "/run/isapi-fcgi";
    std::string site;                ///< only this site (applicationHost.config); "" = all
    std::string url_prefix = "/";    ///< web.config: where its application lives
    std::string physical_dir;        ///< web.config: its Windows directory
    std::string source_name;         ///< file name, for the generated headers
    std::vector<registry_source> registry;  ///< --registry files, for every pool
};

struct planned_extension {
    std::string name;
    std::string path;          ///< Linux path of the .so (or of the .dll when `wine`)
    std::string windows_path;  ///< as IIS had it
    bool wine = false;         ///< no .so, the .dll itself is there: `runtime: wine` (docs/wine.md)
    std::vector<std::string> urls;
    std::vector<std::string> url_sites;  ///< the site of each URL
};

struct planned_script_map {
    std::string extension;   ///< name of a planned (or script-map-only) extension
    std::string pattern;     ///< IIS handler path: "*.isa", "*"
    std::string url_prefix;  ///< where the mapping applies
    std::vector<std::string> verbs;  ///< empty: all
    std::string site;
};

/// An ISAPI filter a pool loads (`filters:`), in IIS's order.
struct planned_filter {
    std::string name;
    std::string path;          ///< Linux path of the .so
    std::string windows_path;  ///< as IIS had it
};

/// A process setting of a pool carried over from its IIS application pool: `key` is the YAML key
/// ("workers", "rapid_fail.interval"), `value` its text, `source` the IIS setting it came from.
struct planned_setting {
    std::string key;
    std::string value;
    std::string source;
};

struct planned_pool {
    std::string name;
    std::string listen;
    std::string site;                  ///< the site its extensions belong to, if only one
    std::vector<planned_extension> extensions;
    std::vector<planned_extension> script_map_only;  ///< reached only through script maps
    std::vector<planned_script_map> script_maps;
    std::vector<planned_filter> filters;
    std::string document_root;
    unsigned long long max_request_body = 0;
    unsigned long long upload_read_ahead = 0;
    std::vector<std::string> registry_files;  ///< registry.files (registry_import.hpp)
    std::vector<planned_setting> process;     ///< workers, recycling, rapid_fail (pool_plan.hpp)
};

struct planned_location {
    std::string url;       ///< an extension URL, or a script map's prefix
    std::string pattern;   ///< script maps: the IIS path pattern
    std::string upstream;
    bool script_map = false;
};

struct planned_server {
    std::string site;
    std::vector<std::string> listens;        ///< nginx listen arguments
    std::vector<std::string> tls_listens;    ///< https bindings (need certificates)
    std::vector<std::string> server_names;
    unsigned long long max_body = 0;
    std::vector<planned_location> locations;
    std::string root;  ///< the site's mapped physical path: nginx serves its static files
    /// Virtual directories elsewhere than below root: URL prefix ("/images/") -> directory ("/srv/img/").
    std::vector<std::pair<std::string, std::string>> aliases;
};

struct import_plan {
    std::vector<planned_pool> pools;
    std::vector<planned_server> servers;
    std::vector<std::string> warnings;
};

/// IIS's own default for maxAllowedContentLength.
inline constexpr unsigned long long iis_default_max_content_length = 30000000;
/// isapi-fcgi's upload_read_ahead limit.
inline constexpr unsigned long long max_upload_read_ahead = 16ULL << 20;

import_plan plan_import(const iis_config& config, const import_options& options);

/// Upstream name nginx uses for a pool.
std::string upstream_name(const std::string& pool);

}  // namespace isapi_fcgi::iis_import
