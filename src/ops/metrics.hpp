#pragma once
// Prometheus text exposition (format 0.0.4) of one pool's snapshot: counters, gauges and a
// latency histogram per extension. Pure. prometheus-cpp is not used: its registry lives in one
// process, while these figures live in a scoreboard shared by every worker.
#include <string>
#include <string_view>

#include "ops/status_snapshot.hpp"

namespace isapi_fcgi::ops {

inline constexpr std::string_view metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

std::string render_metrics(const pool_snapshot& s);

}  // namespace isapi_fcgi::ops
