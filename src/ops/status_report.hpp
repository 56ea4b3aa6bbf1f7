#pragma once
// The status page of a pool, as php-fpm's pm.status_path draws it, plus what IIS operators
// expect: worker restarts and their causes, rapid-fail and reload state, per-extension counts
// and latency. Pure: a snapshot in, text out.
#include <string>

#include "ops/status_snapshot.hpp"

namespace isapi_fcgi::ops {

struct status_format {
    bool json = false;
    bool full = false;  ///< one block per worker, with the requests it has in flight
    bool openmetrics = false;  ///< the metrics in the OpenMetrics text format instead
};

/// Reads php-fpm's query forms: `json`, `full`, `openmetrics`, combined with & (other words
/// ignored).
status_format parse_status_query(std::string_view query);

/// `key: value` lines (php-fpm's text form), the values in one column whatever the keys' length.
std::string render_status_text(const pool_snapshot& s, bool full);
/// One JSON object; keys as php-fpm's JSON plus ours, `workers` only when `full`.
std::string render_status_json(const pool_snapshot& s, bool full);

/// `s` escaped for a JSON string (without the quotes).
std::string json_escape(std::string_view s);

}  // namespace isapi_fcgi::ops
