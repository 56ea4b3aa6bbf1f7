#include "iis_import/config_writers.hpp"

#include "iis_import/filter_plan.hpp"

#include <sstream>

namespace isapi_fcgi::iis_import {
namespace {

void write_warnings(std::ostringstream& out, const import_plan& plan) {
    if (plan.warnings.empty()) return;
    out << "\n# import-iis warnings (settings not carried over; review each):\n";
    for (const auto& w : plan.warnings) out << "#   - " << comment_text(w) << "\n";
}

std::string glob_regex(const std::string& glob) {
    std::string out;
    for (const char c : glob) {
        if (c == '*') out += "[^/]*";
        else out += regex_escaped(std::string(1, c));
    }
    return out;
}

// The .reg files import-iis was given (registry_import.hpp); the store keeps its default.
void write_registry(std::ostringstream& out, const planned_pool& pool) {
    if (pool.registry_files.empty()) return;
    out << "    registry:   # exported on the IIS machine (import-iis --registry)\n"
        << "      files:\n";
    for (const auto& f : pool.registry_files) out << "        - " << yaml_quoted(f) << "\n";
}

// workers, max_requests, max_rss, recycle_interval and rapid_fail, each with the IIS setting it
// came from.
void write_process(std::ostringstream& out, const planned_pool& pool) {
    bool rapid_fail_open = false;
    for (const auto& setting : pool.process) {
        const auto dot = setting.key.find('.');
        if (dot == std::string::npos) {
            out << "    " << setting.key << ": " << setting.value << "   # IIS " << comment_text(setting.source) << "\n";
            continue;
        }
        if (!rapid_fail_open) out << "    " << setting.key.substr(0, dot) << ":\n";
        rapid_fail_open = true;
        out << "      " << setting.key.substr(dot + 1) << ": " << setting.value << "   # IIS " << comment_text(setting.source) << "\n";
    }
}

// Files IIS never served as static content: extension binaries (.dll, and the .so rebuilt from
// them), programs, registry exports, configuration, and the segments requestFiltering hides by
// default. Written after the extension locations, which nginx tries first.
void write_static_denials(std::ostringstream& out) {
    out << "\n    # Not static content on IIS either (requestFiltering's hidden segments, binaries, configuration).\n"
        << "    location ~* \"(^|/)(web\\.config|bin|app_code|app_data|app_browsers|app_globalresources|"
           "app_localresources|app_webreferences)(/|$)|\\.(dll|so|exe|reg|config)$\" {\n"
        << "        return 404;\n"
        << "    }\n";
}

void write_fastcgi_block(std::ostringstream& out, const std::string& indent, const std::string& split_regex,
                         const std::string& upstream) {
    out << indent << "    fastcgi_split_path_info " << split_regex << ";\n"
        << indent << "    include /etc/nginx/fastcgi_params;\n"
        << indent << "    fastcgi_param PATH_INFO $fastcgi_path_info;\n"
        << indent << "    fastcgi_param REQUEST_ID $request_id;\n"
        << indent << "    fastcgi_pass " << upstream << ";\n"
        << indent << "    fastcgi_keep_conn on;\n"
        << indent << "    # Never replay a request that may have reached a worker: one that crashed its worker\n"
        << indent << "    # would crash the next one too (conf/nginx/isapi-fcgi.conf says more).\n"
        << indent << "    fastcgi_next_upstream off;\n"
        << indent << "    fastcgi_request_buffering off;\n"
        << indent << "    fastcgi_read_timeout 300s;\n";
}

}  // namespace

std::string comment_text(const std::string& text) {
    std::string out = text;
    for (auto& c : out) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < ' ' || byte == 0x7f) c = ' ';
    }
    return out;
}

