#include "ops/metrics.hpp"

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

class writer {
public:
    explicit writer(std::string_view pool) : pool_(label_value(pool)) {}

    void family(std::string_view name, std::string_view type, std::string_view help) {
        out_ += fmt::format("# HELP isapi_fcgi_{} {}\n# TYPE isapi_fcgi_{} {}\n", name, help, name, type);
    }
    void sample(std::string_view name, std::string_view labels, auto value) {
        out_ += fmt::format("isapi_fcgi_{}{{pool=\"{}\"{}{}}} {}\n", name, pool_, labels.empty() ? "" : ",", labels, value);
    }
    void single(std::string_view name, std::string_view type, std::string_view help, auto value) {
        family(name, type, help);
        sample(name, "", value);
    }
    std::string take() { return std::move(out_); }

private:
    std::string pool_;
    std::string out_;
};

}  // namespace

std::string render_metrics(const pool_snapshot& s) {
    writer w(s.pool);
    w.single("up", "gauge", "1 while the pool serves requests, 0 when rapid-fail protection stopped it.", s.stopped ? 0 : 1);
    w.single("start_time_seconds", "gauge", "When the pool started (Unix time).", s.started_unix_ms / 1000);
    w.single("requests_total", "counter", "Requests handed to an extension.", s.requests);
    w.single("finished_requests_total", "counter", "Requests that ended.", s.finished);
    w.family("responses_total", "counter", "Finished requests by the class of the status sent (none: closed).");
    constexpr std::string_view classes[] = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};
    for (std::size_t i = 0; i < s.status_classes.size(); ++i)
        w.sample("responses_total", fmt::format("code=\"{}\"", classes[i]), s.status_classes[i]);
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
    return w.take();
}

}  // namespace isapi_fcgi::ops
