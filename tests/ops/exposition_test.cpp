// /metrics and /status?openmetrics read by Prometheus' own parsers (python3-prometheus-client,
// tests/ops/check_exposition.py): the text format and strict OpenMetrics, with the standard
// process_* series of every worker, responses by status code and php-fpm's status fields.
#include "ops/ops_fixture.hpp"

#include <fstream>
#include <regex>
#include <set>

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

std::string config() {
    return "allow_root: true\nshutdown_timeout: 10s\nlog: { level: info }\npools:\n"
           "  - name: app\n    listen: unix:@DIR@/app.sock\n    workers: 2\n    status_path: /status\n"
           "    metrics_path: /metrics\n    extensions:\n"
           "      - { name: misbehave, path: " + ops_extension("misbehave").string() + ", urls: /scripts/misbehave.dll }\n";
}

struct parsed {
    int exit_code = -1;
    std::string samples;  ///< "TYPE NAME{LABELS} VALUE" lines
    std::string complaint;
};

parsed parse_with_prometheus_client(const temp_dir& dir, const std::string& form, const std::string& text) {
    const auto input = dir.file(form + ".txt");
    std::ofstream(input) << text;
    spawn_options spawn;
    spawn.stdout_path = dir.file(form + ".samples");
    spawn.stderr_path = dir.file(form + ".err");
    test_process parser({"/usr/bin/python3", ISAPI_EXPOSITION_CHECK, form, input.string()}, spawn);
    const auto end = parser.wait(deadline_after(scaled(30s)));
    parsed out;
    if (end && end->exited) out.exit_code = end->exit_code;
    out.samples = parser.output();
    out.complaint = parser.error_output();
    return out;
}

TEST_F(ops_test, metrics_pass_prometheus_parsers_in_both_formats) {
    start(config());
    for (int i = 0; i < 5; ++i) ASSERT_EQ(fcgi_get(address(), "/scripts/misbehave.dll/ok").status, 200);
    const auto text = metrics();
    const auto openmetrics = fcgi_get(address(), "/status", "openmetrics");
    ASSERT_EQ(openmetrics.status, 200);
    EXPECT_EQ(openmetrics.head.header("Content-Type").value_or(""), "application/openmetrics-text; version=1.0.0; charset=utf-8");

    for (const auto& [form, page] : {std::pair<std::string, std::string>{"prometheus", text}, {"openmetrics", openmetrics.body}}) {
        SCOPED_TRACE(form);
        const auto r = parse_with_prometheus_client(work_, form, page);
        ASSERT_EQ(r.exit_code, 0) << r.complaint << (r.complaint.find("No module named") != std::string::npos
                                                         ? " (install python3-prometheus-client: scripts/setup)"
                                                         : "")
                                  << "\n" << page;
        const auto has = [&](const std::string& pattern) {
            EXPECT_TRUE(std::regex_search(r.samples, std::regex(pattern, std::regex::multiline)))
                << "/" << pattern << "/ not in\n" << r.samples;
        };
        has(R"(^counter isapi_fcgi_requests_total\{pool="app"\} 5$)");
        has(R"(^counter isapi_fcgi_responses_total\{code="200",pool="app"\} 5$)");
        has(R"(^histogram isapi_fcgi_extension_request_duration_seconds_count\{extension="misbehave",pool="app"\} 5$)");
        has(R"(^gauge isapi_fcgi_listen_queue_limit\{pool="app"\} 511$)");
        // The standard process series, one per worker, from /proc.
        std::set<std::string> pids;
        const std::regex resident(R"re(^gauge process_resident_memory_bytes\{pid="(\d+)",pool="app",worker="\d+"\} (\d+(\.\d+)?(e\+\d+)?)$)re",
                                  std::regex::multiline);
        for (auto it = std::sregex_iterator(r.samples.begin(), r.samples.end(), resident); it != std::sregex_iterator(); ++it) {
            pids.insert((*it)[1]);
            EXPECT_GT(std::stod((*it)[2]), 1e6) << "a worker's resident memory";
        }
        EXPECT_EQ(pids.size(), 2U) << r.samples;
        has(R"(^counter process_cpu_seconds_total\{pid="\d+",pool="app",worker="\d+"\} )");
        has(R"(^gauge process_open_fds\{pid="\d+",pool="app",worker="\d+"\} [1-9])");
        has(R"(^gauge process_max_fds\{pid="\d+",pool="app",worker="\d+"\} [1-9])");
        has(R"(^gauge process_start_time_seconds\{pid="\d+",pool="app",worker="\d+"\} 1[0-9.e+]+$)");
        has(R"(^gauge isapi_fcgi_pool_resident_memory_bytes\{pool="app"\} [1-9])");
    }

    // php-fpm's field names, as its exporters read them.
    const auto status = status_json();
    EXPECT_EQ(status["accepted conn"].number(), 5);
    EXPECT_EQ(status["total processes"].number(), 64);  // 2 workers x 32 extension threads
    EXPECT_EQ(status["idle processes"].number(), 64);
    EXPECT_EQ(status["active processes"].number(), 0);
    EXPECT_EQ(status["listen queue"].number(), 0);
    EXPECT_EQ(status["listen queue len"].number(), 511);
    EXPECT_EQ(status["max children reached"].number(), 0);
    EXPECT_EQ(status["process manager"].text(), "static");
    stop_master();
}

}  // namespace
}  // namespace isapi_fcgi::test
