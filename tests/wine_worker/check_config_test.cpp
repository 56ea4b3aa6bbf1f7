// `isapi-fcgi --check-config` on `runtime: wine` extensions: each DLL that cannot run gives one
// error naming the file, its line and the reason, without starting Wine; usable ones pass.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <regex>

#include "support/deadline.hpp"
#include "support/engine_instance.hpp"
#include "support/temp_dir.hpp"
#include "support/test_process.hpp"

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

const std::filesystem::path dll_dir = ISAPI_WINE_DLL_DIR;

std::string entry(const std::string& name, const std::filesystem::path& path) {
    return "      - { name: " + name + ", path: " + path.string() + ", urls: /scripts/" + name + ".dll, runtime: wine }\n";
}

struct check_outcome {
    int exit_code = -1;
    std::string output;
};

check_outcome run_check(const temp_dir& dir, const std::string& extensions, std::vector<std::string> env = {}) {
    const auto config = dir.file("check.yaml");
    std::ofstream(config) << "allow_root: true\npools:\n  - name: app\n    listen: unix:" << dir.file("app.sock").string()
                          << "\n    extensions:\n"
                          << extensions;
    spawn_options spawn;
    spawn.stdout_path = dir.file("check.out");
    spawn.stderr_path = dir.file("check.log");
    spawn.env = std::move(env);
    spawn.env.push_back("WINEPREFIX=" + dir.file("prefix").string());
    test_process check({engine_instance::binary().string(), "--check-config", "--config", config.string()}, spawn);
    const auto end = check.wait(deadline_after(scaled(60s)));
    check_outcome out;
    if (end && end->exited) out.exit_code = end->exit_code;
    out.output = check.error_output();
    return out;
}

/// A copy of hello.dll whose PE header claims another machine.
std::filesystem::path with_machine(const temp_dir& dir, std::uint16_t machine) {
    std::ifstream in(dll_dir / "hello.dll", std::ios::binary);
    std::ostringstream read;
    read << in.rdbuf();
    std::string bytes = read.str();
    const auto pe = static_cast<unsigned char>(bytes[0x3c]) | (static_cast<unsigned char>(bytes[0x3d]) << 8);
    bytes[static_cast<std::size_t>(pe) + 4] = static_cast<char>(machine & 0xff);
    bytes[static_cast<std::size_t>(pe) + 5] = static_cast<char>(machine >> 8);
    const auto path = dir.file("arm64.dll");
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

void expect_line(const check_outcome& r, const std::string& pattern) {
    EXPECT_TRUE(std::regex_search(r.output, std::regex(pattern))) << "expected /" << pattern << "/ in:\n" << r.output;
}

TEST(wine_config_check, a_usable_dll_passes) {
    temp_dir dir("isapi-fcgi-wine-check");
    const auto r = run_check(dir, entry("hello", dll_dir / "hello.dll"));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("test is successful"), std::string::npos) << r.output;
}

TEST(wine_config_check, each_unusable_dll_is_named_with_its_line_and_reason) {
    temp_dir dir("isapi-fcgi-wine-check");
    const auto text = dir.file("notes.dll");
    std::ofstream(text) << "not a DLL at all\n";
    const auto r = run_check(dir, entry("hello", dll_dir / "hello.dll") +            // line 6
                                      entry("noproc", dll_dir / "noproc.dll") +      // line 7
                                      entry("notes", text) +                         // line 8
                                      entry("linux", ISAPI_LINUX_SO) +               // line 9
                                      entry("arm", with_machine(dir, 0xaa64)));      // line 10
    EXPECT_EQ(r.exit_code, 1) << r.output;
    expect_line(r, ":7:9: pool 'app': extension 'noproc' \\(.*noproc\\.dll\\) cannot be loaded: it does not export "
                   "HttpExtensionProc");
    expect_line(r, ":8:9: pool 'app': extension 'notes' \\(.*notes\\.dll\\) cannot be loaded: not a PE file: no MZ header");
    expect_line(r, ":9:9: pool 'app': extension 'linux' \\(.*hello\\.so\\) cannot be loaded: not a PE file");
    expect_line(r, ":10:9: pool 'app': extension 'arm' \\(.*arm64\\.dll\\) cannot be loaded: it is built for machine "
                   "0xaa64, and only i386 and amd64 DLLs have a Windows worker");
    EXPECT_EQ(r.output.find("'hello'"), std::string::npos) << r.output;
}

TEST(wine_config_check, a_missing_wine_is_named) {
    temp_dir dir("isapi-fcgi-wine-check");
    const auto r = run_check(dir, entry("hello", dll_dir / "hello.dll"), {"ISAPI_FCGI_WINE=" + dir.file("no-wine").string()});
    EXPECT_EQ(r.exit_code, 1) << r.output;
    expect_line(r, "extension 'hello' \\(.*hello\\.dll\\) cannot be loaded: ISAPI_FCGI_WINE names .*no-wine, which is "
                   "not an executable");
}

TEST(wine_config_check, a_prefix_owned_by_another_user_is_refused) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to give the prefix to another user";
    temp_dir dir("isapi-fcgi-wine-check");
    std::filesystem::create_directory(dir.file("prefix"));
    ASSERT_EQ(::chown(dir.file("prefix").c_str(), 65534, 65534), 0);
    const auto r = run_check(dir, entry("hello", dll_dir / "hello.dll"));
    EXPECT_EQ(r.exit_code, 1) << r.output;
    expect_line(r, "extension 'hello' \\(.*hello\\.dll\\) cannot be loaded: the Wine prefix .*prefix belongs to uid "
                   "65534, not to the pool's user \\(uid 0\\)");
}

}  // namespace
}  // namespace isapi_fcgi::test
