#include "ops/host_options.hpp"

namespace isapi_fcgi::ops {

isapi::extension_options isapi_extension_options(const config::extension_settings& extension) {
    isapi::extension_options out;
    out.name = extension.name;
    out.path = extension.path;
    out.urls = extension.urls;
    out.required = extension.required;
    out.streaming = extension.streaming;
    out.runtime = extension.runtime == config::extension_runtime::wine ? isapi::extension_runtime::wine
                                                                        : isapi::extension_runtime::native;
    return out;
}

isapi::pool_options isapi_pool_options(const config::pool_settings& pool) {
    const auto& isapi = pool.isapi;
    isapi::pool_options out;
    out.name = pool.name;
    for (const auto& extension : isapi.extensions) out.extensions.push_back(isapi_extension_options(extension));
    for (const auto& filter : isapi.filters) out.filters.push_back({filter.name, filter.path});
    out.filter_session_timeout = isapi.filter_session_timeout;
    out.document_root = isapi.document_root;
    out.url_case_sensitive = isapi.url_case_sensitive;
    out.extension_threads = isapi.extension_threads;
    out.upload_read_ahead = isapi.upload_read_ahead;
    out.max_request_body = isapi.max_request_body;
    out.max_params_bytes = pool.limit.max_params_bytes;
    out.queue_timeout = isapi.queue_timeout;
    out.request_timeout = isapi.request_timeout;
    out.slowlog_threshold = isapi.slowlog_threshold;
    out.strict_async = isapi.strict_async;
    out.async_copy_limit = isapi.async_copy_limit;
    out.max_response_header_bytes = isapi.max_response_header_bytes;
    out.server_software = isapi.server_software;
    out.default_content_type = isapi.default_content_type;
    out.url_flags = isapi.url_flags;
    out.send_url_internal = isapi.send_url_internal;
    out.all_http_crlf = isapi.all_http_crlf;
    out.server_variables = isapi.server_variables;
    for (const auto& map : isapi.script_maps)
        out.script_maps.push_back({map.extension, map.path, map.url_prefix, map.verbs});
    out.allow_path_info_for_script_mappings = isapi.allow_path_info_for_script_mappings;
    return out;
}

isapi::host_options isapi_host_options(const config::settings& settings, const config::pool_settings& pool) {
    return {{isapi_pool_options(pool)}, settings.access_log, settings.access_template};
}

}  // namespace isapi_fcgi::ops
