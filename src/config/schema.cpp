#include "config/schema.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "config/accounts.hpp"
#include "config/value_parsers.hpp"
#include "win32/reg_file.hpp"

namespace isapi_fcgi::config {
namespace {

constexpr std::array log_levels{"trace", "debug", "info", "warn", "error", "critical", "off"};

std::string quoted(std::string_view text) {
    return '\'' + std::string(text) + '\'';
}

std::size_t whole_number_in(const field& value, std::size_t min, std::size_t max) {
    const auto number = value.parse("a whole number", parse_whole_number);
    if (number < min || number > max) {
        value.fail(quoted(value.text("")) + " is out of range (" + std::to_string(min) + " to " +
                   std::to_string(max) + ")");
    }
    return static_cast<std::size_t>(number);
}

std::size_t size_in(const field& value, std::size_t min, std::size_t max) {
    const auto bytes = value.parse("a size", parse_size);
    if (bytes < min || bytes > max) {
        value.fail(quoted(value.text("")) + " is out of range (" + format_size(min) + " to " +
                   format_size(max) + ")");
    }
    return bytes;
}

std::chrono::milliseconds timeout(const field& value) {
    const auto duration = value.parse("a duration", parse_duration);
    if (duration < bounds::min_timeout || duration > bounds::max_timeout) {
        value.fail(quoted(value.text("")) + " is out of range (" +
                   format_duration(bounds::min_timeout) + " to " +
                   format_duration(bounds::max_timeout) + ")");
    }
    return duration;
}

/// A duration, or 0 for "off".
std::chrono::milliseconds timeout_or_zero(const field& value) {
    if (value.text("a duration or 0") == "0") return std::chrono::milliseconds{0};
    return timeout(value);
}

std::string absolute_path_or_empty(const field& value) {
    std::string path = value.text_or_empty("a file path");
    if (!path.empty() && path.front() != '/') {
        value.fail(quoted(path) + " is not an absolute path (or \"\" for stderr)");
    }
    return path;
}

std::string account(const field& value, bool (*exists)(std::string_view), std::string_view what) {
    std::string name = value.text_or_empty("a name or numeric id");
    if (!name.empty() && !exists(name)) {
        value.fail("no " + std::string(what) + " " + quoted(name) + " on this system");
    }
    return name;
}

void store_log_level(const field& value, settings& out) {
    std::string level = value.text("a log level");
    if (std::find(log_levels.begin(), log_levels.end(), level) == log_levels.end()) {
        value.fail(quoted(level) +
                   " is not a level (use trace, debug, info, warn, error, critical or off)");
    }
    out.log.level = std::move(level);
}

void store_pool_name(const field& value, pool_settings& pool) {
    std::string name = value.text("a pool name");
    const bool allowed = std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '.' || c == '-';
    });
    if (name.empty() || name.size() > bounds::max_pool_name || !allowed) {
        value.fail(quoted(name) + " is not a pool name (1 to 64 of A-Z a-z 0-9 _ . -)");
    }
    pool.name = std::move(name);
}

void store_listen(const field& value, pool_settings& pool) {
    std::vector<listen_address> addresses;
    for (const field& item : value.items("a listen address or a list of them", true)) {
        addresses.push_back(item.parse("a listen address", parse_listen_address));
        addresses.back().line = item.line();
        addresses.back().column = item.column();
    }
    if (addresses.empty()) value.fail("expected at least one listen address");
    pool.listen = std::move(addresses);
}

void store_allowed_clients(const field& value, pool_settings& pool) {
    std::vector<address_range> ranges;
    for (const field& item : value.items("an address, a CIDR block or a list of them", true)) {
        ranges.push_back(item.parse("an address or CIDR block", parse_address_range));
    }
    pool.allowed_clients = std::move(ranges);
}

std::string url_path_or_empty(const field& value) {
    std::string path = value.text_or_empty("a URL path");
    const bool printable =
        std::all_of(path.begin(), path.end(), [](char c) { return static_cast<unsigned char>(c) > ' ' && c != '\x7f'; });
    if (!path.empty() && (path.front() != '/' || !printable)) {
        value.fail(quoted(path) + " is not a URL path (start with '/', or \"\" to disable)");
    }
    return path;
}

void store_ping_path(const field& value, pool_settings& pool) {
    pool.ping_path = url_path_or_empty(value);
}


