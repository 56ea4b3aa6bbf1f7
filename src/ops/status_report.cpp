#include "ops/status_report.hpp"

#include <algorithm>
#include <ctime>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace isapi_fcgi::ops {
namespace {

std::string local_time(std::int64_t unix_ms) {
    const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    char buffer[64];
    std::strftime(buffer, sizeof(buffer), "%d/%b/%Y:%H:%M:%S %z", &tm);
    return buffer;
}

std::uint64_t total_restarts(const pool_snapshot& s) {
    std::uint64_t n = 0;
    for (auto r : s.restarts) n += r;
    return n;
}

std::string_view pool_state_text(const pool_snapshot& s) { return s.stopped ? "stopped" : "running"; }

std::uint32_t idle_threads(const pool_snapshot& s) { return s.total_threads > s.busy_threads ? s.total_threads - s.busy_threads : 0; }

// Rows of `key: value`, laid out once all are known so that the values share one column
// (php-fpm's 22 characters, wider when a key such as an extension's name needs it).
class text_rows {
public:
    void add(std::string_view key, const auto& value) { rows_.push_back({fmt::format("{}:", key), fmt::format("{}", value)}); }
    void separator() { rows_.push_back({"", ""}); }
    std::string render() const {
        std::size_t width = 22;
        for (const auto& r : rows_) width = std::max(width, r.first.size() + 1);
        std::string out;
        for (const auto& r : rows_)
            out += r.first.empty() ? std::string("\n************************\n") : fmt::format("{:<{}}{}\n", r.first, width, r.second);
        return out;
    }

private:
    std::vector<std::pair<std::string, std::string>> rows_;
};

// php-fpm's numeric fields under its names (dashboards and exporters read them), in its order
// after pool, process manager and start time. "Processes" are extension threads here: each runs
// one request at a time, as a php-fpm child does. An unknown listen queue reads 0, as in php-fpm.
std::vector<std::pair<std::string_view, std::uint64_t>> php_fpm_counts(const pool_snapshot& s) {
    return {{"start since", static_cast<std::uint64_t>((s.now_unix_ms - s.started_unix_ms) / 1000)},
            {"accepted conn", s.requests},
            {"listen queue", s.listen_queue.value_or(0)},
            {"max listen queue", s.max_listen_queue},
            {"listen queue len", s.listen_queue_limit.value_or(0)},
            {"idle processes", idle_threads(s)},
            {"active processes", s.busy_threads},
            {"total processes", s.total_threads},
            {"max active processes", s.max_busy_threads},
            {"max children reached", s.saturated},
            {"slow requests", s.slow}};
}

}  // namespace

status_format parse_status_query(std::string_view query) {
    status_format f;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const auto word = query.substr(0, amp);
        const auto name = word.substr(0, word.find('='));
        if (name == "json") f.json = true;
        if (name == "full") f.full = true;
        if (name == "openmetrics") f.openmetrics = true;
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return f;
}

std::string json_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
            else out += c;
        }
    }
    return out;
}

