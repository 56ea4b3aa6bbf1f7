#pragma once
// An IIS application pool's process settings -> the sidecar pool's (pure): maxProcesses becomes
// `workers`, periodicRestart's requests, time and memory `max_requests`, `recycle_interval` and
// `max_rss`, the failure element's rapid-fail protection `rapid_fail`. Every other setting the
// pool has is named in a warning (a time-of-day schedule, queueLength, idleTimeout...), so none
// vanishes; values beyond the sidecar's ranges are clamped with a warning.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iis_import/iis_model.hpp"
#include "iis_import/import_plan.hpp"

namespace isapi_fcgi::iis_import {

void plan_pool_process(const application_pool& pool, planned_pool& planned, std::vector<std::string>& warnings);

/// IIS's TimeSpan text, "[-][d.]hh:mm:ss[.fffffff]" ("1.05:00:00" is 29 hours); nullopt when it
/// is not one or is negative.
std::optional<std::chrono::milliseconds> parse_timespan(std::string_view text);

/// The shortest exact spelling the sidecar's duration parser takes: 29h, 90m, 45s, 1500ms.
std::string duration_text(std::chrono::milliseconds duration);

}  // namespace isapi_fcgi::iis_import