bool parse_bool(const field& value) {
    const std::string text = value.text("true or false");
    if (text == "true" || text == "yes" || text == "on") return true;
    if (text == "false" || text == "no" || text == "off") return false;
    value.fail(quoted(text) + " is not a boolean (use true or false)");
}

void store_extension_name(const field& value, extension_settings& ext) {
    std::string name = value.text("an extension name");
    const bool allowed = std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '.' || c == '-';
    });
    if (name.empty() || name.size() > bounds::max_pool_name || !allowed)
        value.fail(quoted(name) + " is not an extension name (1 to 64 of A-Z a-z 0-9 _ . -)");
    ext.name = std::move(name);
}

void store_extension_path(const field& value, extension_settings& ext) {
    std::string path = value.text("the absolute path of the extension's .so or .dll");
    if (path.front() != '/') value.fail(quoted(path) + " is not an absolute path");
    ext.path = std::move(path);
}

void store_extension_urls(const field& value, extension_settings& ext) {
    std::vector<std::string> urls;
    for (const field& item : value.items("a URL path or a list of them", true)) {
        std::string url = item.text("a URL path");
        const bool printable =
            std::all_of(url.begin(), url.end(), [](char c) { return static_cast<unsigned char>(c) > ' ' && c != '\x7f'; });
        if (url.empty() || url.front() != '/' || !printable || url.find('?') != std::string::npos)
            item.fail(quoted(url) + " is not a URL path (e.g. /scripts/app.dll)");
        urls.push_back(std::move(url));
    }
    ext.urls = std::move(urls);
}

void store_extension_runtime(const field& value, extension_settings& ext) {
    const std::string text = value.text("native or wine");
    if (text == "native") ext.runtime = extension_runtime::native;
    else if (text == "wine") ext.runtime = extension_runtime::wine;
    else value.fail(quoted(text) + " is not a runtime (use native or wine)");
}

const std::array<key_spec<extension_settings>, 6> extension_table{{
    {"name", "extension name", "(required)", store_extension_name},
    {"path", "absolute path", "(required)", store_extension_path},
    {"urls", "URL path or list", "[] (script maps only)", store_extension_urls},
    {"required", "boolean", "false",
     [](const field& v, extension_settings& e) { e.required = parse_bool(v); }},
    {"streaming", "boolean", "false",
     [](const field& v, extension_settings& e) { e.streaming = parse_bool(v); }},
    {"runtime", "native or wine", "native", store_extension_runtime},
}};

void store_extensions(const field& value, pool_settings& pool) {
    std::vector<extension_settings> extensions;
    for (const field& item : value.items("a list of extensions", false)) {
        if (!item.node().IsMap())
            item.fail_at(item.node(), "an extension must be a map of keys (name, path, urls), got " +
                                          std::string(describe(item.node())));
        extension_settings ext;
        const field root(item.node(), "", YAML::Mark(), item.source());
        const YAML::Node name = item.node()["name"];
        const std::string label = name.IsDefined() && name.IsScalar() ? quoted(name.Scalar())
                                                                      : "#" + std::to_string(extensions.size() + 1);
        read_keys<extension_settings>(root, extension_table, " in extension " + label, ext);
        for (const char* key : {"name", "path"})
            if (!item.node()[key].IsDefined())
                item.fail_at(item.node(), "extension " + label + " needs '" + key + "'");
        for (const auto& other : extensions)
            if (other.name == ext.name) item.fail_at(item.node()["name"], "duplicate extension name " + quoted(ext.name));
        ext.line = item.line();
        ext.column = item.column();
        extensions.push_back(std::move(ext));
    }
    pool.isapi.extensions = std::move(extensions);
}

void store_filter_name(const field& value, filter_settings& filter) {
    std::string name = value.text("a filter name");
    const bool allowed = std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '.' || c == '-';
    });
    if (name.empty() || name.size() > bounds::max_pool_name || !allowed)
        value.fail(quoted(name) + " is not a filter name (1 to 64 of A-Z a-z 0-9 _ . -)");
    filter.name = std::move(name);
}

void store_filter_path(const field& value, filter_settings& filter) {
    std::string path = value.text("the absolute path of the filter's .so");
    if (path.front() != '/') value.fail(quoted(path) + " is not an absolute path");
    filter.path = std::move(path);
}

const std::array<key_spec<filter_settings>, 2> filter_table{{
    {"name", "filter name", "(required)", store_filter_name},
    {"path", "absolute path", "(required)", store_filter_path},
}};

