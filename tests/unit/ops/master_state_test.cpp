#include "ops/master_state.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace isapi_fcgi::ops {
namespace {

TEST(master_state, round_trips_with_the_cause_on_one_line) {
    const master_state state{4321, 3, "failed", "pool app: worker 2 could not start:\nGetExtensionVersion returned FALSE"};
    const auto text = format_master_state(state);
    EXPECT_EQ(text, "pid: 4321\nreloads: 3\nlast_reload: failed\n"
                    "last_reload_error: pool app: worker 2 could not start: GetExtensionVersion returned FALSE\n");
    const auto back = parse_master_state(text);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->pid, 4321);
    EXPECT_EQ(back->reloads, 3U);
    EXPECT_EQ(back->last_reload, "failed");
    EXPECT_EQ(back->last_reload_error, "pool app: worker 2 could not start: GetExtensionVersion returned FALSE");
}

TEST(master_state, needs_a_valid_pid_and_skips_unknown_keys) {
    EXPECT_FALSE(parse_master_state(""));
    EXPECT_FALSE(parse_master_state("pid: 0\n"));
    EXPECT_FALSE(parse_master_state("pid: 12x\nreloads: 1\n"));
    const auto parsed = parse_master_state("future_key: yes\npid: 7\n");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->pid, 7);
    EXPECT_EQ(parsed->last_reload, "none");
}

TEST(master_state, is_replaced_whole_and_leaves_no_temporary_file) {
    const auto dir = std::filesystem::temp_directory_path() / ("isapi-fcgi-state-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto path = (dir / "master.state").string();
    ASSERT_TRUE(write_master_state(path, {11, 0, "none", ""}));
    ASSERT_TRUE(write_master_state(path, {11, 1, "ok", ""}));
    const auto read = read_master_state(path);
    ASSERT_TRUE(read);
    EXPECT_EQ(read->reloads, 1U);
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()), 1);
    EXPECT_FALSE(write_master_state((dir / "missing" / "master.state").string(), {11, 0, "none", ""}));
    EXPECT_FALSE(read_master_state((dir / "missing" / "master.state").string()));
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace isapi_fcgi::ops
