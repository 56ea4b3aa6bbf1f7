#include "ops/log_options.hpp"

#include <gtest/gtest.h>

namespace isapi_fcgi::ops {
namespace {

TEST(log_options, carry_every_log_setting) {
    const config::log_settings log{.level = "debug", .file = "/var/log/app.log", .format = "json", .mode = 0600};
    const auto options = logging_options(log);
    EXPECT_EQ(options.level, "debug");
    EXPECT_EQ(options.file, "/var/log/app.log");
    EXPECT_EQ(options.format, "json");
    EXPECT_EQ(options.mode, 0600U);
}

TEST(log_options, defaults_match_the_configuration_defaults) {
    const auto options = logging_options(config::log_settings{});
    const logging::log_options defaults;
    EXPECT_EQ(options.level, defaults.level);
    EXPECT_EQ(options.file, defaults.file);
    EXPECT_EQ(options.format, defaults.format);
    EXPECT_EQ(options.mode, defaults.mode);
}

TEST(log_options, log_file_paths_name_each_file_once_and_skip_the_console) {
    config::settings s;
    EXPECT_TRUE(log_file_paths(s).empty());
    s.log.file = "/var/log/app.log";
    s.access_log = "stderr";
    EXPECT_EQ(log_file_paths(s), std::vector<std::string>{"/var/log/app.log"});
    s.access_log = "/var/log/app.log";
    EXPECT_EQ(log_file_paths(s), std::vector<std::string>{"/var/log/app.log"});
    s.access_log = "/var/log/access.log";
    EXPECT_EQ(log_file_paths(s), (std::vector<std::string>{"/var/log/app.log", "/var/log/access.log"}));
}

}  // namespace
}  // namespace isapi_fcgi::ops