void store_filters(const field& value, pool_settings& pool) {
    std::vector<filter_settings> filters;
    for (const field& item : value.items("a list of filters", false)) {
        if (!item.node().IsMap())
            item.fail_at(item.node(), "a filter must be a map of keys (name, path), got " +
                                          std::string(describe(item.node())));
        filter_settings filter;
        const field root(item.node(), "", YAML::Mark(), item.source());
        const YAML::Node name = item.node()["name"];
        const std::string label = name.IsDefined() && name.IsScalar() ? quoted(name.Scalar())
                                                                      : "#" + std::to_string(filters.size() + 1);
        read_keys<filter_settings>(root, filter_table, " in filter " + label, filter);
        for (const char* key : {"name", "path"})
            if (!item.node()[key].IsDefined()) item.fail_at(item.node(), "filter " + label + " needs '" + key + "'");
        for (const auto& other : filters)
            if (other.name == filter.name) item.fail_at(item.node()["name"], "duplicate filter name " + quoted(filter.name));
        filter.line = item.line();
        filter.column = item.column();
        filters.push_back(std::move(filter));
    }
    pool.isapi.filters = std::move(filters);
}

void store_document_root(const field& value, pool_settings& pool) {
    std::string path = value.text_or_empty("a directory path");
    if (!path.empty() && path.front() != '/') value.fail(quoted(path) + " is not an absolute path");
    pool.isapi.document_root = std::move(path);
}

void store_body_temp_dir(const field& value, pool_settings& pool) {
    std::string path = value.text_or_empty("a directory path");
    if (!path.empty() && path.front() != '/') value.fail(quoted(path) + " is not an absolute path");
    pool.limit.body_temp_dir = std::move(path);
}

void store_secure_crt_policy(const field& value, pool_settings& pool) {
    const std::string policy = value.text("fail or abort");
    if (policy != "fail" && policy != "abort")
        value.fail(quoted(policy) + " is not a secure CRT policy (use fail or abort)");
    pool.isapi.invalid_parameter_abort = policy == "abort";
}

void store_send_url(const field& value, pool_settings& pool) {
    const std::string mode = value.text("redirect or internal");
    if (mode != "redirect" && mode != "internal")
        value.fail(quoted(mode) + " is not a SEND_URL mode (use redirect or internal)");
    pool.isapi.send_url_internal = mode == "internal";
}

void store_url_flags(const field& value, pool_settings& pool) {
    static constexpr std::array<std::pair<std::string_view, std::uint32_t>, 10> names{{
        {"read", 0x001}, {"write", 0x002}, {"execute", 0x004}, {"ssl", 0x008}, {"dont_cache", 0x010},
        {"nego_cert", 0x020}, {"require_cert", 0x040}, {"map_cert", 0x080}, {"ssl128", 0x100},
        {"script", 0x200},
    }};
    std::uint32_t flags = 0;
    for (const field& item : value.items("a flag name or a list of them", true)) {
        const std::string name = item.text("a flag name");
        const auto found = std::find_if(names.begin(), names.end(), [&](const auto& n) { return n.first == name; });
        if (found == names.end())
            item.fail(quoted(name) + " is not a URL flag (read, write, execute, script, ssl, ssl128, dont_cache, "
                                     "nego_cert, require_cert, map_cert)");
        flags |= found->second;
    }
    pool.isapi.url_flags = flags;
}

void store_all_http_line_end(const field& value, pool_settings& pool) {
    const std::string end = value.text("lf or crlf");
    if (end != "lf" && end != "crlf") value.fail(quoted(end) + " is not a line end (use lf or crlf)");
    pool.isapi.all_http_crlf = end == "crlf";
}

void store_server_variables(const field& value, pool_settings& pool) {
    if (value.node().IsNull()) return;
    if (!value.node().IsMap()) value.fail("expected a map of variable names to values, got " + std::string(describe(value.node())));
    std::vector<std::pair<std::string, std::string>> overrides;
    for (const auto& entry : value.node()) {
        const field name = value.child(entry.first, entry.first, value.path());
        std::string upper = name.text("a server variable name");
        const bool allowed = !upper.empty() && std::all_of(upper.begin(), upper.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        });
        if (!allowed) name.fail(quoted(upper) + " is not a server variable name (A-Z 0-9 _)");
        for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
        const field text = value.child(entry.first, entry.second, value.path() + "." + upper);
        overrides.emplace_back(std::move(upper), text.text_or_empty("a string"));
    }
    pool.isapi.server_variables = std::move(overrides);
}

