#include "isapi/path_mapping.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace isapi_fcgi::isapi {
namespace {

using namespace std::string_literals;

std::string mapped(std::string_view root, std::string_view url,
                   const path_mapping_options& options = {}) {
    const auto r = map_url_to_path(root, url, options);
    EXPECT_EQ(r.error, path_mapping_error::none) << url;
    return r.value.path;
}

path_mapping_error error_of(std::string_view root, std::string_view url) {
    return map_url_to_path(root, url).error;
}

TEST(PathMapping, MapsUnderTheRoot) {
    const auto r = map_url_to_path("/srv/www", "/scripts/a.txt");
    ASSERT_EQ(r.error, path_mapping_error::none);
    EXPECT_EQ(r.value.path, "/srv/www/scripts/a.txt");
    EXPECT_EQ(r.value.path.size() + 1, 23u);  // ISAPI.md §5.13: n = 22 + NUL
    EXPECT_EQ(r.value.matching_url_length, 0u);
    EXPECT_EQ(r.value.matching_path_length, 8u);
}

TEST(PathMapping, RootSpellingsAgree) {
    EXPECT_EQ(mapped("/srv/www/", "/a"), "/srv/www/a");
    EXPECT_EQ(mapped("/srv/www//", "/a"), "/srv/www/a");
    EXPECT_EQ(mapped("/", "/a/b"), "/a/b");
    EXPECT_EQ(mapped("/", "/"), "/");
    EXPECT_EQ(mapped("/", ""), "/");
}

TEST(PathMapping, TrailingSlashAndEmptyInput) {
    EXPECT_EQ(mapped("/srv/www", "/scripts/"), "/srv/www/scripts/");
    EXPECT_EQ(mapped("/srv/www", "/"), "/srv/www/");
    EXPECT_EQ(mapped("/srv/www", ""), "/srv/www");
    EXPECT_EQ(mapped("/srv/www", "/a/."), "/srv/www/a/");
}

TEST(PathMapping, DirectoriesGetATrailingSlashWhenTheProbeSaysSo) {
    std::vector<std::string> asked;
    path_mapping_options options;
    options.is_directory = [&](const std::string& p) {
        asked.push_back(p);
        return p == "/srv/www/scripts";
    };
    EXPECT_EQ(mapped("/srv/www", "/scripts", options), "/srv/www/scripts/");
    EXPECT_EQ(mapped("/srv/www", "/scripts/a.txt", options), "/srv/www/scripts/a.txt");
    EXPECT_EQ(mapped("/srv/www", "/scripts/", options), "/srv/www/scripts/");
    EXPECT_EQ(asked, (std::vector<std::string>{"/srv/www/scripts", "/srv/www/scripts/a.txt"}));
}

TEST(PathMapping, RealDirectoryProbe) {
    char tmpl[] = "/tmp/isapi-path-mapping-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    const std::string root = tmpl;
    ASSERT_EQ(::mkdir((root + "/scripts").c_str(), 0700), 0);
    path_mapping_options options;
    options.is_directory = is_existing_directory;
    EXPECT_EQ(mapped(root, "/scripts", options), root + "/scripts/");
    EXPECT_EQ(mapped(root, "/missing", options), root + "/missing");
    EXPECT_FALSE(is_existing_directory(root + "/missing"));
    ::rmdir((root + "/scripts").c_str());
    ::rmdir(root.c_str());
}

TEST(PathMapping, ResolvesDotSegmentsInside) {
    EXPECT_EQ(mapped("/srv/www", "/a/../b"), "/srv/www/b");
    EXPECT_EQ(mapped("/srv/www", "/a/./b//c"), "/srv/www/a/b/c");
    EXPECT_EQ(mapped("/srv/www", "/a/b/.."), "/srv/www/a/");
}

TEST(PathMapping, BackslashesAreSeparators) {
    EXPECT_EQ(mapped("/srv/www", "\\scripts\\a.txt"), "/srv/www/scripts/a.txt");
    EXPECT_EQ(mapped("/srv/www", "/a\\..\\b"), "/srv/www/b");
    EXPECT_EQ(mapped("/srv/www", "/dir\\"), "/srv/www/dir/");
}

TEST(PathMapping, NeverLeavesTheRoot) {
    for (const char* url : {"/..", "/../etc/passwd", "/a/../../etc", "\\..\\..\\etc", "..",
                            "/a/b/../../../x", "/a\\..\\.."}) {
        EXPECT_EQ(error_of("/srv/www", url), path_mapping_error::escapes_root) << url;
    }
}

TEST(PathMapping, RefusesEncodedDotSegments) {
    for (const char* url : {"/%2e%2e/etc", "/a/%2E%2E", "/.%2e/x", "\\%2e%2e\\x", "/%2e/x"}) {
        EXPECT_EQ(error_of("/srv/www", url), path_mapping_error::encoded_dot_segment) << url;
    }
    // Not a dot segment: a literal name.
    EXPECT_EQ(mapped("/srv/www", "/a%2e%2eb"), "/srv/www/a%2e%2eb");
}

TEST(PathMapping, RefusesNulAndMissingRoot) {
    EXPECT_EQ(error_of("/srv/www", "/a\0b"s), path_mapping_error::nul_character);
    EXPECT_EQ(error_of("", "/a"), path_mapping_error::no_document_root);
}

TEST(PathMapping, ApplPhysicalPathEndsWithASlash) {
    EXPECT_EQ(appl_physical_path("/srv/www"), "/srv/www/");
    EXPECT_EQ(appl_physical_path("/srv/www/"), "/srv/www/");
    EXPECT_EQ(appl_physical_path("/"), "/");
    EXPECT_EQ(appl_physical_path(""), "");
}

// Whatever mix of separators and dots comes in, the result is the root or below it.
TEST(PathMapping, RandomInputsStayUnderTheRoot) {
    const std::vector<std::string> pieces = {"/", "\\", "..", ".", "a", "b", "%2e%2e", "%2e",
                                             "%2f", "...", "//", "\\\\", ".a", "..b"};
    std::mt19937 rng(12345);
    std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
    std::uniform_int_distribution<int> length(0, 12);
    int mapped_count = 0;
    for (int i = 0; i < 20000; ++i) {
        std::string url;
        for (int n = length(rng); n > 0; --n) url += pieces[pick(rng)];
        const auto r = map_url_to_path("/srv/www", url);
        if (r.error != path_mapping_error::none) continue;
        ++mapped_count;
        const std::string& p = r.value.path;
        ASSERT_TRUE(p == "/srv/www" || p.starts_with("/srv/www/")) << url << " -> " << p;
        ASSERT_EQ(p.find("/../"), std::string::npos) << url;
        ASSERT_FALSE(p.ends_with("/..")) << url;
        ASSERT_EQ(p.find('\\'), std::string::npos) << url;
    }
    EXPECT_GT(mapped_count, 1000);
}

}  // namespace
}  // namespace isapi_fcgi::isapi
