#include "ops/status_report.hpp"

#include <gtest/gtest.h>

#include "ops/metrics.hpp"

namespace isapi_fcgi::ops {
namespace {

pool_snapshot sample() {
    pool_snapshot s;
    s.pool = "web";
    s.started_unix_ms = 1'700'000'000'000;
    s.now_unix_ms = s.started_unix_ms + 61'000;
    s.requests = 12;
    s.finished = 11;
    s.status_classes[2] = 10;
    s.status_classes[5] = 1;
    s.total_threads = 8;
    s.busy_threads = 3;
    s.configured_workers = 2;
    s.workers_ready = 2;
    s.restarts[static_cast<std::size_t>(restart_cause::crash)] = 1;
    s.recent_restarts.push_back({s.now_unix_ms, 1, 42, "crash", "killed by SIGSEGV \"x\"\n"});
    extension_figures e;
    e.name = "app";
    e.requests = 11;
    e.errors = 1;
    e.duration_us = 22'000;
    e.buckets[0] = 10;  // <= 1ms
    e.buckets[latency_buckets - 1] = 1;
    s.extensions.push_back(e);
    worker_figures w;
    w.id = 3;
    w.pid = 42;
    w.state = slot_state::ready;
    w.requests_in_flight.push_back({7, "GET /a\"b", "app", 5, true, -1});
    s.workers.push_back(w);
    return s;
}

TEST(status_query, reads_php_fpm_forms) {
    EXPECT_FALSE(parse_status_query("").json);
    EXPECT_TRUE(parse_status_query("json").json);
    const auto both = parse_status_query("full&json");
    EXPECT_TRUE(both.json && both.full);
    EXPECT_FALSE(parse_status_query("jsonx").json);
}

TEST(status_text, shows_php_fpm_fields_and_the_restart_causes) {
    const auto text = render_status_text(sample(), false);
    EXPECT_NE(text.find("pool:                 web\n"), std::string::npos) << text;
    EXPECT_NE(text.find("accepted requests:    12\n"), std::string::npos);
    EXPECT_NE(text.find("start since:          61\n"), std::string::npos);
    EXPECT_NE(text.find("idle threads:         5\n"), std::string::npos);
    EXPECT_NE(text.find("restarts crash:       1\n"), std::string::npos);
    EXPECT_NE(text.find("extension app:        requests 11 errors 1 mean 2.000ms"), std::string::npos);
    EXPECT_EQ(text.find("************************"), std::string::npos);
    EXPECT_NE(render_status_text(sample(), true).find("request:              GET /a\"b (app) 5ms pending"),
              std::string::npos);
}

TEST(status_json, escapes_text_and_lists_workers_only_when_full) {
    const auto json = render_status_json(sample(), true);
    EXPECT_NE(json.find(R"("detail":"killed by SIGSEGV \"x\"\n")"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("request":"GET /a\"b")"), std::string::npos);
    EXPECT_NE(json.find(R"("restarts by cause":{"crash":1,)"), std::string::npos);
    EXPECT_EQ(render_status_json(sample(), false).find("workers list"), std::string::npos);
    EXPECT_EQ(json_escape(std::string_view("\x01", 1)), "\\u0001");
}

TEST(metrics, histogram_buckets_are_cumulative_and_end_with_the_count) {
    const auto text = render_metrics(sample());
    EXPECT_NE(text.find("# TYPE isapi_fcgi_extension_request_duration_seconds histogram\n"), std::string::npos);
    EXPECT_NE(text.find(R"(isapi_fcgi_extension_request_duration_seconds_bucket{pool="web",extension="app",le="0.001"} 10)"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find(R"(isapi_fcgi_extension_request_duration_seconds_bucket{pool="web",extension="app",le="2.5"} 10)"),
              std::string::npos);
    EXPECT_NE(text.find(R"(isapi_fcgi_extension_request_duration_seconds_bucket{pool="web",extension="app",le="+Inf"} 11)"),
              std::string::npos);
    EXPECT_NE(text.find(R"(isapi_fcgi_extension_request_duration_seconds_count{pool="web",extension="app"} 11)"),
              std::string::npos);
    EXPECT_NE(text.find(R"(isapi_fcgi_worker_restarts_total{pool="web",cause="crash"} 1)"), std::string::npos);
    EXPECT_NE(text.find(R"(isapi_fcgi_up{pool="web"} 1)"), std::string::npos);
}

}  // namespace
}  // namespace isapi_fcgi::ops