void store_script_map_extension(const field& v, script_map_settings& m) { m.extension = v.text("an extension name"); }

void store_script_map_path(const field& v, script_map_settings& m) {
    std::string path = v.text("\"*.ext\" or \"*\"");
    const bool suffix = path.size() > 2 && path.starts_with("*.") &&
                        path.find_first_of("*/\\?", 1) == std::string::npos;
    if (path != "*" && !suffix) v.fail(quoted(path) + " is not a script map path (\"*.isa\", or \"*\" for every URL)");
    m.path = std::move(path);
}

void store_script_map_prefix(const field& v, script_map_settings& m) {
    std::string prefix = v.text("a URL path");
    const bool printable = std::all_of(prefix.begin(), prefix.end(), [](char c) { return static_cast<unsigned char>(c) > ' ' && c != '\x7f'; });
    if (prefix.empty() || prefix.front() != '/' || !printable || prefix.find_first_of("?%\\") != std::string::npos)
        v.fail(quoted(prefix) + " is not a URL path (e.g. /shop)");
    m.url_prefix = std::move(prefix);
}

void store_script_map_verbs(const field& v, script_map_settings& m) {
    std::vector<std::string> verbs;
    for (const field& item : v.items("a method or a list of them", true)) {
        std::string verb = item.text("a method");
        const bool token = !verb.empty() && std::all_of(verb.begin(), verb.end(), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_';
        });
        if (!token) item.fail(quoted(verb) + " is not an HTTP method");
        for (char& c : verb) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
        verbs.push_back(std::move(verb));
    }
    m.verbs = std::move(verbs);
}

const std::array<key_spec<script_map_settings>, 4> script_map_table{{
    {"extension", "extension name", "(required)", store_script_map_extension},
    {"path", "\"*.ext\" or \"*\"", "(required)", store_script_map_path},
    {"url_prefix", "URL path", "/", store_script_map_prefix},
    {"verbs", "method or list", "[] (all)", store_script_map_verbs},
}};

void store_script_maps(const field& value, pool_settings& pool) {
    std::vector<script_map_settings> maps;
    for (const field& item : value.items("a list of script maps", false)) {
        if (!item.node().IsMap())
            item.fail_at(item.node(), "a script map must be a map of keys (extension, path, url_prefix, verbs), got " +
                                          std::string(describe(item.node())));
        script_map_settings map;
        const field root(item.node(), "", YAML::Mark(), item.source());
        read_keys<script_map_settings>(root, script_map_table, " in script map #" + std::to_string(maps.size() + 1), map);
        for (const char* key : {"extension", "path"})
            if (!item.node()[key].IsDefined())
                item.fail_at(item.node(), "script map #" + std::to_string(maps.size() + 1) + " needs '" + key + "'");
        maps.push_back(std::move(map));
    }
    pool.isapi.script_maps = std::move(maps);
}

