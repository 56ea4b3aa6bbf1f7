// The top-level `include`: further files of pools, as php-fpm's pool.d/ (config_sources.hpp).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "config/config_sources.hpp"
#include "config/effective_config.hpp"
#include "config/loader.hpp"
#include "test_files.hpp"

namespace isapi_fcgi::config {
namespace {

std::string pool_file(const std::string& name, const std::string& socket) {
    return "pools:\n  - name: " + name + "\n    listen: unix:/run/isapi-fcgi/" + socket + ".sock\n";
}

std::vector<std::string> pool_names(const settings& s) {
    std::vector<std::string> names;
    for (const auto& p : s.pools) names.push_back(p.name);
    return names;
}

class include_test : public ::testing::Test {
protected:
    test::temp_dir dir;
    std::string conf_d() const { return (dir.path() / "conf.d").string(); }
    void SetUp() override { std::filesystem::create_directory(conf_d()); }
    std::string main_file(const std::string& text) const { return dir.write("isapi-fcgi.yaml", text); }
    void included(const std::string& name, const std::string& text) const { dir.write("conf.d/" + name, text); }
    // The config_error of loading `path`; fails the test when it loads.
    config_error load_error(const std::string& path) const {
        try {
            load_file(path);
        } catch (const config_error& e) {
            return e;
        }
        ADD_FAILURE() << path << " loaded";
        return config_error(path, "loaded");
    }
};

TEST_F(include_test, pools_come_from_the_main_file_then_the_included_ones_in_byte_order) {
    // "B" < "a" < "b10" < "b9" in bytes, whatever the locale's collation says.
    included("b9.yaml", pool_file("b9", "b9"));
    included("a.yaml", pool_file("a", "a"));
    included("B.yaml", pool_file("upper_b", "upper-b"));
    included("b10.yaml", pool_file("b10", "b10") + "  - name: b10-second\n    listen: unix:/run/x/b10-2.sock\n");
    included("ignored.yaml.example", pool_file("example", "example"));
    const auto path = main_file("include: conf.d/*.yaml\n" + pool_file("main", "main"));
    const settings s = load_file(path);
    EXPECT_EQ(pool_names(s), (std::vector<std::string>{"main", "upper_b", "a", "b10", "b10-second", "b9"}));
    EXPECT_EQ(s.pools[0].source, path);
    EXPECT_EQ(s.pools[2].source, conf_d() + "/a.yaml");
    EXPECT_EQ(s.pools[2].line, 2);
    EXPECT_EQ(s.pools[4].source, conf_d() + "/b10.yaml");
    EXPECT_EQ(s.pools[4].line, 4);
    EXPECT_EQ(s.include, (std::vector<std::string>{"conf.d/*.yaml"}));
    EXPECT_EQ(s.included_files, (std::vector<std::string>{conf_d() + "/B.yaml", conf_d() + "/a.yaml",
                                                          conf_d() + "/b10.yaml", conf_d() + "/b9.yaml"}));
}

TEST_F(include_test, a_list_of_patterns_absolute_or_relative_in_the_order_written_each_file_once) {
    included("z.yaml", pool_file("z", "z"));
    included("a.conf", pool_file("a", "a"));
    const auto path = main_file("include:\n  - " + conf_d() + "/*.yaml\n  - conf.d/*\n");
    EXPECT_EQ(pool_names(load_file(path)), (std::vector<std::string>{"z", "a"}));
}

TEST_F(include_test, the_main_file_may_hold_no_pools_but_some_file_must) {
    const auto path = main_file("log: {level: warn}\ninclude: conf.d/*.yaml\n");
    const auto none = load_error(path);
    EXPECT_EQ(none.reason(), "no pools defined (the include patterns match no file)");
    included("only.yaml", pool_file("only", "only"));
    EXPECT_EQ(pool_names(load_file(path)), (std::vector<std::string>{"only"}));
}

TEST_F(include_test, a_duplicate_pool_name_across_files_names_both_places) {
    included("a.yaml", pool_file("web", "a"));
    included("b.yaml", "# the same name again\n" + pool_file("web", "b"));
    const auto path = main_file("include: conf.d/*.yaml\n");
    const auto e = load_error(path);
    EXPECT_EQ(e.source(), conf_d() + "/b.yaml");
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.column(), 11);
    EXPECT_EQ(e.reason(), "duplicate pool name 'web' (first defined at " + conf_d() + "/a.yaml:2:11)");
}

TEST_F(include_test, a_duplicate_listen_address_across_files_points_into_the_included_file) {
    included("a.yaml", pool_file("other", "main"));
    const auto path = main_file("include: conf.d/*.yaml\n" + pool_file("main", "main"));
    const auto e = load_error(path);
    EXPECT_EQ(e.source(), conf_d() + "/a.yaml");
    EXPECT_EQ(e.line(), 3);
}

TEST_F(include_test, errors_inside_an_included_file_name_that_file_and_line) {
    included("bad.yaml", "pools:\n  - name: bad\n    workers: many\n");
    const auto e = load_error(main_file("include: conf.d/*.yaml\n" + pool_file("main", "main")));
    EXPECT_EQ(e.source(), conf_d() + "/bad.yaml");
    EXPECT_EQ(e.line(), 3);
    EXPECT_NE(e.reason().find("workers"), std::string::npos) << e.what();

    included("bad.yaml", "pools: [\n");
    EXPECT_EQ(load_error(main_file("include: conf.d/*.yaml\n")).source(), conf_d() + "/bad.yaml");
}

TEST_F(include_test, an_included_file_sets_pools_only) {
    included("a.yaml", "log:\n  level: debug\n" + pool_file("a", "a"));
    const auto path = main_file("include: conf.d/*.yaml\n");
    const auto e = load_error(path);
    EXPECT_EQ(e.source(), conf_d() + "/a.yaml");
    EXPECT_EQ(e.line(), 1);
    EXPECT_EQ(e.reason(), "unknown key 'log' in an included file (it may set pools only; the rest belongs in " +
                              path + ")");
    // No nested includes either.
    included("a.yaml", "include: /etc/*.yaml\n");
    EXPECT_NE(load_error(path).reason().find("unknown key 'include' in an included file"), std::string::npos);
}

TEST_F(include_test, a_missing_directory_is_an_error_at_the_pattern_an_empty_one_is_not) {
    const auto path = main_file("pools: []\ninclude:\n  - conf.d/*.yaml\n  - missing.d/*.yaml\n");
    const auto e = load_error(path);
    EXPECT_EQ(e.source(), path);
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.column(), 5);
    EXPECT_EQ(e.reason(), "include: the directory " + (dir.path() / "missing.d").string() +
                              " does not exist (create it, or remove the pattern)");
    // A pattern without wildcards names one file, which must exist.
    const auto single = main_file("include: conf.d/web.yaml\n");
    EXPECT_EQ(load_error(single).reason(), "include: the file " + conf_d() + "/web.yaml does not exist");
    included("web.yaml", pool_file("web", "web"));
    EXPECT_EQ(pool_names(load_file(single)), (std::vector<std::string>{"web"}));
}

