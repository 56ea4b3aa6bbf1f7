#include "iis_import/iis_import.hpp"

#include "iis_import/config_writers.hpp"
#include "iis_import/iis_reader.hpp"
#include "iis_import/registry_import.hpp"

namespace isapi_fcgi::iis_import {

import_result import_iis(std::string_view xml_text, const import_options& options) {
    import_result result;
    auto read = read_iis_config(xml_text);
    if (!read.ok) {
        result.error = std::move(read.error);
        return result;
    }
    auto plan = plan_import(read.config, options);
    plan.warnings.insert(plan.warnings.begin(), read.warnings.begin(), read.warnings.end());
    if (!plan_registry(plan, options, result.error)) return result;
    const std::string name = options.source_name.empty() ? "an IIS configuration" : options.source_name;
    result.yaml = write_sidecar_yaml(plan, name);
    result.nginx = write_nginx_config(plan, name);
    result.warnings = std::move(plan.warnings);
    result.ok = true;
    return result;
}

}  // namespace isapi_fcgi::iis_import