const std::array<key_spec<pool_settings>, 46> pool_table{{
    {"name", "pool name", "default", store_pool_name},
    {"listen", "listen address or list", default_listen, store_listen},
    {"socket", "section", "", nullptr},
    {"socket.mode", "octal mode", "\"0660\"",
     [](const field& v, pool_settings& p) { p.socket.mode = v.parse("a mode", parse_octal_mode); }},
    {"socket.owner", "user name or id", "\"\" (unchanged)",
     [](const field& v, pool_settings& p) { p.socket.owner = account(v, user_exists, "user"); }},
    {"socket.group", "group name or id", "\"\" (unchanged)",
     [](const field& v, pool_settings& p) { p.socket.group = account(v, group_exists, "group"); }},
    {"allowed_clients", "address/CIDR or list", "[] (loopback only)", store_allowed_clients},
    {"io_threads", "0..64", "0 (one per core, at most 4)",
     [](const field& v, pool_settings& p) {
         p.io_threads = static_cast<unsigned>(whole_number_in(v, 0, bounds::max_io_threads));
     }},
    {"listen_backlog", "1..65535", "511",
     [](const field& v, pool_settings& p) {
         p.listen_backlog = whole_number_in(v, 1, bounds::max_listen_backlog);
     }},
    {"ping_path", "URL path", "/ping", store_ping_path},
    {"ping_response", "string", "pong",
     [](const field& v, pool_settings& p) { p.ping_response = v.text_or_empty("a string"); }},
    {"limits", "section", "", nullptr},
    {"limits.max_connections", "1..1048576", "1024",
     [](const field& v, pool_settings& p) {
         p.limit.max_connections = whole_number_in(v, 1, bounds::max_connections);
     }},
    {"limits.max_requests_per_connection", "1..65535", "64",
     [](const field& v, pool_settings& p) {
         p.limit.max_requests_per_connection =
             whole_number_in(v, 1, bounds::max_requests_per_connection);
     }},
    {"limits.max_params_bytes", "size 1..16MiB", "64KiB",
     [](const field& v, pool_settings& p) {
         p.limit.max_params_bytes = size_in(v, 1, bounds::max_params_bytes);
     }},
    {"limits.max_stdin_buffer", "size 4KiB..1GiB", "64KiB",
     [](const field& v, pool_settings& p) {
         p.limit.max_stdin_buffer = size_in(v, bounds::min_stdin_buffer, bounds::max_stdin_buffer);
     }},
    {"limits.body_temp_dir", "absolute path", "\"\" ($TMPDIR, else /tmp)", store_body_temp_dir},
    {"timeouts", "section", "", nullptr},
    {"timeouts.idle", "duration", "300s",
     [](const field& v, pool_settings& p) { p.timeout.idle = timeout(v); }},
    {"timeouts.read", "duration", "60s",
     [](const field& v, pool_settings& p) { p.timeout.read = timeout(v); }},
    {"timeouts.write", "duration", "60s",
     [](const field& v, pool_settings& p) { p.timeout.write = timeout(v); }},
    {"timeouts.linger", "duration", "5s",
     [](const field& v, pool_settings& p) { p.timeout.linger = timeout(v); }},
    {"timeouts.drain_grace", "duration", "5s",
     [](const field& v, pool_settings& p) { p.timeout.drain_grace = timeout(v); }},
    {"extensions", "list of extensions", "[]", store_extensions},
    {"filters", "list of filters", "[]", store_filters},
    {"filter_session_timeout", "duration", "75s",
     [](const field& v, pool_settings& p) { p.isapi.filter_session_timeout = timeout(v); }},
    {"document_root", "absolute path", "\"\" (none)", store_document_root},
    {"url_case_sensitive", "boolean", "false",
     [](const field& v, pool_settings& p) { p.isapi.url_case_sensitive = parse_bool(v); }},
    {"extension_threads", "1..1024", "32",
     [](const field& v, pool_settings& p) {
         p.isapi.extension_threads = static_cast<unsigned>(whole_number_in(v, 1, 1024));
     }},
    {"upload_read_ahead", "size 0..16MiB", "48KiB",
     [](const field& v, pool_settings& p) { p.isapi.upload_read_ahead = size_in(v, 0, 16u << 20); }},
    {"max_request_body", "size", "100MiB",
     [](const field& v, pool_settings& p) {
         p.isapi.max_request_body = size_in(v, 0, std::size_t{1} << 50);
     }},
    {"queue_timeout", "duration", "30s",
     [](const field& v, pool_settings& p) { p.isapi.queue_timeout = timeout(v); }},
    {"request_timeout", "duration", "120s",
     [](const field& v, pool_settings& p) { p.isapi.request_timeout = timeout(v); }},
    {"slowlog_threshold", "duration or 0", "0 (off)",
     [](const field& v, pool_settings& p) { p.isapi.slowlog_threshold = timeout_or_zero(v); }},
    {"strict_async", "boolean", "false",
     [](const field& v, pool_settings& p) { p.isapi.strict_async = parse_bool(v); }},
    {"secure_crt_invalid_parameter", "fail|abort", "fail", store_secure_crt_policy},
    {"async_copy_limit", "size 0..64KiB", "16KiB",
     [](const field& v, pool_settings& p) { p.isapi.async_copy_limit = size_in(v, 0, 64 * 1024); }},
    {"max_response_header_bytes", "size 512..1MiB", "4KiB",
     [](const field& v, pool_settings& p) {
         p.isapi.max_response_header_bytes = size_in(v, 512, 1u << 20);
     }},
    {"server_software", "string", "\"\" (from the front end)",
     [](const field& v, pool_settings& p) { p.isapi.server_software = v.text_or_empty("a string"); }},
    {"default_content_type", "string", "text/html",
     [](const field& v, pool_settings& p) { p.isapi.default_content_type = v.text("a content type"); }},
    {"url_flags", "flag name or list", "[read, script]", store_url_flags},
    {"send_url", "redirect|internal", "redirect", store_send_url},
    {"all_http_line_end", "lf|crlf", "lf", store_all_http_line_end},
    {"server_variables", "map of name: value", "{}", store_server_variables},
    {"script_maps", "list of script maps", "[]", store_script_maps},
    {"allow_path_info_for_script_mappings", "boolean", "false",
     [](const field& v, pool_settings& p) { p.isapi.allow_path_info_for_script_mappings = parse_bool(v); }},
}};

