#pragma once
// IIS `<isapiFilters>` (system.webServer, global or per site) -> filter_section, kept apart from
// the rest of the reader: the steps in file order, as IIS merges them.
#include <string>
#include <vector>

#include <pugixml.hpp>

#include "iis_import/iis_model.hpp"

namespace isapi_fcgi::iis_import {

/// `<filter name path enabled preCondition>`, `<remove name>` and `<clear/>`; a 32-bit
/// preCondition and attributes the sidecar has no use for (enableCache) are warned about.
filter_section read_filter_section(const pugi::xml_node& node, const std::string& location,
                                   std::vector<std::string>& warnings);

}  // namespace isapi_fcgi::iis_import
