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

/// `text` fit for the rest of a `#` comment line (YAML, nginx): control characters, which an XML
/// attribute can hold as character references (&#10;), become spaces, so no text from the IIS
/// file can end the comment and start a key or directive.
std::string comment_text(const std::string& text);
/// `url` escaped for a PCRE location regex.
std::string regex_escaped(const std::string& url);

}  // namespace isapi_fcgi::iis_import
