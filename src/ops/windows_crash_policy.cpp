#include "ops/windows_crash_policy.hpp"

#include <algorithm>
#include <string>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/log_text.hpp"
#include "ops/crash_quarantine.hpp"

namespace isapi_fcgi::ops {

void windows_crash_policy::reset() {
    std::lock_guard lock(mutex_);
    guards_.clear();
}

void windows_crash_policy::apply(const config::pool_settings& pool, board_header& header, std::uint32_t worker_id,
                                 const wine_crash_message& crash) {
    if (crash.extension >= max_extensions) return;
    std::lock_guard lock(mutex_);
    const std::string name = header.extension_names[crash.extension].load();
    const auto& exts = pool.isapi.extensions;
    const auto found = std::find_if(exts.begin(), exts.end(), [&](const auto& e) { return e.name == name; });
    const std::string path = found == exts.end() ? std::string("?") : found->path;
    std::string in_flight;
    for (const auto& r : crash.in_flight) in_flight += (in_flight.empty() ? "" : ", ") + r.line;
    // The worker logged the crash itself (with the DLL's name); here it is counted.
    record_restart(header, restart_cause::windows_worker_crash, worker_id, crash.pid,
                   fmt::format("extension '{}': Windows worker {}{}", name, crash.how,
                               in_flight.empty() ? "" : "; in flight: " + in_flight));
    // Every request it had unanswered is a suspect: its crash handler does not say which one
    // faulted (docs/wine.md).
    if (const auto period = pool.process.crash_quarantine; period.count() > 0) {
        const auto until = monotonic_ms() + period.count();
        for (const auto& r : crash.in_flight)
            if (r.quarantine_key && quarantine(header, r.quarantine_key, r.line, until))
                spdlog::warn("pool {}: quarantined {} for {}s: it crashed the Windows worker of extension '{}' in "
                             "worker {}; until then it is answered 500 without running the extension "
                             "(crash_quarantine)",
                             pool.name, engine::log_text(r.line), period.count() / 1000, name, worker_id);
    }
    if (!header.extension_stop_reason[crash.extension].load().empty()) return;
    auto guard = guards_.try_emplace(crash.extension, pool.process.rapid_fail_max_crashes,
                                     pool.process.rapid_fail_interval).first;
    if (!guard->second.record_crash(rapid_fail_guard::clock::now())) return;
    const auto interval_s = std::chrono::duration_cast<std::chrono::seconds>(guard->second.interval()).count();
    const auto reason = fmt::format("rapid-fail protection: {} Windows worker failures within {}s",
                                    guard->second.max_crashes(), interval_s);
    header.extension_stop_reason[crash.extension].store(reason);
    spdlog::critical("pool {}: extension '{}' ({}): {}; the extension is stopped (its URLs answer 503, no Windows "
                     "worker is started again until a reload, SIGHUP); the pool's other extensions serve on",
                     pool.name, name, path, reason);
}

}  // namespace isapi_fcgi::ops
