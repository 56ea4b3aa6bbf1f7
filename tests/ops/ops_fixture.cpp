#include "ops/ops_fixture.hpp"

#include <grp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <sstream>
#include <stdexcept>

#include "support/apache_front.hpp"
#include "support/engine_instance.hpp"
#include "support/fcgi_client.hpp"
#include "support/haproxy_instance.hpp"

namespace isapi_fcgi::test {

// ---- notify_socket --------------------------------------------------------------------------

notify_socket::notify_socket(std::filesystem::path path) : path_(std::move(path)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strncpy(sa.sun_path, path_.c_str(), sizeof(sa.sun_path) - 1);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0)
        throw std::runtime_error("cannot bind the notify socket " + path_.string());
}

notify_socket::~notify_socket() {
    if (fd_ >= 0) ::close(fd_);
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
}

std::optional<std::size_t> notify_socket::wait_for(const std::string& needle, deadline until, std::size_t from) {
    while (true) {
        for (std::size_t i = from; i < messages_.size(); ++i)
            if (messages_[i].find(needle) != std::string::npos) return i;
        pollfd p{fd_, POLLIN, 0};
        const int timeout = poll_timeout_ms(until);
        if (::poll(&p, 1, timeout) <= 0) {
            if (clock::now() >= until) return std::nullopt;
            continue;
        }
        char buffer[4096];
        const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
        if (n > 0) messages_.emplace_back(buffer, static_cast<std::size_t>(n));
    }
}

// ---- requests -------------------------------------------------------------------------------

std::filesystem::path ops_extension(const std::string& name) {
    static const std::map<std::string, std::string> paths{
        {"misbehave", ISAPI_EXT_MISBEHAVE},
        {"misbehave_load", ISAPI_EXT_MISBEHAVE_LOAD},
        {"hello", ISAPI_EXT_HELLO},
        {"formdump", ISAPI_EXT_FORMDUMP},
        {"fail_version", ISAPI_EXT_FAIL_VERSION},
        {"missing_import", ISAPI_EXT_MISSING_IMPORT},
        {"crt_violation", ISAPI_EXT_CRT_VIOLATION},
        {"greeter", ISAPI_EXT_GREETER},
        {"shout", ISAPI_EXT_SHOUT},
    };
    return paths.at(name);
}

fcgi_answer fcgi_get(const std::string& address, const std::string& path, const std::string& query,
                     std::chrono::milliseconds bound) {
    fcgi_answer out;
    try {
        fcgi_client client(address, deadline_after(bound));
        const std::string uri = query.empty() ? path : path + "?" + query;
        client.request(1, {{"REQUEST_METHOD", "GET"},
                           {"SCRIPT_NAME", path},
                           {"REQUEST_URI", uri},
                           {"QUERY_STRING", query},
                           {"SERVER_PROTOCOL", "HTTP/1.1"},
                           {"CONTENT_LENGTH", ""}},
                       {}, false);
        out.ended = client.wait_end(1, deadline_after(bound));
        out.head = client.state(1).response();
        out.status = out.head.status.value_or(0);
        out.body = out.head.body;
    } catch (const std::exception&) {
    }
    return out;
}

// ---- the fixture ----------------------------------------------------------------------------

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

void ops_test::rewrite_config(const std::string& yaml) {
    work_.write_file("isapi-fcgi.yaml", replace_all(yaml, "@DIR@", dir_text()));
}

void ops_test::start(const std::string& yaml, bool wait_ready, std::vector<std::string> extra_env) {
    rewrite_config(yaml);
    notify_ = std::make_unique<notify_socket>(work_.file("notify.sock"));
    spawn_options spawn;
    spawn.stdout_path = work_.file("isapi-fcgi.log");
    spawn.env = {"NOTIFY_SOCKET=" + notify_->path().string()};
    spawn.env.insert(spawn.env.end(), extra_env.begin(), extra_env.end());
    std::vector<std::string> argv{engine_instance::binary().string(), "--config", work_.file("isapi-fcgi.yaml").string()};
    if (single_process_) argv.push_back("--single-process");
    master_ = std::make_unique<test_process>(argv, spawn);
    if (!wait_ready) return;
    if (!notify_->wait_for("READY=1", within(std::chrono::seconds(60))))
        FAIL() << "no READY=1 from the master\n" << tail(master_->error_output());
}