// The supervisor's keys of a pool (src/ops): processes, recycling, rapid-fail, status.
const std::array<key_spec<pool_settings>, 13> process_pool_table{{
    {"workers", "1..256", "1",
     [](const field& v, pool_settings& p) {
         p.process.workers = static_cast<unsigned>(whole_number_in(v, 1, bounds::max_workers));
     }},
    {"user", "user name or id", "\"\" (the master's)",
     [](const field& v, pool_settings& p) { p.process.user = account(v, user_exists, "user"); }},
    {"group", "group name or id", "\"\" (the user's)",
     [](const field& v, pool_settings& p) { p.process.group = account(v, group_exists, "group"); }},
    {"max_requests", "whole number", "0 (never)",
     [](const field& v, pool_settings& p) {
         p.process.max_requests = v.parse("a whole number", parse_whole_number);
     }},
    {"max_rss", "size", "0 (off)",
     [](const field& v, pool_settings& p) { p.process.max_rss = size_in(v, 0, std::size_t{1} << 50); }},
    {"recycle_interval", "duration", "0 (off)",
     [](const field& v, pool_settings& p) { p.process.recycle_interval = timeout_or_zero(v); }},
    {"rapid_fail", "section", "", nullptr},
    {"rapid_fail.max_crashes", "0..1000", "5",
     [](const field& v, pool_settings& p) {
         p.process.rapid_fail_max_crashes = static_cast<unsigned>(whole_number_in(v, 0, 1000));
     }},
    {"rapid_fail.interval", "duration", "5m",
     [](const field& v, pool_settings& p) { p.process.rapid_fail_interval = timeout(v); }},
    {"crash_quarantine", "duration", "60s",
     [](const field& v, pool_settings& p) { p.process.crash_quarantine = timeout_or_zero(v); }},
    {"status_path", "URL path", "\"\" (off)",
     [](const field& v, pool_settings& p) { p.process.status_path = url_path_or_empty(v); }},
    {"metrics_path", "URL path", "\"\" (off)",
     [](const field& v, pool_settings& p) { p.process.metrics_path = url_path_or_empty(v); }},
    {"core_dump_dir", "absolute path", "\"\" (system default)",
     [](const field& v, pool_settings& p) {
         std::string path = v.text_or_empty("a directory path");
         if (!path.empty() && path.front() != '/') v.fail(quoted(path) + " is not an absolute path");
         p.process.core_dump_dir = std::move(path);
     }},
}};

// A .reg file is read and parsed when the configuration is: a syntax error is a configuration
// error naming the file and its line (isapi-fcgi --check-config shows it).
void store_registry_files(const field& value, pool_settings& p) {
    p.registry.enabled = true;
    for (const field& item : value.items("a list of .reg file paths", true)) {
        const std::string path = item.text("a .reg file path");
        if (path.front() != '/') item.fail(quoted(path) + " is not an absolute path");
        std::ifstream in(path, std::ios::binary | std::ios::ate);
        if (!in) item.fail("cannot read " + quoted(path));
        std::vector<std::uint8_t> bytes(static_cast<std::size_t>(std::max<std::streamoff>(in.tellg(), 0)));
        in.seekg(0);
        if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size())))
            item.fail("cannot read " + quoted(path));
        const auto parsed = win32::reg::parse_reg_file(bytes);
        if (parsed.error) {
            item.fail(path + ":" + std::to_string(parsed.error->line) + ": " + parsed.error->message);
        }
        p.registry.files.push_back(path);
    }
}

const std::array<key_spec<pool_settings>, 3> registry_pool_table{{
    {"registry", "section", "", nullptr},
    {"registry.files", ".reg path or list", "[]", store_registry_files},
    {"registry.store", "file path", "registry-<pool>.reg (in the working directory)",
     [](const field& v, pool_settings& p) {
         p.registry.enabled = true;
         p.registry.store = v.text_or_empty("a file path");
     }},
}};