std::string render_status_text(const pool_snapshot& s, bool full) {
    text_rows rows;
    auto line = [&rows](std::string_view key, const auto& value) { rows.add(key, value); };
    line("pool", s.pool);
    line("process manager", "static");
    line("start time", local_time(s.started_unix_ms));
    for (const auto& [name, value] : php_fpm_counts(s)) line(name, value);
    // Ours.
    line("pool state", pool_state_text(s));
    if (s.stopped) line("stop reason", s.stop_reason);
    line("accepted requests", s.requests);
    line("finished requests", s.finished);
    line("idle threads", idle_threads(s));
    line("active threads", s.busy_threads);
    line("total threads", s.total_threads);
    line("max active threads", s.max_busy_threads);
    line("requests in flight", s.in_flight);
    line("requests pending", s.pending_now);
    line("timed out requests", s.timed_out);
    line("workers", s.configured_workers);
    line("workers ready", s.workers_ready);
    line("workers starting", s.workers_starting);
    line("workers draining", s.workers_draining);
    line("generation", s.generation);
    line("worker restarts", total_restarts(s));
    for (std::size_t i = 0; i < s.restarts.size(); ++i)
        if (s.restarts[i]) line(fmt::format("restarts {}", to_string(static_cast<restart_cause>(i))), s.restarts[i]);
    line("last reload", s.reload_failed ? "failed: " + s.reload_error : std::string("ok"));
    for (const auto& e : s.extensions) {
        const double mean_ms = e.requests ? static_cast<double>(e.duration_us) / 1000.0 / static_cast<double>(e.requests) : 0.0;
        line(fmt::format("extension {}", e.name),
             fmt::format("requests {} errors {} mean {:.3f}ms{}", e.requests, e.errors, mean_ms,
                         e.load_error.empty() ? std::string() : " FAILED to load: " + e.load_error));
    }
    for (const auto& r : s.recent_restarts)
        line("restart", fmt::format("{} worker {} pid {} {}: {}", local_time(r.unix_ms), r.worker_id, r.pid, r.cause, r.detail));
    for (const auto& q : s.quarantined)
        line("quarantined", fmt::format("{} (another {}s, refused {})", q.line, (q.remaining_ms + 999) / 1000, q.refused));
    if (full) {
        for (const auto& w : s.workers) {
            rows.separator();
            line("worker", w.id);
            line("pid", w.pid);
            line("state", to_string(w.state));
            line("generation", w.generation);
            line("start time", local_time(w.started_unix_ms));
            line("requests", w.requests);
            line("requests in flight", w.in_flight);
            line("requests pending", w.pending);
            line("active threads", w.busy_threads);
            line("total threads", w.threads);
            line("resident memory", w.rss_bytes);
            for (const auto& windows : w.windows_workers)
                line("windows worker", fmt::format("{} pid {} resident memory {}", windows.extension, windows.pid,
                                                   windows.rss_bytes));
            for (const auto& r : w.requests_in_flight)
                line("request", fmt::format("{} ({}) {}ms{}{}{}", r.line, r.extension, r.age_ms, r.pending ? " pending" : "",
                                            r.answered ? " answered" : "",
                                            r.in_code_ms >= 0 ? fmt::format(" in extension code {}ms", r.in_code_ms) : ""));
        }
    }
    return rows.render();
}

