#pragma once
// Prometheus text exposition (format 0.0.4) or OpenMetrics 1.0 of one pool's snapshot: counters,
// gauges, a latency histogram per extension, and the standard process_* series of each worker
// (labels pool, worker, pid) with the pool's sums. Pure. prometheus-cpp is not used: its registry lives in one
// process, while these figures live in a scoreboard shared by every worker.
#include <string>
#include <string_view>

#include "ops/status_snapshot.hpp"

namespace isapi_fcgi::ops {

inline constexpr std::string_view metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

inline constexpr std::string_view openmetrics_content_type =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

enum class metrics_format { prometheus, openmetrics };

std::string render_metrics(const pool_snapshot& s, metrics_format format = metrics_format::prometheus);

}  // namespace isapi_fcgi::ops
