#include "logging/logging.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "ops/json_value.hpp"

namespace isapi_fcgi::logging {
namespace {

class temp_dir {
public:
    temp_dir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "isapi-fcgi-log-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr)
            throw std::system_error(errno, std::generic_category());
        path_ = pattern;
    }
    ~temp_dir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    std::string file(const char* name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

std::vector<std::string> lines_of(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// Points fd 2 at a file for the test's duration, so what logging writes to stderr can be read.
class stderr_capture {
public:
    explicit stderr_capture(const std::string& path) : path_(path), saved_(::dup(STDERR_FILENO)) {
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        ::dup2(fd, STDERR_FILENO);
        ::close(fd);
    }
    ~stderr_capture() { restore(); }
    stderr_capture(const stderr_capture&) = delete;
    stderr_capture& operator=(const stderr_capture&) = delete;

    std::vector<std::string> finish() {
        restore();
        return lines_of(path_);
    }

private:
    void restore() {
        if (saved_ < 0) return;
        std::fflush(stderr);
        ::dup2(saved_, STDERR_FILENO);
        ::close(saved_);
        saved_ = -1;
    }
    std::string path_;
    int saved_;
};

class logging_test : public ::testing::Test {
protected:
    void SetUp() override { log_files::clear(); }
    // Lets go of the test's files; later tests in the same process call setup() again anyway.
    void TearDown() override {
        spdlog::set_default_logger(std::make_shared<spdlog::logger>(
            "after-test", std::make_shared<spdlog::sinks::stderr_sink_mt>()));
        log_files::clear();
    }
    temp_dir dir_;
};

TEST_F(logging_test, lines_carry_rfc3339_time_with_zone_level_pid_and_message) {
    const std::string file = dir_.file("isapi-fcgi.log");
    setup({.level = "info", .file = file});
    spdlog::info("listening on {}", "unix:/run/x.sock");
    spdlog::warn("second");
    const auto lines = lines_of(file);
    ASSERT_EQ(lines.size(), 2U);
    const std::string pid = std::to_string(::getpid());
    const std::regex form(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d \[info\] \[)" + pid +
                          R"(\] listening on unix:/run/x\.sock)");
    EXPECT_TRUE(std::regex_match(lines[0], form)) << lines[0];
    EXPECT_NE(lines[1].find(" [warning] [" + pid + "] second"), std::string::npos) << lines[1];
}

TEST_F(logging_test, json_lines_parse_and_escape_whatever_the_message_holds) {
    const std::string file = dir_.file("json.log");
    setup({.level = "info", .file = file, .format = "json"});
    spdlog::info("quote \" backslash \\ newline \n tab \t byte \xff end");
    spdlog::error("plain");
    const auto lines = lines_of(file);
    ASSERT_EQ(lines.size(), 2U);
    std::string error;
    const auto first = test::parse_json(lines[0], &error);
    ASSERT_TRUE(first) << error << ": " << lines[0];
    EXPECT_EQ((*first)["msg"].text().rfind("quote \" backslash \\ newline \n tab \t byte ", 0), 0U) << lines[0];
    EXPECT_NE(lines[0].find(R"(byte \u00ff end)"), std::string::npos) << lines[0];  // a byte, not UTF-8
    EXPECT_EQ((*first)["level"].text(), "info");
    EXPECT_EQ((*first)["pid"].number(), static_cast<double>(::getpid()));
    EXPECT_TRUE(std::regex_match((*first)["time"].text(),
                                 std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d)")))
        << lines[0];
    const auto second = test::parse_json(lines[1], &error);
    ASSERT_TRUE(second) << error << ": " << lines[1];
    EXPECT_EQ((*second)["level"].text(), "error");
}

TEST_F(logging_test, new_files_get_the_configured_mode_whatever_the_umask) {
    const mode_t saved = ::umask(0077);
    const std::string file = dir_.file("mode.log");
    setup({.level = "info", .file = file});
    setup({.level = "info", .file = dir_.file("other.log"), .format = "text", .mode = 0604});
    ::umask(saved);
    EXPECT_EQ(std::filesystem::status(file).permissions() & std::filesystem::perms::mask,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                  std::filesystem::perms::group_read);
    EXPECT_EQ(std::filesystem::status(dir_.file("other.log")).permissions() & std::filesystem::perms::mask,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                  std::filesystem::perms::others_read);
}

TEST_F(logging_test, reopen_covers_every_file_the_process_writes) {
    const std::string main_log = dir_.file("main.log");
    const std::string access_log = dir_.file("access.log");
    setup({.level = "info", .file = main_log});
    auto access = std::make_shared<spdlog::logger>("access-test", target_sink(access_log));
    access->set_pattern("%v");
    access->info("access before");
    std::filesystem::rename(main_log, main_log + ".1");
    std::filesystem::rename(access_log, access_log + ".1");
    reopen();
    spdlog::info("main after");
    access->info("access after");
    EXPECT_EQ(lines_of(access_log + ".1"), std::vector<std::string>{"access before"});
    EXPECT_EQ(lines_of(access_log), std::vector<std::string>{"access after"});
    const auto main_lines = lines_of(main_log);
    ASSERT_EQ(main_lines.size(), 1U);
    EXPECT_NE(main_lines[0].find("main after"), std::string::npos);
}

// What a worker does with the descriptors its master hands over: no open by name at all.
TEST_F(logging_test, adopted_descriptors_replace_the_files_by_path) {
    const std::string path = dir_.file("handed.log");
    setup({.level = "info", .file = path});
    spdlog::info("first");
    std::filesystem::rename(path, path + ".1");
    const auto [fresh, ec] = log_file::open_for_append(path, 0640);
    ASSERT_FALSE(ec) << ec.message();
    log_files::adopt({{path, fresh}});
    spdlog::info("second");
    EXPECT_EQ(lines_of(path + ".1").size(), 1U);
    const auto lines = lines_of(path);
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_NE(lines[0].find("second"), std::string::npos);
    // A path not in use yet is kept for the logger that will want it (the access log).
    const std::string later = dir_.file("later.log");
    const auto [later_fd, later_ec] = log_file::open_for_append(later, 0640);
    ASSERT_FALSE(later_ec);
    log_files::adopt({{later, later_fd}});
    std::filesystem::rename(later, later + ".moved");
    auto logger = std::make_shared<spdlog::logger>("later", target_sink(later));
    logger->set_pattern("%v");
    logger->info("to the handed descriptor");
    EXPECT_FALSE(std::filesystem::exists(later));
    EXPECT_EQ(lines_of(later + ".moved"), std::vector<std::string>{"to the handed descriptor"});
}

TEST_F(logging_test, level_filters_lower_levels) {
    const std::string file = dir_.file("levels.log");
    setup({.level = "warn", .file = file});
    spdlog::debug("hidden debug");
    spdlog::info("hidden info");
    spdlog::warn("shown warn");
    spdlog::error("shown error");
    const auto lines = lines_of(file);
    ASSERT_EQ(lines.size(), 2U);
    EXPECT_NE(lines[0].find("shown warn"), std::string::npos);
    EXPECT_NE(lines[1].find("shown error"), std::string::npos);
}

TEST_F(logging_test, off_logs_nothing_and_trace_everything) {
    const std::string off = dir_.file("off.log");
    setup({.level = "off", .file = off});
    spdlog::critical("nothing");
    EXPECT_TRUE(lines_of(off).empty());
    const std::string trace = dir_.file("trace.log");
    setup({.level = "trace", .file = trace});
    spdlog::trace("everything");
    EXPECT_EQ(lines_of(trace).size(), 1U);
}

TEST_F(logging_test, reopen_follows_a_renamed_file) {
    const std::string file = dir_.file("app.log");
    const std::string rotated = dir_.file("app.log.1");
    setup({.level = "info", .file = file});
    spdlog::info("before rotation");
    std::filesystem::rename(file, rotated);
    spdlog::info("still to the old file");
    reopen();
    spdlog::info("after rotation");
    const auto old_lines = lines_of(rotated);
    const auto new_lines = lines_of(file);
    ASSERT_EQ(old_lines.size(), 2U);
    EXPECT_NE(old_lines[1].find("still to the old file"), std::string::npos);
    ASSERT_EQ(new_lines.size(), 1U);
    EXPECT_NE(new_lines[0].find("after rotation"), std::string::npos);
}

TEST_F(logging_test, reopen_failure_keeps_the_old_file) {
    const std::string sub = dir_.file("sub");
    std::filesystem::create_directory(sub);
    const std::string file = sub + "/app.log";
    setup({.level = "info", .file = file});
    std::filesystem::rename(sub, dir_.file("moved"));  // the path no longer exists
    stderr_capture capture(dir_.file("stderr.txt"));
    EXPECT_NO_THROW(reopen());
    const auto reported = capture.finish();
    spdlog::info("after failed reopen");
    const auto lines = lines_of(dir_.file("moved") + "/app.log");
    ASSERT_EQ(lines.size(), 2U);
    EXPECT_NE(lines[0].find("[error]"), std::string::npos);
    EXPECT_NE(lines[0].find("cannot reopen log file " + file), std::string::npos) << lines[0];
    EXPECT_NE(lines[1].find("after failed reopen"), std::string::npos);
    ASSERT_EQ(reported.size(), 1U);
    EXPECT_NE(reported[0].find("cannot reopen log file"), std::string::npos);
}

TEST_F(logging_test, reopen_without_a_file_does_nothing) {
    setup({.level = "info", .file = ""});
    EXPECT_NO_THROW(reopen());
}

TEST_F(logging_test, stderr_is_the_default_sink) {
    stderr_capture capture(dir_.file("stderr.txt"));
    setup({.level = "info", .file = ""});
    spdlog::info("to stderr");
    const auto lines = capture.finish();
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_NE(lines[0].find("[info] [" + std::to_string(::getpid()) + "] to stderr"),
              std::string::npos);
    EXPECT_EQ(lines[0].find('\x1b'), std::string::npos);  // no colour codes
}

TEST_F(logging_test, setup_errors_are_start_up_exceptions) {
    EXPECT_THROW(setup({.level = "info", .file = dir_.file("missing-dir/x.log")}),
                 std::runtime_error);
    EXPECT_THROW(setup({.level = "verbose", .file = ""}), std::runtime_error);
    EXPECT_THROW(setup({.level = "info", .file = "", .format = "xml"}), std::runtime_error);
}

// /dev/full accepts the open and fails every write with ENOSPC: a sink failure on demand.
TEST_F(logging_test, a_failing_sink_never_throws_and_is_reported_at_most_once_a_second) {
    setup({.level = "info", .file = "/dev/full"});
    stderr_capture capture(dir_.file("stderr.txt"));
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 200; ++i) EXPECT_NO_THROW(spdlog::info("message {}", i));
    const auto elapsed = std::chrono::steady_clock::now() - start;
    const auto lines = capture.finish();
    ASSERT_FALSE(lines.empty());
    EXPECT_NE(lines[0].find("isapi-fcgi: logging failed: cannot write to log file /dev/full"),
              std::string::npos)
        << lines[0];
    // One report at the start, plus one per full second the loop took.
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(elapsed).count();
    EXPECT_LE(lines.size(), static_cast<std::size_t>(seconds) + 1);
}

}  // namespace
}  // namespace isapi_fcgi::logging