TEST_F(include_test, a_pattern_matching_the_main_file_is_refused) {
    const auto path = main_file("include: '*.yaml'\n" + pool_file("main", "main"));
    const auto e = load_error(path);
    EXPECT_EQ(e.line(), 1);
    EXPECT_NE(e.reason().find("matches the main configuration file itself"), std::string::npos) << e.what();
}

TEST_F(include_test, workers_parse_the_masters_texts_not_the_directory_as_it_is_now) {
    included("a.yaml", pool_file("a", "a"));
    const auto path = main_file("include: conf.d/*.yaml\n" + pool_file("main", "main"));
    const std::string bundle = serialize(read_sources(path));
    // Changed after the master read them: the hand-over still says what the master checked.
    included("a.yaml", pool_file("changed", "a"));
    included("b.yaml", pool_file("b", "b"));
    std::filesystem::remove(path);
    const settings s = load_sources(deserialize(bundle));
    EXPECT_EQ(pool_names(s), (std::vector<std::string>{"main", "a"}));
    EXPECT_EQ(s.pools[1].source, conf_d() + "/a.yaml");
    EXPECT_THROW(deserialize("not a bundle"), config_error);
    EXPECT_THROW(deserialize(bundle.substr(0, bundle.size() - 3)), config_error);
}

TEST_F(include_test, the_effective_configuration_holds_every_files_pools_and_says_where_from) {
    included("a.yaml", pool_file("a", "a"));
    const auto path = main_file("include: conf.d/*.yaml\n" + pool_file("main", "main"));
    const std::string yaml = effective_yaml(load_file(path));
    EXPECT_NE(yaml.find("# pools from " + conf_d() + "/a.yaml: a\n"), std::string::npos) << yaml;
    EXPECT_EQ(yaml.find("include:"), std::string::npos) << yaml;
    // Read back on its own it is the same pools, without the include.
    const settings again = load_string(yaml, (dir.path() / "effective.yaml").string());
    EXPECT_EQ(pool_names(again), (std::vector<std::string>{"main", "a"}));
}

}  // namespace
}  // namespace isapi_fcgi::config