std::string render_status_json(const pool_snapshot& s, bool full) {
    std::string out = "{";
    bool first = true;
    auto key = [&](std::string_view k) {
        if (!first) out += ',';
        first = false;
        out += fmt::format("\"{}\":", k);
    };
    auto num = [&](std::string_view k, auto v) { key(k); out += fmt::format("{}", v); };
    auto str = [&](std::string_view k, std::string_view v) { key(k); out += '"' + json_escape(v) + '"'; };
    // php-fpm's keys first (its JSON types: numbers), then ours.
    str("pool", s.pool);
    str("process manager", "static");
    num("start time", s.started_unix_ms / 1000);
    for (const auto& [name, value] : php_fpm_counts(s)) num(name, value);
    str("pool state", pool_state_text(s));
    str("stop reason", s.stop_reason);
    num("accepted requests", s.requests);
    num("finished requests", s.finished);
    key("listen queue known");
    out += s.listen_queue ? "true" : "false";
    num("idle threads", idle_threads(s));
    num("active threads", s.busy_threads);
    num("total threads", s.total_threads);
    num("max active threads", s.max_busy_threads);
    num("requests in flight", s.in_flight);
    num("requests pending", s.pending_now);
    num("pending requests total", s.pending_total);
    num("timed out requests", s.timed_out);
    num("status requests", s.internal);
    num("bytes in", s.bytes_in);
    num("bytes out", s.bytes_out);
    key("responses");
    out += fmt::format("{{\"none\":{},\"1xx\":{},\"2xx\":{},\"3xx\":{},\"4xx\":{},\"5xx\":{}}}", s.status_classes[0],
                       s.status_classes[1], s.status_classes[2], s.status_classes[3], s.status_classes[4],
                       s.status_classes[5]);
    key("responses by code");
    out += '{';
    bool first_code = true;
    for (std::size_t i = 0; i < s.status_codes.size(); ++i) {
        if (!s.status_codes[i]) continue;
        out += fmt::format("{}\"{}\":{}", first_code ? "" : ",", first_status_code + static_cast<int>(i), s.status_codes[i]);
        first_code = false;
    }
    out += '}';
    num("workers", s.configured_workers);
    num("workers ready", s.workers_ready);
    num("workers starting", s.workers_starting);
    num("workers draining", s.workers_draining);
    num("generation", s.generation);
    num("worker restarts", total_restarts(s));
    key("restarts by cause");
    out += '{';
    for (std::size_t i = 0; i < s.restarts.size(); ++i)
        out += fmt::format("{}\"{}\":{}", i ? "," : "", to_string(static_cast<restart_cause>(i)), s.restarts[i]);
    out += '}';
    key("recent restarts");
    out += '[';
    for (std::size_t i = 0; i < s.recent_restarts.size(); ++i) {
        const auto& r = s.recent_restarts[i];
        out += fmt::format("{}{{\"time\":{},\"worker\":{},\"pid\":{},\"cause\":\"{}\",\"detail\":\"{}\"}}", i ? "," : "",
                           r.unix_ms / 1000, r.worker_id, r.pid, r.cause, json_escape(r.detail));
    }
    out += ']';
    key("quarantined requests");
    out += '[';
    for (std::size_t i = 0; i < s.quarantined.size(); ++i) {
        const auto& q = s.quarantined[i];
        out += fmt::format("{}{{\"request\":\"{}\",\"remaining ms\":{},\"refused\":{}}}", i ? "," : "",
                           json_escape(q.line), q.remaining_ms, q.refused);
    }
    out += ']';
    num("quarantined total", s.quarantined_total);
    key("reload failed");
    out += s.reload_failed ? "true" : "false";
    str("reload error", s.reload_error);
    key("extensions");
    out += '[';
    for (std::size_t i = 0; i < s.extensions.size(); ++i) {
        const auto& e = s.extensions[i];
        out += fmt::format("{}{{\"name\":\"{}\",\"state\":\"{}\",\"load error\":\"{}\",\"requests\":{},"
                           "\"errors\":{},\"duration us\":{},\"mean ms\":{:.3f}}}",
                           i ? "," : "", json_escape(e.name), e.load_error.empty() ? "loaded" : "failed",
                           json_escape(e.load_error), e.requests, e.errors, e.duration_us,
                           e.requests ? static_cast<double>(e.duration_us) / 1000.0 / static_cast<double>(e.requests) : 0.0);
    }
    out += ']';
    if (full) {
        key("workers list");
        out += '[';
        for (std::size_t i = 0; i < s.workers.size(); ++i) {
            const auto& w = s.workers[i];
            out += fmt::format("{}{{\"worker\":{},\"pid\":{},\"state\":\"{}\",\"generation\":{},\"start time\":{},"
                               "\"requests\":{},\"requests in flight\":{},\"requests pending\":{},"
                               "\"active threads\":{},\"total threads\":{},\"resident memory\":{},\"windows workers\":[",
                               i ? "," : "", w.id, w.pid, to_string(w.state), w.generation, w.started_unix_ms / 1000,
                               w.requests, w.in_flight, w.pending, w.busy_threads, w.threads, w.rss_bytes);
            for (std::size_t j = 0; j < w.windows_workers.size(); ++j) {
                const auto& windows = w.windows_workers[j];
                out += fmt::format("{}{{\"extension\":\"{}\",\"pid\":{},\"resident memory\":{}}}", j ? "," : "",
                                   json_escape(windows.extension), windows.pid, windows.rss_bytes);
            }
            out += "],\"in flight\":[";
            for (std::size_t j = 0; j < w.requests_in_flight.size(); ++j) {
                const auto& r = w.requests_in_flight[j];
                out += fmt::format("{}{{\"request\":\"{}\",\"extension\":\"{}\",\"duration ms\":{},\"pending\":{},"
                                   "\"answered\":{},\"in extension code ms\":{}}}",
                                   j ? "," : "", json_escape(r.line), json_escape(r.extension), r.age_ms,
                                   r.pending ? "true" : "false", r.answered ? "true" : "false", r.in_code_ms);
            }
            out += "]}";
        }
        out += ']';
    }
    out += "}\n";
    return out;
}

}  // namespace isapi_fcgi::ops
