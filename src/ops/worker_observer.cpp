#include "ops/worker_observer.hpp"

#include <algorithm>
#include <string_view>

#include <spdlog/spdlog.h>

#include "ops/crash_handler.hpp"
#include "ops/crash_quarantine.hpp"
#include "ops/worker_channel.hpp"
#include "ops/wine_crash_message.hpp"

namespace isapi_fcgi::ops {
namespace {

constexpr auto relaxed = std::memory_order_relaxed;

void raise_max(std::atomic<std::uint32_t>& max, std::uint32_t value) noexcept {
    auto seen = max.load(relaxed);
    while (value > seen && !max.compare_exchange_weak(seen, value, relaxed)) {
    }
}

constexpr std::uint32_t request_holder = 1;
constexpr std::uint32_t thread_holder = 2;

void release(tracked_request& t, std::uint32_t holder) noexcept {
    if ((t.holders.fetch_and(~holder, std::memory_order_acq_rel) & ~holder) == 0)
        t.serial.store(0, std::memory_order_release);
}

std::size_t status_class(unsigned status) noexcept {
    return status >= 100 && status < 600 ? status / 100 : 0;
}

}  // namespace

void count_extension_request(extension_counters& counters, std::chrono::microseconds duration, bool error) noexcept {
    const auto us = static_cast<std::uint64_t>(std::max<std::int64_t>(duration.count(), 0));
    counters.requests.fetch_add(1, relaxed);
    if (error) counters.errors.fetch_add(1, relaxed);
    counters.duration_us.fetch_add(us, relaxed);
    const auto* bound = std::lower_bound(std::begin(latency_bounds_us), std::end(latency_bounds_us), us);
    counters.buckets[static_cast<std::size_t>(bound - std::begin(latency_bounds_us))].fetch_add(1, relaxed);
}

worker_observer::worker_observer(const scoreboard& board, worker_slot& slot,
                                 const std::vector<std::string>& extension_names, unsigned extension_threads,
                                 std::uint64_t max_requests, recycle_request on_recycle)
    : header_(board.header()), slot_(slot), max_requests_(max_requests), on_recycle_(std::move(on_recycle)) {
    slot_.extension_threads.store(extension_threads, relaxed);
    slot_.extension_count.store(static_cast<std::uint32_t>(std::min(extension_names.size(), max_extensions)), relaxed);
    for (std::size_t i = 0; i < extension_names.size(); ++i) {
        const auto index = board.extension_name_index(extension_names[i]);
        name_index_.push_back(index);
        if (i < max_extensions) slot_.extension_name_index[i].store(index, relaxed);
    }
}

void worker_observer::extension_loading(std::size_t index) noexcept {
    const auto name = index < name_index_.size() ? name_index_[index] : max_extensions;
    slot_.loading_extension.store(name < max_extensions ? static_cast<std::uint32_t>(name + 1) : 0U,
                                  std::memory_order_release);
}

void worker_observer::extension_loaded(std::size_t index, std::string_view error) noexcept {
    slot_.loading_extension.store(0, std::memory_order_release);
    const auto name = index < name_index_.size() ? name_index_[index] : max_extensions;
    if (name < max_extensions) header_.extension_load_error[name].store(error);
}

std::string worker_observer::extension_quarantined(std::size_t index) {
    const auto name = index < name_index_.size() ? name_index_[index] : max_extensions;
    if (name >= max_extensions || !header_.extension_quarantined[name].load(std::memory_order_acquire)) return {};
    std::string reason = header_.extension_load_error[name].load();
    return reason.empty() ? std::string("an earlier worker died while loading it") : reason;
}

std::string worker_observer::extension_stopped(std::size_t index) {
    const auto name = index < name_index_.size() ? name_index_[index] : max_extensions;
    return name < max_extensions ? header_.extension_stop_reason[name].load() : std::string();
}

void worker_observer::windows_worker_changed(std::size_t index, int pid) noexcept {
    if (index < max_extensions) slot_.windows_pid[index].store(pid, relaxed);
}

void worker_observer::windows_worker_crashed(std::size_t index, int pid, std::string_view how,
                                             std::span<const std::uint64_t> in_flight) noexcept {
    const auto name = index < name_index_.size() ? name_index_[index] : max_extensions;
    if (name >= max_extensions || !on_windows_crash_) return;
    try {
        wine_crash_message message{static_cast<std::uint32_t>(name), pid, std::string(how), {}};
        // The requests are still tracked: the relay answers them only after this returns.
        for (const auto serial : in_flight)
            if (const auto* t = find(serial)) message.in_flight.push_back({t->quarantine_key.load(relaxed), t->line.load()});
        on_windows_crash_(encode(message, max_message));
    } catch (...) {
    }
}

tracked_request* worker_observer::find(std::uint64_t serial) noexcept {
    for (std::size_t i = 0; i < max_tracked_requests; ++i) {
        auto& t = slot_.requests[(serial + i) % max_tracked_requests];
        if (t.serial.load(std::memory_order_acquire) == serial) return &t;
    }
    return nullptr;
}

void worker_observer::request_started(const isapi::request_started_info& info) noexcept {
    auto& totals = slot_.totals;
    const auto n = totals.requests.fetch_add(1, relaxed) + 1;
    slot_.in_flight.fetch_add(1, relaxed);
    // Serials are consecutive, so serial modulo the table size spreads them without collisions
    // until the table is full; beyond that a request is counted but not listed.
    for (std::size_t i = 0; i < max_tracked_requests; ++i) {
        auto& t = slot_.requests[(info.serial + i) % max_tracked_requests];
        std::uint64_t expected = 0;
        if (!t.serial.compare_exchange_strong(expected, info.serial, std::memory_order_acq_rel)) continue;
        t.extension.store(static_cast<std::uint32_t>(info.extension_index), relaxed);
        t.pending.store(0, relaxed);
        t.holders.store(request_holder, std::memory_order_release);
        t.in_code_since_ms.store(0, relaxed);
        t.started_ms.store(monotonic_ms(), relaxed);
        const bool named = info.extension_index < name_index_.size();
        t.quarantine_key.store(quarantine_ && named ? quarantine_key(name_index_[info.extension_index], info.method, info.url)
                                                    : 0,
                               relaxed);
        char line[256];
        const std::size_t method = std::min<std::size_t>(info.method.size(), 16);
        std::copy_n(info.method.data(), method, line);
        line[method] = ' ';
        const std::size_t url = std::min(info.url.size(), sizeof(line) - method - 1);
        std::copy_n(info.url.data(), url, line + method + 1);
        t.line.store(std::string_view(line, method + 1 + url));
        break;
    }
    if (n == 1) {
        // Once per worker: how long a fresh (or recycled) worker took to serve (bench/ops-run).
        spdlog::info("worker {}: first request {}ms after the worker started", slot_.worker_id.load(relaxed),
                     unix_ms() - slot_.started_unix_ms.load(relaxed));
    }
    if (max_requests_ != 0 && n == max_requests_)
        ask_recycle(restart_cause::max_requests, "served max_requests (" + std::to_string(max_requests_) + ")");
}

isapi::admission worker_observer::admit(std::uint64_t serial) noexcept {
    if (!quarantine_) return {};
    const auto* t = find(serial);
    const auto key = t ? t->quarantine_key.load(relaxed) : 0;
    if (key == 0) return {};
    const auto verdict = check_quarantine(header_, key, monotonic_ms());
    return {verdict.refused, verdict.first};
}

void worker_observer::request_pending(std::uint64_t serial) noexcept {
    slot_.totals.pending.fetch_add(1, relaxed);
    slot_.pending_now.fetch_add(1, relaxed);
    if (auto* t = find(serial)) t->pending.store(1, relaxed);
}

void worker_observer::request_slow(std::uint64_t, std::string_view) noexcept {
    slot_.totals.slow.fetch_add(1, relaxed);
}

void worker_observer::request_finished(const isapi::request_finished_info& info) noexcept {
    auto& totals = slot_.totals;
    totals.finished.fetch_add(1, relaxed);
    slot_.in_flight.fetch_sub(1, relaxed);
    if (info.was_pending) slot_.pending_now.fetch_sub(1, relaxed);
    if (info.timed_out) totals.timed_out.fetch_add(1, relaxed);
    totals.status_classes[status_class(info.status_sent)].fetch_add(1, relaxed);
    if (const int code = static_cast<int>(info.status_sent); code >= first_status_code &&
                                                              code < first_status_code + static_cast<int>(status_code_count))
        totals.status_codes[static_cast<std::size_t>(code - first_status_code)].fetch_add(1, relaxed);
    totals.bytes_in.fetch_add(info.bytes_in, relaxed);
    totals.bytes_out.fetch_add(info.bytes_out, relaxed);
    if (info.extension_index < name_index_.size() && name_index_[info.extension_index] < max_extensions) {
        const bool error = info.status_sent == 0 || info.status_sent >= 500;
        count_extension_request(totals.extensions[name_index_[info.extension_index]], info.duration, error);
    }
    if (auto* t = find(info.serial)) release(*t, request_holder);
}

void worker_observer::extension_code_entered(std::uint64_t serial) noexcept {
    ensure_signal_stack();
    set_current_request(serial);
    const auto busy = slot_.busy_threads.fetch_add(1, relaxed) + 1;
    raise_max(slot_.max_busy_threads, busy);
    // The next request waits for a thread: the saturation php-fpm counts as max children reached.
    if (busy == slot_.extension_threads.load(relaxed)) slot_.totals.saturated.fetch_add(1, relaxed);
    if (auto* t = find(serial)) {
        t->holders.fetch_or(thread_holder, std::memory_order_acq_rel);
        t->in_code_since_ms.store(monotonic_ms(), relaxed);
    }
}

void worker_observer::extension_code_left(std::uint64_t serial) noexcept {
    set_current_request(0);
    slot_.busy_threads.fetch_sub(1, relaxed);
    if (auto* t = find(serial)) {
        t->in_code_since_ms.store(0, relaxed);
        release(*t, thread_holder);
    }
}

void worker_observer::extension_unhealthy(std::string_view, std::string_view extension,
                                          std::string_view reason) noexcept {
    try {
        ask_recycle(restart_cause::unhealthy,
                    "extension '" + std::string(extension) + "' reported unhealthy: " + std::string(reason));
    } catch (...) {
    }
}

void worker_observer::internal_request() noexcept { slot_.totals.internal.fetch_add(1, relaxed); }

void worker_observer::ask_recycle(restart_cause cause, std::string reason) noexcept {
    if (recycle_asked_.exchange(true) || !on_recycle_) return;
    try {
        on_recycle_(cause, std::move(reason));
    } catch (...) {
    }
}

}  // namespace isapi_fcgi::ops
