#include "config/effective_config.hpp"

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/value_parsers.hpp"

namespace isapi_fcgi::config {
namespace {

std::string duration_or_zero(std::chrono::milliseconds d) { return d.count() == 0 ? "0" : format_duration(d); }

std::string octal(std::uint32_t mode) {
    char text[16];
    std::snprintf(text, sizeof text, "0%o", mode);
    return text;
}

std::vector<std::string> url_flag_names(std::uint32_t flags) {
    static constexpr std::pair<const char*, std::uint32_t> names[] = {
        {"read", 0x001},       {"write", 0x002},     {"execute", 0x004},      {"ssl", 0x008},
        {"dont_cache", 0x010}, {"nego_cert", 0x020}, {"require_cert", 0x040}, {"map_cert", 0x080},
        {"ssl128", 0x100},     {"script", 0x200},
    };
    std::vector<std::string> out;
    for (const auto& [name, bit] : names)
        if (flags & bit) out.emplace_back(name);
    return out;
}

void emit_extension(YAML::Emitter& out, const extension_settings& e) {
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << e.name;
    out << YAML::Key << "path" << YAML::Value << e.path;
    out << YAML::Key << "urls" << YAML::Value << YAML::Flow << e.urls;
    out << YAML::Key << "required" << YAML::Value << e.required;
    out << YAML::Key << "streaming" << YAML::Value << e.streaming;
    out << YAML::Key << "runtime" << YAML::Value << (e.runtime == extension_runtime::wine ? "wine" : "native");
    out << YAML::EndMap;
}

void emit_isapi(YAML::Emitter& out, const isapi_settings& i) {
    out << YAML::Key << "extensions" << YAML::Value << YAML::BeginSeq;
    for (const auto& e : i.extensions) emit_extension(out, e);
    out << YAML::EndSeq;
    out << YAML::Key << "filters" << YAML::Value << YAML::BeginSeq;
    for (const auto& f : i.filters) {
        out << YAML::BeginMap;
        out << YAML::Key << "name" << YAML::Value << f.name;
        out << YAML::Key << "path" << YAML::Value << f.path;
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
    out << YAML::Key << "filter_session_timeout" << YAML::Value << format_duration(i.filter_session_timeout);
    out << YAML::Key << "document_root" << YAML::Value << i.document_root;
    out << YAML::Key << "url_case_sensitive" << YAML::Value << i.url_case_sensitive;
    out << YAML::Key << "extension_threads" << YAML::Value << i.extension_threads;
    out << YAML::Key << "upload_read_ahead" << YAML::Value << format_size(i.upload_read_ahead);
    out << YAML::Key << "max_request_body" << YAML::Value << format_size(i.max_request_body);
    out << YAML::Key << "queue_timeout" << YAML::Value << format_duration(i.queue_timeout);
    out << YAML::Key << "request_timeout" << YAML::Value << duration_or_zero(i.request_timeout);
    out << YAML::Key << "slowlog_threshold" << YAML::Value << duration_or_zero(i.slowlog_threshold);
    out << YAML::Key << "strict_async" << YAML::Value << i.strict_async;
    out << YAML::Key << "secure_crt_invalid_parameter" << YAML::Value << (i.invalid_parameter_abort ? "abort" : "fail");
    out << YAML::Key << "async_copy_limit" << YAML::Value << format_size(i.async_copy_limit);
    out << YAML::Key << "max_response_header_bytes" << YAML::Value << format_size(i.max_response_header_bytes);
    out << YAML::Key << "server_software" << YAML::Value << i.server_software;
    out << YAML::Key << "default_content_type" << YAML::Value << i.default_content_type;
    out << YAML::Key << "url_flags" << YAML::Value << YAML::Flow << url_flag_names(i.url_flags);
    out << YAML::Key << "send_url" << YAML::Value << (i.send_url_internal ? "internal" : "redirect");
    out << YAML::Key << "all_http_line_end" << YAML::Value << (i.all_http_crlf ? "crlf" : "lf");
    out << YAML::Key << "server_variables" << YAML::Value << YAML::BeginMap;
    for (const auto& [name, value] : i.server_variables) out << YAML::Key << name << YAML::Value << value;
    out << YAML::EndMap;
    out << YAML::Key << "script_maps" << YAML::Value << YAML::BeginSeq;
    for (const auto& m : i.script_maps) {
        out << YAML::BeginMap << YAML::Key << "extension" << YAML::Value << m.extension;
        out << YAML::Key << "path" << YAML::Value << m.path;
        out << YAML::Key << "url_prefix" << YAML::Value << m.url_prefix;
        out << YAML::Key << "verbs" << YAML::Value << YAML::Flow << m.verbs << YAML::EndMap;
    }
    out << YAML::EndSeq;
    out << YAML::Key << "allow_path_info_for_script_mappings" << YAML::Value << i.allow_path_info_for_script_mappings;
}

void emit_process(YAML::Emitter& out, const process_settings& p) {
    out << YAML::Key << "workers" << YAML::Value << p.workers;
    out << YAML::Key << "user" << YAML::Value << p.user;
    out << YAML::Key << "group" << YAML::Value << p.group;
    out << YAML::Key << "max_requests" << YAML::Value << p.max_requests;
    out << YAML::Key << "max_rss" << YAML::Value << (p.max_rss ? format_size(p.max_rss) : "0");
    out << YAML::Key << "recycle_interval" << YAML::Value << duration_or_zero(p.recycle_interval);
    out << YAML::Key << "rapid_fail" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "max_crashes" << YAML::Value << p.rapid_fail_max_crashes;
    out << YAML::Key << "interval" << YAML::Value << format_duration(p.rapid_fail_interval) << YAML::EndMap;
    out << YAML::Key << "status_path" << YAML::Value << p.status_path;
    out << YAML::Key << "metrics_path" << YAML::Value << p.metrics_path;
    out << YAML::Key << "core_dump_dir" << YAML::Value << p.core_dump_dir;
    out << YAML::Key << "crash_quarantine" << YAML::Value << duration_or_zero(p.crash_quarantine);
}

void emit_pool(YAML::Emitter& out, const pool_settings& p) {
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << p.name;
    out << YAML::Key << "listen" << YAML::Value << YAML::BeginSeq;
    for (const auto& l : p.listen) out << l.text;
    out << YAML::EndSeq;
    out << YAML::Key << "socket" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "mode" << YAML::Value << octal(p.socket.mode);
    out << YAML::Key << "owner" << YAML::Value << p.socket.owner;
    out << YAML::Key << "group" << YAML::Value << p.socket.group << YAML::EndMap;
    out << YAML::Key << "allowed_clients" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const auto& c : p.allowed_clients) out << c.text;
    out << YAML::EndSeq;
    out << YAML::Key << "io_threads" << YAML::Value << p.io_threads;
    out << YAML::Key << "listen_backlog" << YAML::Value << p.listen_backlog;
    out << YAML::Key << "ping_path" << YAML::Value << p.ping_path;
    out << YAML::Key << "ping_response" << YAML::Value << p.ping_response;
    out << YAML::Key << "limits" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "max_connections" << YAML::Value << p.limit.max_connections;
    out << YAML::Key << "max_requests_per_connection" << YAML::Value << p.limit.max_requests_per_connection;
    out << YAML::Key << "max_params_bytes" << YAML::Value << format_size(p.limit.max_params_bytes);
    out << YAML::Key << "max_stdin_buffer" << YAML::Value << format_size(p.limit.max_stdin_buffer);
    out << YAML::Key << "body_temp_dir" << YAML::Value << p.limit.body_temp_dir << YAML::EndMap;
    out << YAML::Key << "timeouts" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "idle" << YAML::Value << format_duration(p.timeout.idle);
    out << YAML::Key << "read" << YAML::Value << format_duration(p.timeout.read);
    out << YAML::Key << "write" << YAML::Value << format_duration(p.timeout.write);
    out << YAML::Key << "linger" << YAML::Value << format_duration(p.timeout.linger);
    out << YAML::Key << "drain_grace" << YAML::Value << format_duration(p.timeout.drain_grace) << YAML::EndMap;
    emit_isapi(out, p.isapi);
    emit_process(out, p.process);
    if (p.registry.enabled) {
        out << YAML::Key << "registry" << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "files" << YAML::Value << YAML::BeginSeq;
        for (const auto& f : p.registry.files) out << f;
        out << YAML::EndSeq;
        if (!p.registry.store.empty()) out << YAML::Key << "store" << YAML::Value << p.registry.store;
        out << YAML::EndMap;
    }
    out << YAML::EndMap;
}

}  // namespace

std::string effective_yaml(const settings& s) {
    YAML::Emitter out;
    out << YAML::Comment("effective configuration of " + s.source + " (defaults included)");
    // The included files' pools are in `pools` below, so `include` itself is not repeated.
    for (const auto& file : s.included_files) {
        std::string names;
        for (const auto& p : s.pools)
            if (p.source == file) names += (names.empty() ? "" : ", ") + p.name;
        out << YAML::Newline << YAML::Comment("pools from " + file + ": " + (names.empty() ? "none" : names));
    }
    out << YAML::BeginMap;
    out << YAML::Key << "allow_root" << YAML::Value << s.allow_root;
    out << YAML::Key << "shutdown_timeout" << YAML::Value << format_duration(s.shutdown_timeout);
    out << YAML::Key << "state_file" << YAML::Value << s.state_file;
    out << YAML::Key << "log" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "level" << YAML::Value << s.log.level;
    out << YAML::Key << "file" << YAML::Value << s.log.file;
    out << YAML::Key << "format" << YAML::Value << s.log.format;
    out << YAML::Key << "mode" << YAML::Value << octal(s.log.mode);
    out << YAML::Key << "access_log" << YAML::Value << s.access_log;
    out << YAML::Key << "access_format" << YAML::Value << s.access_format << YAML::EndMap;
    out << YAML::Key << "pools" << YAML::Value << YAML::BeginSeq;
    for (const auto& p : s.pools) emit_pool(out, p);
    out << YAML::EndSeq << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

}  // namespace isapi_fcgi::config
