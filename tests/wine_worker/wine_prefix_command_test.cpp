// `isapi-fcgi wine-prefix`, the install step that makes the pool users' Wine prefixes before the
// first start: it boots the prefix as the pool's user (here: the shared test prefix, already
// made, so wineboot only checks it), refuses a prefix of another user with one line naming the
// pool, and has nothing to do without a `runtime: wine` extension.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "support/deadline.hpp"
#include "support/engine_instance.hpp"
#include "support/temp_dir.hpp"
#include "support/test_process.hpp"

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

struct command_outcome {
    int exit_code = -1;
    std::string output;  ///< stdout and stderr
};

command_outcome run_wine_prefix(const temp_dir& dir, bool with_wine_extension, const std::string& prefix) {
    const auto config = dir.file("prefix.yaml");
    std::ofstream(config) << "allow_root: true\npools:\n  - name: legacy\n    listen: unix:" << dir.file("app.sock").string()
                          << "\n    extensions:\n      - { name: orders, path: " << ISAPI_WINE_DLL_DIR
                          << "/hello.dll, urls: /scripts/orders.dll, runtime: "
                          << (with_wine_extension ? "wine" : "native") << " }\n";
    spawn_options spawn;
    spawn.stdout_path = dir.file("prefix.out");
    spawn.env = {"WINEPREFIX=" + prefix};
    test_process command({engine_instance::binary().string(), "wine-prefix", "--config", config.string()}, spawn);
    const auto end = command.wait(deadline_after(scaled(120s)));
    command_outcome out;
    if (end && end->exited) out.exit_code = end->exit_code;
    out.output = read_file(dir.file("prefix.out"));
    return out;
}

TEST(wine_prefix_command, boots_the_pool_users_prefix_and_says_where) {
    temp_dir dir("isapi-fcgi-wine-prefix");
    const auto out = run_wine_prefix(dir, true, ISAPI_WINE_TEST_PREFIX);
    EXPECT_EQ(out.exit_code, 0) << out.output;
    EXPECT_TRUE(std::regex_search(out.output, std::regex("pool legacy: Wine prefix " ISAPI_WINE_TEST_PREFIX " for uid \\d+")))
        << out.output;
    EXPECT_TRUE(std::regex_search(out.output, std::regex("pool legacy: Wine prefix ready \\([0-9.]+s\\)"))) << out.output;
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(ISAPI_WINE_TEST_PREFIX) / "system.reg"));
}

TEST(wine_prefix_command, refuses_a_prefix_of_another_user_naming_the_pool) {
    temp_dir dir("isapi-fcgi-wine-prefix");
    // A directory this user does not own: one of nobody's when running as root, else "/".
    std::string foreign = "/";
    if (::geteuid() == 0) {
        foreign = dir.file("foreign").string();
        std::filesystem::create_directory(foreign);
        ASSERT_EQ(::chown(foreign.c_str(), 65534, 65534), 0);
    }
    const auto out = run_wine_prefix(dir, true, foreign);
    EXPECT_EQ(out.exit_code, 1) << out.output;
    EXPECT_TRUE(std::regex_search(out.output, std::regex("pool legacy: the Wine prefix .* belongs to uid \\d+, not to "
                                                         "the pool's user")))
        << out.output;
}

TEST(wine_prefix_command, has_nothing_to_do_without_a_wine_extension) {
    temp_dir dir("isapi-fcgi-wine-prefix");
    const auto out = run_wine_prefix(dir, false, dir.file("never").string());
    EXPECT_EQ(out.exit_code, 0) << out.output;
    EXPECT_NE(out.output.find("nothing to do"), std::string::npos) << out.output;
    EXPECT_FALSE(std::filesystem::exists(dir.file("never")));
}

}  // namespace
}  // namespace isapi_fcgi::test
