#include "authorizer/authorizer_fixture.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "support/deadline.hpp"
#include "support/test_process.hpp"

namespace isapi_fcgi::test {

std::string basic_credentials(const std::string& user_password) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out = "Basic ";
    const auto byte = [&](std::size_t at) { return static_cast<unsigned>(static_cast<unsigned char>(user_password[at])); };
    std::size_t i = 0;
    for (; i + 2 < user_password.size(); i += 3) {
        const unsigned v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
        for (int shift : {18, 12, 6, 0}) out += alphabet[(v >> shift) & 63];
    }
    const std::size_t rest = user_password.size() - i;
    if (rest > 0) {
        unsigned v = byte(i) << 16;
        if (rest == 2) v |= byte(i + 1) << 8;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += rest == 2 ? alphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::string authorizer_fixture::gate_filter() {
    return "    filters:\n      - name: gate\n        path: \"" ISAPI_FILTER_GATE "\"\n";
}

std::string authorizer_fixture::fixture_filters(const std::vector<std::string>& names) {
    std::string block = "    filters:\n";
    for (const auto& name : names)
        block += "      - {name: " + name + ", path: \"" ISAPI_FILTER_FIXTURE_DIR "/" + name + ".so\"}\n";
    return block;
}

void authorizer_fixture::start_sidecar(const std::string& filters) {
    isapi_sidecar_options options;
    options.pool_extra = filters;
    authorizer_port_ = free_loopback_port();
    // mod_authnz_fcgi reaches an authorizer over TCP only.
    options.extra_listen = {"tcp:127.0.0.1:" + std::to_string(authorizer_port_)};
    // Apache's workers (www-data) reach the unix socket too (the shipped Apache files need it).
    options.socket_group = "www-data";
    sidecar_ = isapi_sidecar::start(std::move(options));
}

std::filesystem::path authorizer_fixture::make_document_root(const std::filesystem::path& root) const {
    std::filesystem::create_directories(root / "private");
    for (const char* name : {"secret", "new", "old"}) {
        std::ofstream(root / "private" / (std::string(name) + ".txt")) << "the " << name << " file\n";
    }
    return root;
}

http_result authorizer_fixture::get(const std::string& path, const std::string& credentials,
                                    const std::vector<std::string>& headers) const {
    http_request request;
    request.url = front_->url(path);
    request.headers = headers;
    if (!credentials.empty()) request.headers.push_back("Authorization: " + credentials);
    return http_fetch(front_->dir(), request);
}

std::vector<std::string> authorizer_fixture::write_out_on_one_connection(const std::string& path,
                                                                       const std::string& format, int count,
                                                                       const std::vector<std::string>& headers) const {
    static int calls = 0;
    const auto prefix = front_->dir().path() / ("one-connection-" + std::to_string(calls++));
    std::vector<std::string> argv{"curl", "-sS", "--noproxy", "*", "--max-time", "30", "-w", format + "\n"};
    for (const auto& header : headers) {
        argv.push_back("-H");
        argv.push_back(header);
    }
    for (int i = 0; i < count; ++i) {
        argv.insert(argv.end(), {"-o", "/dev/null"});  // one -o per URL
        argv.push_back(front_->url(path));
    }
    spawn_options options;
    options.stdout_path = prefix.string() + ".out";
    options.stderr_path = prefix.string() + ".err";
    test_process curl(std::move(argv), options);
    const auto end = curl.wait(deadline_after(std::chrono::seconds(40)));
    EXPECT_TRUE(end && end->exited && end->exit_code == 0)
        << (end ? end->describe() : std::string("curl did not finish")) << "\n" << read_file(options.stderr_path);
    std::vector<std::string> lines;
    std::istringstream out(read_file(options.stdout_path));
    for (std::string line; std::getline(out, line);) lines.push_back(line);
    return lines;
}

void authorizer_fixture::start_sidecar_that_crashes_on_request() {
    // Set here, not as a CTest ENVIRONMENT list, which gtest_discover_tests cuts at its first ';'.
    ::setenv("ASAN_OPTIONS", "handle_segv=0", 1);
    ::setenv("TSAN_OPTIONS", "handle_segv=0", 1);
    start_sidecar(fixture_filters({"misusefilter"}) + "    workers: 2\n");
}

void authorizer_fixture::expect_the_higher_priority_first() {
    const auto ok = get("/private/secret.txt");
    EXPECT_EQ(ok.status, 200) << ok.describe() << front_->error_log();
    EXPECT_EQ(ok.body, "the secret file\n");
    EXPECT_EQ(ok.head.header("X-Order"), "high, low-a") << ok.describe();
}

void authorizer_fixture::expect_one_context_per_client_connection() {
    const auto lines =
        write_out_on_one_connection("/private/secret.txt", "%{http_code} %{num_connects} %header{x-seen}", 3);
    ASSERT_EQ(lines.size(), 3u) << ::testing::PrintToString(lines);
    EXPECT_EQ(lines[0], "200 1 1");
    EXPECT_EQ(lines[1], "200 0 2") << "the same client connection";
    EXPECT_EQ(lines[2], "200 0 3") << "the same client connection";
    const auto other = get("/private/secret.txt");
    EXPECT_EQ(other.head.header("X-Seen"), "1") << "a new client connection: " << other.describe();
}

void authorizer_fixture::expect_a_crash_to_fail_closed_and_kill_only_its_worker() {
    const auto mark = sidecar_->log_mark();
    const auto crashed = get("/private/secret.txt", {}, {"X-Misuse: crash"});
    EXPECT_EQ(crashed.status, 500) << crashed.describe();
    EXPECT_EQ(crashed.body.find("the secret file"), std::string::npos) << crashed.describe();
    const auto soon = [] { return deadline_after(scaled(std::chrono::seconds(20))); };
    ASSERT_TRUE(sidecar_->wait_for_log(std::regex("killed by SIGSEGV"), soon(), mark)) << sidecar_->log();
    ASSERT_TRUE(sidecar_->wait_for_log(std::regex(R"(worker \d+ \(pid \d+\): ready)"), soon(), mark))
        << sidecar_->log();
    for (int i = 0; i < 4; ++i) {
        const auto next = get("/private/secret.txt");
        EXPECT_EQ(next.status, 200) << next.describe();
        EXPECT_EQ(next.body, "the secret file\n");
    }
    EXPECT_EQ(sidecar_->log_lines(std::regex("killed by"), mark).size(), 1u) << "one death: " << sidecar_->log();
}

void authorizer_fixture::expect_denied_without_filters_and_without_sidecar() {
    const auto no_filters = get("/private/secret.txt", basic_credentials("alice:wonderland"));
    EXPECT_EQ(no_filters.status, 500) << no_filters.describe();
    EXPECT_TRUE(sidecar_->wait_for_log(std::regex("pool 'default' has no filters"),
                                       deadline_after(std::chrono::seconds(5))))
        << sidecar_->log();
    EXPECT_TRUE(ended_cleanly(sidecar_->stop(), sidecar_->log()));
    sidecar_.reset();
    const auto no_sidecar = get("/private/secret.txt", basic_credentials("alice:wonderland"));
    EXPECT_EQ(no_sidecar.status, 500) << no_sidecar.describe();
    EXPECT_EQ(no_sidecar.body.find("the secret file"), std::string::npos);
}

void authorizer_fixture::TearDown() {
    if (front_) {
        EXPECT_TRUE(front_->error_log_problems(allowed_problems_).empty()) << front_->error_log();
        front_->stop();
    }
    if (sidecar_) {
        EXPECT_TRUE(ended_cleanly(sidecar_->stop(), sidecar_->log()));
    }
}

}  // namespace isapi_fcgi::test
