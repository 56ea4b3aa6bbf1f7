// The built isapi-fcgi binary's command line: --check-config on good and bad files, --version,
// --help, and usage errors, checked by exit code and output.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include <filesystem>

#include "test_files.hpp"

extern char** environ;

namespace {

struct outcome {
    int exit_code = -1;  // -1: killed or timed out
    std::string out;
    std::string err;
};

class pipe_pair {
public:
    pipe_pair() {
        if (::pipe2(fds_.data(), O_CLOEXEC) != 0)
            throw std::system_error(errno, std::generic_category());
    }
    ~pipe_pair() {
        close_read();
        close_write();
    }
    pipe_pair(const pipe_pair&) = delete;
    pipe_pair& operator=(const pipe_pair&) = delete;
    int read_end() const { return fds_[0]; }
    int write_end() const { return fds_[1]; }
    void close_read() { close_one(fds_[0]); }
    void close_write() { close_one(fds_[1]); }

private:
    static void close_one(int& fd) {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
    std::array<int, 2> fds_{-1, -1};
};

// Reads both pipes until they close or the deadline passes; true when both closed in time.
bool drain(pipe_pair& out, pipe_pair& err, outcome& result,
           std::chrono::steady_clock::time_point deadline) {
    std::array<pollfd, 2> fds{{{out.read_end(), POLLIN, 0}, {err.read_end(), POLLIN, 0}}};
    std::array<std::string*, 2> sinks{&result.out, &result.err};
    int open_pipes = 2;
    while (open_pipes > 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        if (::poll(fds.data(), fds.size(), static_cast<int>(left.count())) < 0 && errno != EINTR)
            return false;
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            std::array<char, 4096> buffer{};
            const ssize_t n = ::read(fds[i].fd, buffer.data(), buffer.size());
            if (n > 0) {
                sinks[i]->append(buffer.data(), static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                fds[i].fd = -1;
                --open_pipes;
            }
        }
    }
    return true;
}

// Runs the binary with `args`, its stdout and stderr captured, killed if it takes over 20s.
outcome run(const std::vector<std::string>& args) {
    pipe_pair out;
    pipe_pair err;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out.write_end(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err.write_end(), STDERR_FILENO);
    std::vector<std::string> storage{ISAPI_FCGI_BINARY};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& s : storage) argv.push_back(s.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, ISAPI_FCGI_BINARY, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::system_error(rc, std::generic_category(), "posix_spawn");
    out.close_write();
    err.close_write();

    outcome result;
    const bool finished =
        drain(out, err, result, std::chrono::steady_clock::now() + std::chrono::seconds(20));
    if (!finished) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (finished && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    return result;
}

constexpr const char* good_config = R"(
log: { level: info }
pools:
  - name: web
    listen: tcp:127.0.0.1:0
)";

TEST(cli, check_config_accepts_a_good_file) {
    const isapi_fcgi::test::temp_dir dir;
    const std::string path = dir.write("good.yaml", good_config);
    const outcome r = run({"--config", path, "--check-config"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "isapi-fcgi: configuration file " + path + " test is successful\n");
    EXPECT_EQ(r.out, "");
}

TEST(cli, check_config_accepts_the_shipped_example_with_short_options) {
    const outcome r = run({"-t", "-c", ISAPI_FCGI_EXAMPLE_CONFIG});
    // The example's socket lives in /run/isapi-fcgi, which the systemd unit creates
    // (RuntimeDirectory=): the check says so where that directory is missing, and nothing else.
    if (::access("/run/isapi-fcgi", F_OK) != 0) {
        EXPECT_EQ(r.exit_code, 1) << r.err;
        // Named at the line and column of the pool's `listen:` value.
        const std::string listen_key = "    listen: unix:/run/isapi-fcgi/isapi-fcgi.sock";
        std::ifstream example(ISAPI_FCGI_EXAMPLE_CONFIG);
        int line = 0;
        int listen_line = 0;
        for (std::string text; std::getline(example, text);) {
            ++line;
            if (text == listen_key) {
                listen_line = line;
                break;
            }
        }
        ASSERT_GT(listen_line, 0) << "the example has no '" << listen_key << "' line";
        EXPECT_NE(r.err.find(":" + std::to_string(listen_line) +
                             ":13: pool 'default': the directory of socket /run/isapi-fcgi/isapi-fcgi.sock "
                             "does not exist"),
                  std::string::npos)
            << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 2) << r.err;
        return;
    }
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("test is successful"), std::string::npos) << r.err;
}

TEST(cli, check_config_reports_file_line_column_and_fails) {
    const isapi_fcgi::test::temp_dir dir;
    const std::string path =
        dir.write("bad.yaml", "pools:\n  - name: web\n    limits: { max_params_bytes: 12XB }\n");
    const outcome r = run({"--check-config", "--config=" + path});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "isapi-fcgi: " + path +
                         ":3:33: limits.max_params_bytes: '12XB' is not a size (use 65536, 64KiB, "
                         "1MiB)\n");
}

