#pragma once
// Which ISAPI filters each planned pool loads (pure): IIS runs a site's filters for every request
// of the site, the server's (global) filters first, then the site's own, each list in its
// configuration order; GetFilterVersion's priority then reorders them at load time, as in IIS.
// isapi-fcgi configures filters per pool, so a pool gets the filters of the sites it serves.
#include <string>

#include "iis_import/iis_model.hpp"
#include "iis_import/import_plan.hpp"

namespace isapi_fcgi::iis_import {

/// Fills planned_pool::filters and adds a warning for what cannot be carried over (filters under
/// a location below a site, disabled filters, pools whose sites have different filters, sites
/// with filters but no pool).
void plan_filters(const iis_config& config, const import_options& options, import_plan& plan);

/// The `filters:` block of a pool in the sidecar's YAML ("" when it has none).
std::string filters_yaml(const planned_pool& pool);

}  // namespace isapi_fcgi::iis_import
