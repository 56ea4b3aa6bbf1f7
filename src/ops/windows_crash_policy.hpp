#pragma once
// What a crashed Windows worker (a `runtime: wine` extension's process under Wine) costs, as a
// worker crash costs: its requests in flight go into the crash quarantine, a
// `windows_worker_crash` restart is recorded, and the extension's own rapid-fail protection
// counts it; tripped, the extension alone is stopped (its URLs answer 503 until a reload). The
// master applies it for its pools; --single-process applies it itself (no master there).
#include <cstdint>
#include <map>
#include <mutex>

#include "config/settings.hpp"
#include "ops/rapid_fail_guard.hpp"
#include "ops/scoreboard.hpp"
#include "ops/wine_crash_message.hpp"

namespace isapi_fcgi::ops {

class windows_crash_policy {
public:
    /// Counts `crash`, reported by worker `worker_id` of `pool`, in `header` (whose quarantine
    /// list it writes: callers must be its only writer). Any thread; serialised here.
    void apply(const config::pool_settings& pool, board_header& header, std::uint32_t worker_id,
               const wine_crash_message& crash);
    /// Forgets every count (a reload starts the extensions afresh).
    void reset();

private:
    std::mutex mutex_;
    std::map<std::uint32_t, rapid_fail_guard> guards_;  ///< per extension name index
};

}  // namespace isapi_fcgi::ops