std::string yaml_quoted(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string regex_escaped(const std::string& url) {
    std::string out;
    for (const char c : url) {
        if (std::string_view(R"(\.^$|?*+()[]{}")").find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    return out;
}

std::string write_sidecar_yaml(const import_plan& plan, const std::string& source_name) {
    std::ostringstream out;
    out << "# isapi-fcgi configuration imported from " << comment_text(source_name) << " by `isapi-fcgi import-iis`.\n"
        << "# Check it with `isapi-fcgi --check-config --config FILE`; read the warnings at the end.\n"
        << "pools:\n";
    if (plan.pools.empty()) {
        out << "  - name: default\n    extensions: []\n";
    }
    for (const auto& p : plan.pools) {
        out << "  - name: " << yaml_quoted(p.name) << "\n"
            << "    listen: " << yaml_quoted(p.listen) << "\n";
        if (!p.document_root.empty()) out << "    document_root: " << yaml_quoted(p.document_root) << "\n";
        if (p.max_request_body) {
            out << "    max_request_body: " << p.max_request_body << "   # IIS maxAllowedContentLength\n";
        }
        if (p.upload_read_ahead) {
            out << "    upload_read_ahead: " << p.upload_read_ahead << "   # IIS uploadReadAheadSize\n";
        }
        out << filters_yaml(p);
        if (p.extensions.empty() && p.script_map_only.empty()) {
            out << "    extensions: []\n";
        } else {
            out << "    extensions:\n";
            for (const auto& e : p.extensions) {
                out << "      - name: " << yaml_quoted(e.name) << "\n"
                    << "        path: " << yaml_quoted(e.path) << "   # was " << comment_text(e.windows_path) << "\n"
                    << (e.wine ? "        runtime: wine\n" : "")
                    << "        urls: [";
                for (std::size_t i = 0; i < e.urls.size(); ++i) out << (i ? ", " : "") << yaml_quoted(e.urls[i]);
                out << "]\n";
            }
            for (const auto& e : p.script_map_only) {
                out << "      - name: " << yaml_quoted(e.name) << "   # reached only through script_maps\n"
                    << "        path: " << yaml_quoted(e.path) << "   # was " << comment_text(e.windows_path) << "\n"
                    << (e.wine ? "        runtime: wine\n" : "")
                    << "        urls: []\n";
            }
        }
        if (!p.script_maps.empty()) {
            out << "    # IIS script maps: these extensions also answer the URL patterns below.\n"
                << "    script_maps:\n";
            for (const auto& m : p.script_maps) {
                out << "      - { extension: " << yaml_quoted(m.extension) << ", path: " << yaml_quoted(m.pattern)
                    << ", url_prefix: " << yaml_quoted(m.url_prefix);
                if (!m.verbs.empty()) {
                    out << ", verbs: [";
                    // Quoted like every other value: a verb "NULL" or "null" would be YAML's null.
                    for (std::size_t i = 0; i < m.verbs.size(); ++i) out << (i ? ", " : "") << yaml_quoted(m.verbs[i]);
                    out << "]";
                }
                out << " }\n";
            }
        }
        write_process(out, p);
        write_registry(out, p);
    }
    write_warnings(out, plan);
    return out.str();
}

std::string write_nginx_config(const import_plan& plan, const std::string& source_name) {
    std::ostringstream out;
    out << "# nginx configuration imported from " << comment_text(source_name) << " by `isapi-fcgi import-iis`:\n"
        << "# one upstream per sidecar pool, one server per IIS site, a location per extension URL\n"
        << "# (matched case-insensitively, as IIS does). Include it in the http block.\n";
    for (const auto& p : plan.pools) {
        out << "\nupstream " << upstream_name(p.name) << " {\n"
            << "    server " << p.listen << ";\n"
            << "    keepalive 16;\n"
            << "}\n";
    }
    for (const auto& s : plan.servers) {
        out << "\n";
        if (!s.site.empty()) out << "# IIS site \"" << comment_text(s.site) << "\"\n";
        out << "server {\n";
        for (const auto& l : s.listens) out << "    listen " << l << ";\n";
        for (const auto& l : s.tls_listens) {
            out << "    # listen " << l << " ssl;   # https binding: add ssl_certificate and ssl_certificate_key\n";
        }
        if (s.listens.empty() && s.tls_listens.empty()) out << "    listen 80;   # no HTTP binding was found\n";
        out << "    server_name";
        if (s.server_names.empty()) out << " _";
        for (const auto& n : s.server_names) out << " " << n;
        out << ";\n";
        if (s.max_body) out << "    client_max_body_size " << s.max_body << ";\n";
        if (!s.root.empty()) out << "    root \"" << s.root << "\";   # static files, as IIS served them\n";
        for (const auto& l : s.locations) {
            const std::string url = regex_escaped(l.url == "/" ? "" : l.url);
            if (!l.script_map) {
                out << "\n    location ~* \"^" << url << "(/|$)\" {\n";
                write_fastcgi_block(out, "    ", "\"^(?i)(" + url + ")(/.*)?$\"", l.upstream);
                out << "    }\n";
                continue;
            }
            const std::string target = l.pattern == "*" ? url + "(/|$)" : url + "/(.*/)?" + glob_regex(l.pattern) + "(/|$)";
            out << "\n    # script map " << comment_text(l.pattern) << " under " << comment_text(l.url) << " (script_maps in the sidecar's YAML)\n"
                << "    location ~* \"^" << target << "\" {\n";
            write_fastcgi_block(out, "    ", "\"^(.+?)(/.*)?$\"", l.upstream);
            out << "    }\n";
        }
        for (const auto& [url, directory] : s.aliases) {
            out << "\n    location \"" << url << "\" {   # virtual directory\n"
                << "        alias \"" << directory << "\";\n"
                << "    }\n";
        }
        if (!s.root.empty() || !s.aliases.empty()) write_static_denials(out);
        out << "}\n";
    }
    if (plan.servers.empty()) out << "\n# No extension URL was found: nothing to route.\n";
    write_warnings(out, plan);
    return out.str();
}

}  // namespace isapi_fcgi::iis_import