void ops_test::start_nginx(bool web_pool, std::string server_extra) {
    nginx_front_options options;
    options.upstream_address = address("app.sock");
    options.snippet = ISAPI_NGINX_SNIPPET;
    options.keepalive = 8;
    options.server_extra = std::move(server_extra);
    if (web_pool) {
        // A second pool behind its own socket: a crash in the first must not touch it.
        options.server_extra += "        location ^~ /web/ {\n"
                               "            include /etc/nginx/fastcgi_params;\n"
                               "            fastcgi_pass unix:" +
                               work_.file("web.sock").string() + ";\n        }\n";
    }
    nginx_ = std::make_unique<nginx_front>(options);
}

namespace {

// Apache's workers (www-data) reach the socket through the test's directory, as through a
// deployment's socket directory: 0710, group-owned. Needs root, as the ops tests run.
void open_to_apache_workers(const std::filesystem::path& dir) {
    const struct group* entry = ::getgrnam(apache_front::worker_user);
    if (entry == nullptr || ::chown(dir.c_str(), static_cast<uid_t>(-1), entry->gr_gid) != 0 ||
        ::chmod(dir.c_str(), 0710) != 0)
        throw std::runtime_error("cannot open the test directory to Apache's group");
}

apache_front_options apache_options(const std::string& upstream) {
    apache_front_options options;
    options.upstream_address = upstream;
    options.snippet = ISAPI_APACHE_SNIPPET;
    options.max_workers = 64;
    return options;
}

}  // namespace

void ops_test::start_apache(const std::optional<std::filesystem::path>& snippet) {
    if (::geteuid() == 0) open_to_apache_workers(work_.path());
    auto options = apache_options(address("app.sock"));
    if (snippet) options.snippet = *snippet;
    apache_ = std::make_unique<apache_front>(options);
}

std::string ops_test::apache_socket_yaml() {
    return std::string("    socket: { mode: \"0660\", group: ") + apache_front::worker_user + " }\n";
}

web_front& ops_test::start_front(const std::string& kind) {
    if (kind == "nginx") {
        start_nginx();
        return *nginx_;
    }
    if (kind == "apache") {
        open_to_apache_workers(work_.path());
        front_ = std::make_unique<apache_front>(apache_options(address("app.sock")));
    } else if (kind == "haproxy") {
        haproxy_options options;
        options.engine_address = address("app.sock");
        options.backend_file = ISAPI_HAPROXY_BACKEND;
        front_ = std::make_unique<haproxy_instance>(options);
    } else {
        throw std::invalid_argument("no front end called " + kind);
    }
    return *front_;
}

json_value ops_test::status_json(const std::string& socket) {
    const auto answer = fcgi_get(address(socket), "/status", "json&full");
    std::string error;
    auto parsed = parse_json(answer.body, &error);
    EXPECT_TRUE(parsed.has_value()) << error << "\n" << answer.body;
    EXPECT_EQ(answer.head.header("Content-Type").value_or(""), "application/json");
    return parsed.value_or(json_value{});
}