// The pool table and the supervisor's keys as one table, so a pool is read in one pass.
const std::vector<key_spec<pool_settings>>& all_pool_keys() {
    static const std::vector<key_spec<pool_settings>> keys = [] {
        std::vector<key_spec<pool_settings>> all(pool_table.begin(), pool_table.end());
        all.insert(all.end(), process_pool_table.begin(), process_pool_table.end());
        all.insert(all.end(), registry_pool_table.begin(), registry_pool_table.end());
        return all;
    }();
    return keys;
}

// URLs are matched as the pool says (case-insensitively unless url_case_sensitive), so two
// spellings that match the same requests are one URL configured twice.
void check_unique_urls(const field& pool_item, const pool_settings& pool) {
    const auto folded = [&](std::string url) {
        if (!pool.isapi.url_case_sensitive)
            std::transform(url.begin(), url.end(), url.begin(),
                           [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
        // Empty segments do not count when matching ("/a//b/" is "/a/b").
        std::string collapsed;
        for (char c : url)
            if (c != '/' || collapsed.empty() || collapsed.back() != '/') collapsed += c;
        while (collapsed.size() > 1 && collapsed.back() == '/') collapsed.pop_back();
        return collapsed;
    };
    std::vector<std::pair<std::string, std::string>> seen;  // folded URL, extension name
    const auto& exts = pool.isapi.extensions;
    for (std::size_t i = 0; i < exts.size(); ++i) {
        for (std::size_t j = 0; j < exts[i].urls.size(); ++j) {
            const auto key = folded(exts[i].urls[j]);
            const auto earlier = std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return s.first == key; });
            if (earlier != seen.end()) {
                const YAML::Node urls = pool_item.node()["extensions"][i]["urls"];
                const YAML::Node at = urls.IsSequence() && j < urls.size() ? urls[j] : urls;
                pool_item.fail_at(at, "URL " + quoted(exts[i].urls[j]) + " of extension " + quoted(exts[i].name) +
                                          " is already mapped to extension " + quoted(earlier->second) +
                                          (pool.isapi.url_case_sensitive ? "" : " (URLs match case-insensitively; "
                                                                                "see url_case_sensitive)"));
            }
            seen.emplace_back(key, exts[i].name);
        }
    }
}

// The pool's name for messages about its other keys, read before them so "unknown key 'foo' in
// pool 'web'" can name it even when the bad key comes first; position N (1-based) when unnamed.
std::string pool_label(const YAML::Node& pool, std::size_t index) {
    const YAML::Node name = pool["name"];
    if (name.IsDefined() && name.IsScalar()) return quoted(name.Scalar());
    return "#" + std::to_string(index + 1);
}

void read_pools(const field& value, settings& out) {
    if (!value.node().IsNull() && !value.node().IsSequence()) {
        value.fail("expected a list of pools, got " + std::string(describe(value.node())));
    }
    // Appends: the main file's pools come first, then each included file's.
    std::vector<pool_settings>& pools = out.pools;
    const std::size_t first = pools.size();
    for (const field& item : value.items("a list of pools", false)) {
        if (!item.node().IsMap()) {
            item.fail_at(item.node(), "a pool must be a map of keys (name, listen, ...), got " +
                                          std::string(describe(item.node())));
        }
        pool_settings pool;
        const field pool_root(item.node(), "", YAML::Mark(), item.source());
        read_keys<pool_settings>(pool_root, all_pool_keys(),
                                 " in pool " + pool_label(item.node(), pools.size() - first), pool);
        if (pool.listen.empty()) pool.listen.push_back(parse_listen_address(default_listen));
        pool.source = item.source();
        pool.line = item.line();
        pool.column = item.column();
        check_unique_urls(item, pool);
        // Workers take the user's primary group; a numeric id without a passwd entry has none,
        // and falling back to the master's group would mean group 0.
        if (!pool.process.user.empty() && pool.process.group.empty() && !user_has_primary_group(pool.process.user))
            item.fail_at(item.node()["user"], "user " + quoted(pool.process.user) +
                                                  " has no passwd entry, hence no primary group: set the pool's 'group'");
        for (std::size_t i = 0; i < pool.isapi.script_maps.size(); ++i) {
            const auto& map = pool.isapi.script_maps[i];
            const auto& exts = pool.isapi.extensions;
            if (std::none_of(exts.begin(), exts.end(), [&](const auto& e) { return e.name == map.extension; }))
                item.fail_at(item.node()["script_maps"][i]["extension"],
                             "script map #" + std::to_string(i + 1) + " names extension " + quoted(map.extension) +
                                 ", which this pool does not have");
        }
        for (std::size_t i = 0; i < pool.isapi.extensions.size(); ++i) {
            const auto& ext = pool.isapi.extensions[i];
            const auto& maps = pool.isapi.script_maps;
            if (ext.urls.empty() && std::none_of(maps.begin(), maps.end(), [&](const auto& m) { return m.extension == ext.name; }))
                item.fail_at(item.node()["extensions"][i], "extension " + quoted(ext.name) +
                                                              " has no urls and no script map: nothing reaches it");
        }
        pools.push_back(std::move(pool));
    }
}

