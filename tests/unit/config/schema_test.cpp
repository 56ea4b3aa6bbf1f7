// The schema tables against the documentation and the shipped example: a key added to a table
// must be documented and shown, and a key documented must exist.
#include "config/schema.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace isapi_fcgi::config {
namespace {

std::string read_text(const char* path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::set<std::string> all_key_paths() {
    std::set<std::string> paths;
    for (const auto& k : global_keys()) paths.insert(std::string(k.path));
    for (const auto& k : pool_keys()) paths.insert("pools[]." + std::string(k.path));
    return paths;
}

TEST(schema, paths_are_unique_and_sections_precede_their_keys) {
    std::set<std::string> seen;
    std::set<std::string> sections;
    for (const auto& k : pool_keys()) {
        const std::string path(k.path);
        EXPECT_TRUE(seen.insert(path).second) << path;
        if (k.store == nullptr) sections.insert(path);
        const auto dot = path.rfind('.');
        if (dot != std::string::npos) {
            EXPECT_EQ(sections.count(path.substr(0, dot)), 1U) << path;
        }
    }
    EXPECT_TRUE(sections.count("limits") == 1 && sections.count("timeouts") == 1);
}

TEST(schema, every_key_is_documented_with_its_default) {
    const std::string doc = read_text(ISAPI_FCGI_CONFIG_DOC);
    ASSERT_FALSE(doc.empty());
    for (const auto& k : global_keys()) {
        EXPECT_NE(doc.find("`" + std::string(k.path) + "`"), std::string::npos) << k.path;
    }
    for (const auto& k : pool_keys()) {
        EXPECT_NE(doc.find("`pools[]." + std::string(k.path) + "`"), std::string::npos) << k.path;
    }
    // And nothing is documented that the schema does not know.
    const std::set<std::string> known = all_key_paths();
    std::istringstream lines(doc);
    int headings = 0;
    for (std::string line; std::getline(lines, line);) {
        if (!line.starts_with("### `")) continue;
        const std::string key = line.substr(5, line.find('`', 5) - 5);
        EXPECT_EQ(known.count(key), 1U) << key;
        ++headings;
    }
    EXPECT_EQ(headings, static_cast<int>(known.size()));
}

TEST(schema, every_key_appears_in_the_example_file) {
    const std::string example = read_text(ISAPI_FCGI_EXAMPLE_CONFIG);
    ASSERT_FALSE(example.empty());
    for (const auto& k : pool_keys()) {
        const std::string path(k.path);
        const std::string leaf = path.substr(path.rfind('.') + 1);
        EXPECT_NE(example.find(leaf + ":"), std::string::npos) << path;
    }
    for (const auto& k : global_keys()) {
        const std::string path(k.path);
        EXPECT_NE(example.find(path.substr(path.rfind('.') + 1) + ":"), std::string::npos) << path;
    }
}

}  // namespace
}  // namespace isapi_fcgi::config