TEST(cli, check_config_names_the_included_file_and_line_of_a_pools_machine_problem) {
    const isapi_fcgi::test::temp_dir dir;
    std::filesystem::create_directory(dir.path() / "conf.d");
    const std::string main_path = dir.write("main.yaml", "include: conf.d/*.yaml\n");
    const std::string socket_dir = (dir.path() / "missing").string();
    const std::string included =
        dir.write("conf.d/web.yaml", "pools:\n  - name: web\n    listen: unix:" + socket_dir + "/web.sock\n");
    const outcome r = run({"-t", "-c", main_path});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "isapi-fcgi: " + included + ":3:13: pool 'web': the directory of socket " + socket_dir +
                         "/web.sock does not exist (create it, e.g. with RuntimeDirectory= in the systemd unit)\n"
                         "isapi-fcgi: configuration file " + main_path + " test failed\n");
}

TEST(cli, check_config_names_the_reg_file_line_of_a_registry_syntax_error) {
    const isapi_fcgi::test::temp_dir dir;
    const std::string good = dir.write("good.reg", "REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\Software\\A]\n\"v\"=dword:1\n");
    const std::string bad = dir.write("bad.reg", "REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\Software\\A]\n\"v\"=dword:xyz\n");
    const std::string listen = "    listen: unix:" + (dir.path() / "web.sock").string() + "\n";
    const std::string ok_path =
        dir.write("ok.yaml", "pools:\n  - name: web\n" + listen + "    registry:\n      files: [" + good + "]\n");
    const outcome ok = run({"--check-config", "--config", ok_path});
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    const std::string path = dir.write(
        "bad.yaml", "pools:\n  - name: web\n" + listen + "    registry:\n      files:\n        - " + good + "\n        - " + bad + "\n");
    const outcome r = run({"--check-config", "--config", path});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find(path + ":7:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(bad + ":4: dword needs 1 to 8 hex digits"), std::string::npos) << r.err;
}

TEST(cli, a_missing_config_file_fails_before_anything_starts) {
    const isapi_fcgi::test::temp_dir dir;
    const std::string path = (dir.path() / "none.yaml").string();
    for (const auto& args : {std::vector<std::string>{"--check-config", "--config", path},
                             std::vector<std::string>{"--config", path}}) {
        const outcome r = run(args);
        EXPECT_EQ(r.exit_code, 1);
        EXPECT_EQ(r.err, "isapi-fcgi: " + path +
                             ": cannot open the configuration file: No such file or directory\n");
    }
}

TEST(cli, a_server_start_up_failure_is_logged_and_exits_1) {
    const isapi_fcgi::test::temp_dir dir;
    const std::string socket = (dir.path() / "no-such-dir" / "x.sock").string();
    const std::string path =
        dir.write("unbindable.yaml", "pools:\n  - listen: unix:" + socket + "\n");
    const outcome r = run({"--config", path});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("[critical]"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("cannot start: unix:" + socket), std::string::npos) << r.err;
}

TEST(cli, version_prints_the_project_version) {
    const outcome r = run({"--version"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, std::string("isapi-fcgi ") + ISAPI_FCGI_EXPECTED_VERSION + "\n");
}

TEST(cli, help_prints_usage_with_the_default_config_path) {
    for (const char* flag : {"--help", "-h"}) {
        const outcome r = run({flag});
        EXPECT_EQ(r.exit_code, 0);
        EXPECT_EQ(r.out.rfind("usage: isapi-fcgi", 0), 0U) << r.out;
        EXPECT_NE(r.out.find("/etc/isapi-fcgi/isapi-fcgi.yaml"), std::string::npos);
        EXPECT_NE(r.out.find("--check-config"), std::string::npos);
        EXPECT_EQ(r.err, "");
    }
}

TEST(cli, unknown_options_and_missing_arguments_exit_2_with_usage) {
    const outcome unknown = run({"--bogus"});
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_EQ(unknown.err.rfind("isapi-fcgi: unknown option '--bogus'\nusage: isapi-fcgi", 0), 0U)
        << unknown.err;
    EXPECT_EQ(unknown.out, "");

    const outcome missing = run({"--config"});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_EQ(missing.err.rfind("isapi-fcgi: --config needs a file name\nusage:", 0), 0U)
        << missing.err;
}

}  // namespace
