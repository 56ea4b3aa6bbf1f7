#pragma once
// The supervisor under test: the isapi-fcgi binary in its master/worker mode with a YAML
// configuration the test writes, a NOTIFY_SOCKET the test owns (READY=1 is the readiness event,
// RELOADING=1 and STOPPING=1 are checked too), direct FastCGI requests for the status and
// metrics paths, nginx in front for the HTTP load, and a load generator of curl processes.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "ops/json_value.hpp"
#include "support/cgi_response.hpp"
#include "support/http_client.hpp"
#include "support/apache_front.hpp"
#include "support/nginx_front.hpp"
#include "support/web_front.hpp"
#include "support/temp_dir.hpp"
#include "support/test_process.hpp"

// ThreadSanitizer intercepts sigaction, so a worker's deliberate SIGSEGV reaches TSan's handler
// (a "SEGV on unknown address" report) instead of ending the worker as it does in production:
// the crash tests mean nothing there and run in the release and ASan trees only.
#if defined(__SANITIZE_THREAD__)
#define SKIP_DELIBERATE_CRASHES_UNDER_TSAN() GTEST_SKIP() << "deliberate crashes are reported by TSan's own SIGSEGV handler"
#else
#define SKIP_DELIBERATE_CRASHES_UNDER_TSAN() (void)0
#endif

namespace isapi_fcgi::test {

/// `text` with every `from` replaced by `to`.
std::string replace_all(std::string text, const std::string& from, const std::string& to);

/// An AF_UNIX datagram socket standing in for systemd's notification socket.
class notify_socket {
public:
    explicit notify_socket(std::filesystem::path path);
    ~notify_socket();
    const std::filesystem::path& path() const { return path_; }
    /// Waits for a datagram containing `needle` (searching those already received first, from
    /// index `from`); returns its index, or nullopt at the deadline.
    std::optional<std::size_t> wait_for(const std::string& needle, deadline until, std::size_t from = 0);
    std::size_t count() const { return messages_.size(); }
    const std::vector<std::string>& messages() const { return messages_; }

private:
    std::filesystem::path path_;
    int fd_ = -1;
    std::vector<std::string> messages_;
};

/// The .so of a fixture or example by target name (misbehave, misbehave_load, hello).
std::filesystem::path ops_extension(const std::string& name);

struct fcgi_answer {
    bool ended = false;
    int status = 0;
    std::string body;
    cgi_response head;
};

/// One GET over FastCGI straight to `address` (unix:/path), SCRIPT_NAME = `path`.
fcgi_answer fcgi_get(const std::string& address, const std::string& path, const std::string& query = {},
                     std::chrono::milliseconds bound = std::chrono::seconds(10));

class ops_test : public ::testing::Test {
protected:
    void TearDown() override;

    /// Writes `yaml` as the configuration (`@DIR@` replaced by the test's directory) and starts
    /// the binary with NOTIFY_SOCKET; waits for READY=1 unless `wait_ready` is false.
    void start(const std::string& yaml, bool wait_ready = true, std::vector<std::string> extra_env = {});
    /// Rewrites the configuration (for SIGHUP tests).
    void rewrite_config(const std::string& yaml);
    /// nginx in front: the shipped snippet to `unix:@DIR@/app.sock`, and `/web/` to web.sock
    /// when `web_pool`.
    void start_nginx(bool web_pool = false, std::string server_extra = {});
    /// Apache in front: the shipped ProxyPassMatch snippet to `unix:@DIR@/app.sock` (whose pool
    /// must let Apache's worker user in: socket group www-data when the tests run as root), or
    /// `snippet` instead.
    void start_apache(const std::optional<std::filesystem::path>& snippet = std::nullopt);
    /// A front end with its shipped configuration unchanged routing `.dll` URLs to
    /// `unix:@DIR@/app.sock`: "nginx", "apache" or "haproxy". For Apache the pool's YAML needs
    /// apache_socket_yaml (its workers run as www-data) and the test's directory is opened to
    /// that group here.
    web_front& start_front(const std::string& kind);
    web_front& front() { return *front_; }
    /// The pool keys that give the socket to Apache's group.
    static std::string apache_socket_yaml();

    std::string dir_text() const { return work_.path().string(); }
    std::string address(const std::string& socket = "app.sock") const { return "unix:" + work_.file(socket).string(); }
    test_process& master() { return *master_; }
    notify_socket& notify() { return *notify_; }
    nginx_front& nginx() { return *nginx_; }
    apache_front& apache() { return *apache_; }

    /// `/status?json&full` of the pool behind `socket`, parsed (fails the test when it does not parse).
    json_value status_json(const std::string& socket = "app.sock");
    std::string metrics(const std::string& socket = "app.sock");
    /// Polls the status until `n` extension threads are busy (the requests reached the
    /// extension); false after a bound.
    bool wait_active_threads(double n, const std::string& socket = "app.sock");

    std::optional<std::string> wait_log(const std::string& pattern, std::chrono::milliseconds bound = std::chrono::seconds(20),
                                        std::size_t from = 0);
    std::size_t log_mark() const { return master_->log_mark(); }
    http_result http(const std::string& path, std::chrono::seconds max_time = std::chrono::seconds(30));

    /// Stops the master with SIGTERM and checks it exited 0 by itself, with no sanitizer report.
    void stop_master();

    static deadline within(std::chrono::milliseconds bound) { return deadline_after(scaled(bound)); }

    temp_dir work_{"isapi-fcgi-ops-test"};
    bool single_process_ = false;  ///< start() adds --single-process
    std::unique_ptr<notify_socket> notify_;
    std::unique_ptr<test_process> master_;
    std::unique_ptr<nginx_front> nginx_;
    std::unique_ptr<apache_front> apache_;  ///< start_apache's
    std::unique_ptr<web_front> front_;      ///< start_front's, when not nginx_
    /// Front-end error-log lines the test provokes (502s after a crash).
    std::optional<std::regex> allowed_nginx_problems_;
};

/// HTTP GETs through curl in batches of `parallel`, from a thread, until stop(): the
/// "second client" of the crash and reload tests.
class load_generator {
public:
    load_generator(const temp_dir& dir, std::vector<std::string> urls, std::size_t parallel = 6);
    ~load_generator();
    /// Stops after the batch in progress and returns every status seen (0: no answer).
    std::map<int, std::size_t> stop();
    std::size_t completed() const { return completed_.load(); }
    /// Waits until at least `n` requests completed.
    bool wait_completed(std::size_t n, deadline until) const;
    std::vector<std::string> failures() const;

private:
    const temp_dir& dir_;
    std::vector<std::string> urls_;
    std::size_t parallel_;
    std::atomic<bool> stop_{false};
    std::atomic<std::size_t> completed_{0};
    mutable std::mutex mutex_;
    std::map<int, std::size_t> statuses_;
    std::vector<std::string> failures_;
    std::thread thread_;
};

/// The Prometheus text: sample name{labels} -> value, checking the exposition format on the way
/// (HELP and TYPE before a family's samples, numeric values, monotonic histogram buckets whose
/// +Inf bucket equals _count). Failures are added to `problems`.
std::map<std::string, double> parse_prometheus(const std::string& text, std::vector<std::string>& problems);

}  // namespace isapi_fcgi::test
