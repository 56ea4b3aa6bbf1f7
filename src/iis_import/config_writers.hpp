#pragma once
// An import_plan as text: the sidecar's YAML (loadable by the real config loader) and the
// nginx upstreams, servers and locations that send the same URLs to the sidecar.
#include <string>

#include "iis_import/import_plan.hpp"

namespace isapi_fcgi::iis_import {

std::string write_sidecar_yaml(const import_plan& plan, const std::string& source_name);
std::string write_nginx_config(const import_plan& plan, const std::string& source_name);

/// `text` as a double-quoted YAML scalar.
std::string yaml_quoted(const std::string& text);
/// `url` escaped for a PCRE location regex.
std::string regex_escaped(const std::string& url);

}  // namespace isapi_fcgi::iis_import