bool ops_test::wait_active_threads(double n, const std::string& socket) {
    const auto until = within(std::chrono::seconds(10));
    while (status_json(socket)["active threads"].number() < n) {
        if (clock::now() >= until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

std::string ops_test::metrics(const std::string& socket) { return fcgi_get(address(socket), "/metrics").body; }

std::optional<std::string> ops_test::wait_log(const std::string& pattern, std::chrono::milliseconds bound,
                                              std::size_t from) {
    return master_->wait_for_log_line(std::regex(pattern, std::regex::icase), within(bound), from);
}

http_result ops_test::http(const std::string& path, std::chrono::seconds max_time) {
    http_request request;
    request.url = nginx_->url(path);
    request.max_time = max_time;
    return http_fetch(work_, request);
}

void ops_test::stop_master() {
    if (!master_) return;
    const auto end = master_->stop(scaled(std::chrono::seconds(30)));
    EXPECT_TRUE(ended_cleanly(end, master_->error_output())) << tail(master_->error_output());
}

void ops_test::TearDown() {
    if (nginx_) {
        const auto problems = nginx_->error_log_problems(allowed_nginx_problems_);
        EXPECT_TRUE(problems.empty()) << "nginx error log:\n" << nginx_->error_log();
        // Whatever failed, nginx's own account of the upstream (a reset, a premature close) is
        // the first thing needed to tell a front-end race from ours.
        if (HasFailure() && problems.empty()) std::cerr << "--- nginx error log ---\n" << tail(nginx_->error_log(), 6000);
        nginx_->stop();
        nginx_.reset();
    }
    if (apache_) {
        const auto problems = apache_->error_log_problems(allowed_nginx_problems_);
        EXPECT_TRUE(problems.empty()) << "apache error log:\n" << apache_->error_log();
        apache_->stop();
        apache_.reset();
    }
    if (front_) {
        const auto problems = front_->error_log_problems(allowed_nginx_problems_);
        EXPECT_TRUE(problems.empty()) << front_->name() << " error log:\n" << front_->error_log();
        front_->stop();
        front_.reset();
    }
    if (master_ && master_->running()) stop_master();
    if (HasFailure() && master_) std::cerr << "--- isapi-fcgi log ---\n" << tail(master_->error_output(), 12000);
}

// ---- load_generator ------------------------------------------------------------------------

load_generator::load_generator(const temp_dir& dir, std::vector<std::string> urls, std::size_t parallel)
    : dir_(dir), urls_(std::move(urls)), parallel_(parallel) {
    thread_ = std::thread([this] {
        std::size_t next = 0;
        while (!stop_.load()) {
            std::vector<std::string> batch;
            for (std::size_t i = 0; i < parallel_; ++i) batch.push_back(urls_[next++ % urls_.size()]);
            const auto results = http_get_parallel(dir_, batch, std::chrono::seconds(60));
            std::lock_guard lock(mutex_);
            for (std::size_t i = 0; i < results.size(); ++i) {
                ++statuses_[results[i].status];
                if (results[i].status != 200)
                    failures_.push_back(batch[i] + ": " + results[i].describe());
            }
            completed_.fetch_add(results.size());
        }
    });
}

load_generator::~load_generator() { stop(); }

std::map<int, std::size_t> load_generator::stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
    std::lock_guard lock(mutex_);
    return statuses_;
}

bool load_generator::wait_completed(std::size_t n, deadline until) const {
    while (completed_.load() < n) {
        if (clock::now() >= until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

std::vector<std::string> load_generator::failures() const {
    std::lock_guard lock(mutex_);
    return failures_;
}

// ---- Prometheus text ------------------------------------------------------------------------

std::map<std::string, double> parse_prometheus(const std::string& text, std::vector<std::string>& problems) {
    static const std::regex sample(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})? (\S+)$)");
    static const std::regex meta(R"(^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$)");
    std::map<std::string, double> out;
    std::map<std::string, std::string> types;
    std::istringstream lines(text);
    std::map<std::string, double> last_bucket;
    for (std::string line; std::getline(lines, line);) {
        std::smatch m;
        if (line.starts_with("#")) {
            if (!std::regex_match(line, m, meta)) problems.push_back("bad comment: " + line);
            else if (m[1] == "TYPE") types[m[2]] = m[3];
            continue;
        }
        if (!std::regex_match(line, m, sample)) {
            problems.push_back("bad sample: " + line);
            continue;
        }
        std::string family = m[1];
        for (const char* suffix : {"_bucket", "_sum", "_count"})
            if (family.ends_with(suffix) && !types.count(family)) family = family.substr(0, family.size() - std::strlen(suffix));
        if (!types.count(family)) problems.push_back("sample before its TYPE: " + line);
        char* end = nullptr;
        const std::string value_text = m[4];
        const double value = value_text == "+Inf" ? 1e300 : std::strtod(value_text.c_str(), &end);
        if (value_text != "+Inf" && end != value_text.c_str() + value_text.size()) problems.push_back("bad value: " + line);
        const std::string key = std::string(m[1]) + (m[2].matched ? std::string(m[2]) : "");
        if (out.count(key)) problems.push_back("duplicate sample: " + line);
        out[key] = value;
        if (std::string(m[1]).ends_with("_bucket")) {
            // Cumulative: every bucket of a series holds at least the previous one.
            std::string labels = m[3];
            const auto le = labels.find(",le=");
            const std::string series = std::string(m[1]) + labels.substr(0, le);
            if (last_bucket.count(series) && value < last_bucket[series]) problems.push_back("bucket decreases: " + line);
            last_bucket[series] = value;
            if (labels.find("le=\"+Inf\"") != std::string::npos) {
                const std::string base = std::string(m[1]).substr(0, std::string(m[1]).size() - 7);
                last_bucket["inf:" + base + "{" + labels.substr(0, le) + "}"] = value;
            }
        }
    }
    for (const auto& [key, value] : last_bucket) {
        if (!key.starts_with("inf:")) continue;
        const std::string count_key = key.substr(4, key.find('{') - 4) + "_count" + key.substr(key.find('{'));
        if (!out.count(count_key) || out[count_key] != value) problems.push_back("+Inf bucket differs from " + count_key);
    }
    return out;
}

}  // namespace isapi_fcgi::test
