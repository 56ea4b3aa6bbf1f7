#include "ops/metrics.hpp"

#include <optional>

#include <fmt/format.h>

namespace isapi_fcgi::ops {
namespace {

// Label values escape backslash, quote and newline (exposition format).
std::string label_value(std::string_view v) {
    std::string out;
    for (const char c : v) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

// Names are written whole (prefix included) by full_family/full_sample, for process_*.
class writer {
public:
    writer(std::string_view pool, metrics_format format) : pool_(label_value(pool)), format_(format) {}

    void family(std::string_view name, std::string_view type, std::string_view help) {
        full_family(fmt::format("isapi_fcgi_{}", name), type, help);
    }
    void sample(std::string_view name, std::string_view labels, auto value) {
        full_sample(fmt::format("isapi_fcgi_{}", name), labels, value);
    }
    // OpenMetrics names a counter's family without the _total its samples carry.
    void full_family(std::string_view name, std::string_view type, std::string_view help) {
        if (format_ == metrics_format::openmetrics && type == "counter" && name.ends_with("_total"))
            name.remove_suffix(6);
        out_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
    }
    void full_sample(std::string_view name, std::string_view labels, auto value) {
        out_ += fmt::format("{}{{pool=\"{}\"{}{}}} {}\n", name, pool_, labels.empty() ? "" : ",", labels, value);
    }
    void end() {
        if (format_ == metrics_format::openmetrics) out_ += "# EOF\n";
    }
    void single(std::string_view name, std::string_view type, std::string_view help, auto value) {
        family(name, type, help);
        sample(name, "", value);
    }
    std::string take() { return std::move(out_); }

private:
    std::string pool_;
    metrics_format format_;
    std::string out_;
};

std::string worker_labels(const worker_figures& w) { return fmt::format("worker=\"{}\",pid=\"{}\"", w.id, w.pid); }

// Prometheus' standard process series, one sample per worker whose /proc could be read, then
// the pool's sums (isapi_fcgi_pool_*): what recycling by max_rss acts on.
void write_process_series(writer& w, const pool_snapshot& s) {
    const auto each = [&](std::string_view name, std::string_view type, std::string_view help, auto figure) {
        bool any = false;
        for (const auto& worker : s.workers)
            if (worker.process && figure(*worker.process)) any = true;
        if (!any) return;
        w.full_family(name, type, help);
        for (const auto& worker : s.workers)
            if (worker.process)
                if (const auto value = figure(*worker.process)) w.full_sample(name, worker_labels(worker), *value);
    };
    using figures = process_figures;
    each("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
         [](const figures& p) { return std::optional<double>(static_cast<double>(p.resident_bytes)); });
    each("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.",
         [](const figures& p) { return std::optional<double>(p.cpu_seconds); });
    each("process_open_fds", "gauge", "Number of open file descriptors.", [](const figures& p) {
        return p.open_fds ? std::optional<double>(static_cast<double>(*p.open_fds)) : std::nullopt;
    });
    each("process_max_fds", "gauge", "Maximum number of open file descriptors.", [](const figures& p) {
        return p.max_fds ? std::optional<double>(static_cast<double>(*p.max_fds)) : std::nullopt;
    });
    each("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
         [](const figures& p) { return std::optional<double>(p.start_time_seconds); });

    double resident = 0, cpu = 0, fds = 0;
    for (const auto& worker : s.workers) {
        if (!worker.process) continue;
        resident += static_cast<double>(worker.process->resident_bytes);
        cpu += worker.process->cpu_seconds;
        fds += static_cast<double>(worker.process->open_fds.value_or(0));
    }
    w.single("pool_resident_memory_bytes", "gauge", "Resident memory of the pool's workers, summed.", resident);
    w.single("pool_cpu_seconds", "gauge", "CPU seconds of the pool's running workers, summed (falls when one is replaced).", cpu);
    w.single("pool_open_fds", "gauge", "Open file descriptors of the pool's workers, summed.", fds);

    // The Windows workers of `runtime: wine` extensions: processes of their own, beside the pool's.
    bool windows = false;
    for (const auto& worker : s.workers) windows = windows || !worker.windows_workers.empty();
    if (!windows) return;
    w.family("windows_worker_resident_memory_bytes", "gauge",
             "Resident memory of each Windows worker (a runtime: wine extension's process under Wine).");
    for (const auto& worker : s.workers)
        for (const auto& ww : worker.windows_workers)
            w.sample("windows_worker_resident_memory_bytes",
                     fmt::format("worker=\"{}\",extension=\"{}\",pid=\"{}\"", worker.id, label_value(ww.extension), ww.pid),
                     ww.rss_bytes);
}

}  // namespace

std::string render_metrics(const pool_snapshot& s, metrics_format format) {
    writer w(s.pool, format);
    w.single("up", "gauge", "1 while the pool serves requests, 0 when rapid-fail protection stopped it.", s.stopped ? 0 : 1);
    w.single("start_time_seconds", "gauge", "When the pool started (Unix time).", s.started_unix_ms / 1000);
    w.single("requests_total", "counter", "Requests handed to an extension.", s.requests);
    w.single("finished_requests_total", "counter", "Requests that ended.", s.finished);
    w.family("responses_total", "counter", "Finished requests by the status code the client got (none: closed first).");
    w.sample("responses_total", "code=\"none\"", s.status_classes[0]);
    for (std::size_t i = 0; i < s.status_codes.size(); ++i)
        if (s.status_codes[i])
            w.sample("responses_total", fmt::format("code=\"{}\"", first_status_code + static_cast<int>(i)), s.status_codes[i]);
    w.single("requests_in_flight", "gauge", "Requests being served now.", s.in_flight);
    w.single("requests_pending", "gauge", "Requests in flight after HSE_STATUS_PENDING.", s.pending_now);
    w.single("pending_requests_total", "counter", "Requests whose HttpExtensionProc returned HSE_STATUS_PENDING.", s.pending_total);
    w.single("slow_requests_total", "counter", "Requests that passed the slow-log threshold.", s.slow);
    w.single("timed_out_requests_total", "counter", "Requests ended by request_timeout.", s.timed_out);
    w.single("status_requests_total", "counter", "Status and metrics requests answered.", s.internal);
    w.single("request_bytes_total", "counter", "Request body bytes read by extensions.", s.bytes_in);
    w.single("response_bytes_total", "counter", "Response body bytes sent.", s.bytes_out);
    w.family("extension_threads", "gauge", "Extension threads of ready workers, by state.");
    w.sample("extension_threads", "state=\"busy\"", s.busy_threads);
    w.sample("extension_threads", "state=\"idle\"", s.total_threads > s.busy_threads ? s.total_threads - s.busy_threads : 0);
    w.single("max_active_threads", "gauge", "The most extension threads one worker had busy at once.", s.max_busy_threads);
    w.family("workers", "gauge", "Worker processes by state.");
    w.sample("workers", "state=\"ready\"", s.workers_ready);
    w.sample("workers", "state=\"starting\"", s.workers_starting);
    w.sample("workers", "state=\"draining\"", s.workers_draining);
    w.family("worker_restarts_total", "counter", "Workers replaced, by cause.");
    for (std::size_t i = 0; i < s.restarts.size(); ++i)
        w.sample("worker_restarts_total", fmt::format("cause=\"{}\"", to_string(static_cast<restart_cause>(i))), s.restarts[i]);
    w.single("quarantined_requests", "gauge", "Requests in crash quarantine (answered 500 without dispatch).",
             s.quarantined.size());
    w.single("quarantines_total", "counter", "Crash quarantine periods started.", s.quarantined_total);
    w.single("reload_failed", "gauge", "1 when the last reload was refused (the previous configuration runs).",
             s.reload_failed ? 1 : 0);
    w.family("reloads_total", "counter", "Reloads (SIGHUP) by outcome: done, or failed (the previous generation kept).");
    w.sample("reloads_total", "result=\"done\"", s.reloads_done);
    w.sample("reloads_total", "result=\"failed\"", s.reloads_failed);
    w.family("reload_failure_info", "gauge", "Present while the last reload failed: its cause.");
    if (s.reload_failed) w.sample("reload_failure_info", fmt::format("cause=\"{}\"", label_value(s.reload_error)), 1);
    if (s.listen_queue) w.single("listen_queue", "gauge", "Connections waiting to be accepted.", *s.listen_queue);
    if (s.listen_queue_limit) w.single("listen_queue_limit", "gauge", "The listen backlog.", *s.listen_queue_limit);
    w.single("max_listen_queue", "gauge", "The longest accept queue a status or metrics request saw.", s.max_listen_queue);
    w.single("thread_saturations_total", "counter",
             "Times every extension thread of a worker was busy (php-fpm's max children reached).", s.saturated);
    write_process_series(w, s);

    w.family("extension_loaded", "gauge", "1 when the extension loaded, 0 when its load failed (its URLs answer 500).");
    for (const auto& e : s.extensions)
        w.sample("extension_loaded", fmt::format("extension=\"{}\"", label_value(e.name)), e.load_error.empty() ? 1 : 0);
    w.family("extension_requests_total", "counter", "Requests per extension.");
    for (const auto& e : s.extensions)
        w.sample("extension_requests_total", fmt::format("extension=\"{}\"", label_value(e.name)), e.requests);
    w.family("extension_errors_total", "counter", "Requests per extension answered 5xx or not at all.");
    for (const auto& e : s.extensions)
        w.sample("extension_errors_total", fmt::format("extension=\"{}\"", label_value(e.name)), e.errors);
    w.family("extension_request_duration_seconds", "histogram", "Time from the request reaching the host to its end.");
    for (const auto& e : s.extensions) {
        const auto ext = label_value(e.name);
        std::uint64_t cumulative = 0;
        for (std::size_t b = 0; b < latency_buckets; ++b) {
            cumulative += e.buckets[b];
            const std::string le = b < std::size(latency_bounds_us)
                                       ? fmt::format("{}", static_cast<double>(latency_bounds_us[b]) / 1e6)
                                       : std::string("+Inf");
            w.sample("extension_request_duration_seconds_bucket", fmt::format("extension=\"{}\",le=\"{}\"", ext, le),
                     cumulative);
        }
        w.sample("extension_request_duration_seconds_sum", fmt::format("extension=\"{}\"", ext),
                 static_cast<double>(e.duration_us) / 1e6);
        w.sample("extension_request_duration_seconds_count", fmt::format("extension=\"{}\"", ext), e.requests);
    }
    w.end();
    return w.take();
}

}  // namespace isapi_fcgi::ops
