#pragma once
// IIS `<applicationPools>` -> application_pool: every setting of each pool as written (its own
// over `<applicationPoolDefaults>`), so the planner maps what has an equivalent and warns about the
// rest instead of dropping it; 32-bit pools and pool identities are warned about here.
#include <string>
#include <vector>

#include <pugixml.hpp>

#include "iis_import/iis_model.hpp"

namespace isapi_fcgi::iis_import {

std::vector<application_pool> read_application_pools(const pugi::xml_node& pools, std::vector<std::string>& warnings);

}  // namespace isapi_fcgi::iis_import