void store_include(const field& value, settings& s) {
    // config_sources.cpp has already expanded them (and reported bad ones); kept for -T.
    s.include.clear();
    for (const field& item : value.items("a glob pattern or a list of them", true))
        s.include.push_back(item.text("a glob pattern"));
}

void store_access_log(const field& value, settings& s) {
    std::string target = value.text_or_empty("\"stderr\", an absolute path or \"\"");
    if (!target.empty() && target != "stderr" && target.front() != '/')
        value.fail(quoted(target) + " is not \"stderr\", an absolute path or \"\" (off)");
    s.access_log = std::move(target);
}

void store_access_format(const field& value, settings& s) {
    std::string format = value.text("combined, text, json or a format with $variables");
    try {
        s.access_template = logging::parse_access_log_template(format);
    } catch (const std::invalid_argument& e) {
        value.fail(std::string(e.what()) + " (use combined, text, json or a format with $variables; docs/config.md lists them)");
    }
    s.access_format = std::move(format);
}

void store_state_file(const field& value, settings& s) {
    std::string path = value.text_or_empty("an absolute path or \"\"");
    if (!path.empty() && path.front() != '/') value.fail(quoted(path) + " is not an absolute path (or \"\" for none)");
    s.state_file = std::move(path);
}

void store_log_format(const field& value, settings& s) {
    std::string format = value.text("text or json");
    if (format != "text" && format != "json") value.fail(quoted(format) + " is not a log format (use text or json)");
    s.log.format = std::move(format);
}

const std::array<key_spec<settings>, 12> global_table{{
    {"allow_root", "boolean", "false",
     [](const field& v, settings& s) { s.allow_root = parse_bool(v); }},
    {"shutdown_timeout", "duration", "30s",
     [](const field& v, settings& s) { s.shutdown_timeout = timeout(v); }},
    {"state_file", "absolute path", "\"\" (none)", store_state_file},
    {"log", "section", "", nullptr},
    {"log.level", "trace|debug|info|warn|error|critical|off", "info", store_log_level},
    {"log.file", "absolute path", "\"\" (stderr)",
     [](const field& v, settings& s) { s.log.file = absolute_path_or_empty(v); }},
    {"log.format", "text|json", "text", store_log_format},
    {"log.mode", "octal mode", "\"0640\"",
     [](const field& v, settings& s) { s.log.mode = v.parse("a mode", parse_octal_mode); }},
    {"log.access_log", "stderr|absolute path|\"\"", "\"\" (off)", store_access_log},
    {"log.access_format", "combined|text|json|format with $variables", "combined", store_access_format},
    {"include", "glob pattern or list of them", "none", store_include},
    {"pools", "list of pools", "(required)", read_pools},
}};

// An included file holds pools only: everything else is the main file's to say.
const std::array<key_spec<settings>, 1> included_table{{
    {"pools", "list of pools", "", read_pools},
}};

}  // namespace

std::span<const key_spec<settings>> global_keys() {
    return global_table;
}

std::span<const key_spec<pool_settings>> pool_keys() {
    return all_pool_keys();
}

void read_document(const field& root, settings& out) {
    if (!root.node().IsNull() && !root.node().IsMap()) {
        root.fail("expected a map of keys (log, pools) at the top level, got " +
                  std::string(describe(root.node())));
    }
    read_keys<settings>(root, global_table, "", out);
}

void read_included_document(const field& root, settings& out) {
    if (!root.node().IsNull() && !root.node().IsMap()) {
        root.fail("expected a map with the key pools at the top level of an included file, got " +
                  std::string(describe(root.node())));
    }
    read_keys<settings>(root, included_table,
                        " in an included file (it may set pools only; the rest belongs in " + out.source + ")", out);
}

}  // namespace isapi_fcgi::config
