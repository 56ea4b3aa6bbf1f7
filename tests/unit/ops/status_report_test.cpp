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
    s.status_codes[200 - first_status_code] = 9;
    s.status_codes[304 - first_status_code] = 1;
    s.status_codes[503 - first_status_code] = 1;
    s.saturated = 4;
    s.slow = 2;
    s.max_busy_threads = 6;
    s.listen_queue = 3;
    s.max_listen_queue = 7;
    s.listen_queue_limit = 511;
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
    w.process = process_figures{64 << 20, 1.5, 1'700'000'000.25, 17, 1024};
    s.workers.push_back(w);
    worker_figures unreadable;  // its /proc could not be read: no process_* samples
    unreadable.id = 4;
    unreadable.pid = 43;
    unreadable.state = slot_state::ready;
    s.workers.push_back(unreadable);
    return s;
}

TEST(status_query, reads_php_fpm_forms) {
    EXPECT_FALSE(parse_status_query("").json);
    EXPECT_TRUE(parse_status_query("json").json);
    const auto both = parse_status_query("full&json");
    EXPECT_TRUE(both.json && both.full);
    EXPECT_FALSE(parse_status_query("jsonx").json);
    EXPECT_TRUE(parse_status_query("openmetrics").openmetrics);
    EXPECT_FALSE(parse_status_query("json").openmetrics);
}

TEST(status_text, has_every_php_fpm_field_under_its_name) {
    const auto text = render_status_text(sample(), false);
    for (const auto* expected : {"pool:                 web\n", "process manager:      static\n", "start since:          61\n",
                                 "accepted conn:        12\n", "listen queue:         3\n", "max listen queue:     7\n",
                                 "listen queue len:     511\n", "idle processes:       5\n", "active processes:     3\n",
                                 "total processes:      8\n", "max active processes: 6\n", "max children reached: 4\n",
                                 "slow requests:        2\n"})
        EXPECT_NE(text.find(expected), std::string::npos) << expected << " in\n" << text;
    EXPECT_NE(text.find("start time:           "), std::string::npos);
}

TEST(status_text, keeps_one_value_column_for_long_extension_names) {
    auto s = sample();
    s.extensions[0].name = "an_extension_with_a_long_name";
    const auto text = render_status_text(s, false);
    const std::string key = "extension an_extension_with_a_long_name:";
    const auto at = text.find(key);
    ASSERT_NE(at, std::string::npos) << text;
    const auto column = key.size() + 1;  // the longest key, a colon and one space
    EXPECT_EQ(text.substr(at + column, 11), "requests 11") << text;
    EXPECT_NE(text.find("pool:" + std::string(column - 5, ' ') + "web\n"), std::string::npos) << text;
}

TEST(status_json, has_php_fpm_keys_as_numbers) {
    const auto json = render_status_json(sample(), false);
    for (const auto* expected : {R"("pool":"web")", R"("process manager":"static")", R"("start since":61)",
                                 R"("accepted conn":12)", R"("listen queue":3)", R"("max listen queue":7)",
                                 R"("listen queue len":511)", R"("idle processes":5)", R"("active processes":3)",
                                 R"("total processes":8)", R"("max active processes":6)", R"("max children reached":4)",
                                 R"("slow requests":2)", R"("responses by code":{"200":9,"304":1,"503":1})"})
        EXPECT_NE(json.find(expected), std::string::npos) << expected << " in\n" << json;
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

TEST(metrics, count_responses_by_status_code) {
    const auto text = render_metrics(sample());
    EXPECT_NE(text.find(R"(isapi_fcgi_responses_total{pool="web",code="200"} 9)"), std::string::npos) << text;
    EXPECT_NE(text.find(R"(isapi_fcgi_responses_total{pool="web",code="503"} 1)"), std::string::npos);
    EXPECT_NE(text.find(R"(isapi_fcgi_responses_total{pool="web",code="none"} 0)"), std::string::npos);
    EXPECT_EQ(text.find(R"(code="404")"), std::string::npos) << "codes never sent are left out";
    EXPECT_EQ(text.find(R"(code="2xx")"), std::string::npos);
}

TEST(metrics, standard_process_series_per_worker_and_the_pools_sums) {
    const auto text = render_metrics(sample());
    EXPECT_NE(text.find("# TYPE process_resident_memory_bytes gauge\n"), std::string::npos) << text;
    EXPECT_NE(text.find(R"(process_resident_memory_bytes{pool="web",worker="3",pid="42"} 67108864)"), std::string::npos);
    EXPECT_NE(text.find(R"(process_cpu_seconds_total{pool="web",worker="3",pid="42"} 1.5)"), std::string::npos);
    EXPECT_NE(text.find(R"(process_open_fds{pool="web",worker="3",pid="42"} 17)"), std::string::npos);
    EXPECT_NE(text.find(R"(process_max_fds{pool="web",worker="3",pid="42"} 1024)"), std::string::npos);
    EXPECT_NE(text.find(R"(process_start_time_seconds{pool="web",worker="3",pid="42"} 1700000000.25)"), std::string::npos);
    EXPECT_EQ(text.find(R"(pid="43")"), std::string::npos) << "a worker whose /proc is unreadable has no samples";
    EXPECT_NE(text.find(R"(isapi_fcgi_pool_resident_memory_bytes{pool="web"} 67108864)"), std::string::npos);
    EXPECT_NE(text.find(R"(isapi_fcgi_max_listen_queue{pool="web"} 7)"), std::string::npos);
    EXPECT_NE(text.find(R"(isapi_fcgi_thread_saturations_total{pool="web"} 4)"), std::string::npos);
}

TEST(metrics, openmetrics_names_counter_families_without_total_and_ends_with_eof) {
    const auto text = render_metrics(sample(), metrics_format::openmetrics);
    EXPECT_NE(text.find("# TYPE isapi_fcgi_requests counter\nisapi_fcgi_requests_total{pool=\"web\"} 12\n"), std::string::npos)
        << text;
    EXPECT_NE(text.find("# TYPE process_cpu_seconds counter\n"), std::string::npos);
    EXPECT_TRUE(text.ends_with("# EOF\n"));
    EXPECT_EQ(render_metrics(sample()).find("# EOF"), std::string::npos);
}

}  // namespace
}  // namespace isapi_fcgi::ops
