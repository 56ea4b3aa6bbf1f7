#include "isapi/url_map.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <stdexcept>

#include "params.hpp"

namespace isapi_fcgi::isapi {
namespace {

using test::make_params;

class UrlMapTest : public ::testing::Test {
protected:
    UrlMapTest() {
        map_.add("/scripts/app.dll", 0);
        map_.add("/scripts", 1);
        map_.add("/other/tool.dll", 2);
    }

    url_map_result by_uri(std::string_view uri) const { return map_.map(uri, "", ""); }

    url_map map_;
};

void expect_match(const url_map_result& r, std::size_t extension, std::string_view script_name,
                  std::string_view path_info) {
    ASSERT_EQ(r.status, url_map_status::matched) << r.reason;
    EXPECT_EQ(r.match.extension, extension);
    EXPECT_EQ(r.match.script_name, script_name);
    EXPECT_EQ(r.match.path_info, path_info);
}

TEST_F(UrlMapTest, MatchesOnWholeSegmentsAndSplitsPathInfo) {
    const auto r = by_uri("/scripts/app.dll/a/b?x=1");
    expect_match(r, 0, "/scripts/app.dll", "/a/b");
    EXPECT_TRUE(r.match.from_request_uri);
    EXPECT_EQ(r.match.url(), "/scripts/app.dll/a/b");
}

TEST_F(UrlMapTest, APartialSegmentIsNotTheExtension) {
    // "/scripts" answers too, so the longer spelling lands there, with the rest as PATH_INFO.
    expect_match(by_uri("/scripts/app.dllx"), 1, "/scripts", "/app.dllx");
    EXPECT_EQ(by_uri("/other/tool.dllx").status, url_map_status::not_found);
    EXPECT_EQ(by_uri("/other/tool.dl").status, url_map_status::not_found);
    EXPECT_EQ(by_uri("/other").status, url_map_status::not_found);
    EXPECT_EQ(by_uri("/scriptsx/app.dll").status, url_map_status::not_found);
}

TEST_F(UrlMapTest, ExactPathHasEmptyPathInfoAndTrailingSlashGivesSlash) {
    expect_match(by_uri("/scripts/app.dll"), 0, "/scripts/app.dll", "");
    expect_match(by_uri("/scripts/app.dll?q"), 0, "/scripts/app.dll", "");
    expect_match(by_uri("/scripts/app.dll/"), 0, "/scripts/app.dll", "/");
    expect_match(by_uri("/scripts/app.dll/a/"), 0, "/scripts/app.dll", "/a/");
}

TEST_F(UrlMapTest, LongestConfiguredPathWins) {
    expect_match(by_uri("/scripts/app.dll/x"), 0, "/scripts/app.dll", "/x");
    expect_match(by_uri("/scripts/other.dll/x"), 1, "/scripts", "/other.dll/x");
}

TEST_F(UrlMapTest, MixedCaseMatchesAndKeepsTheClientsSpelling) {
    const auto r = by_uri("/SCRIPTS/App.DLL/Some/Path");
    expect_match(r, 0, "/SCRIPTS/App.DLL", "/Some/Path");
    EXPECT_EQ(r.match.raw_script_name, "/SCRIPTS/App.DLL");
}

TEST(UrlMap, CaseSensitiveWhenConfigured) {
    url_map map({.case_sensitive = true});
    map.add("/scripts/app.dll", 0);
    EXPECT_EQ(map.map("/Scripts/app.dll", "", "").status, url_map_status::not_found);
    EXPECT_EQ(map.map("/scripts/app.dll", "", "").status, url_map_status::matched);
}

TEST_F(UrlMapTest, MatchesTheDecodedPathAndKeepsTheRawSpellingAside) {
    const auto r = by_uri("/scripts/app%2Edll/a%20b/%C3%A9");
    expect_match(r, 0, "/scripts/app.dll", "/a b/\xC3\xA9");
    EXPECT_EQ(r.match.raw_script_name, "/scripts/app%2Edll");
}

TEST_F(UrlMapTest, ResolvesDotSegmentsPlainOrEncoded) {
    expect_match(by_uri("/x/../scripts/app.dll/p"), 0, "/scripts/app.dll", "/p");
    expect_match(by_uri("/x/%2e%2e/scripts/app.dll/p"), 0, "/scripts/app.dll", "/p");
    expect_match(by_uri("/x/.%2E/scripts/./app.dll/p"), 0, "/scripts/app.dll", "/p");
    expect_match(by_uri("/scripts/app.dll/a/../b"), 0, "/scripts/app.dll", "/b");
    expect_match(by_uri("/scripts/app.dll/a/.."), 0, "/scripts/app.dll", "/");
}

TEST_F(UrlMapTest, DotSegmentsAboveTheRootStayAtTheRoot) {
    expect_match(by_uri("/../../scripts/app.dll/p"), 0, "/scripts/app.dll", "/p");
    expect_match(by_uri("/%2e%2e/%2e%2e/scripts/app.dll"), 0, "/scripts/app.dll", "");
    // Climbing out of the script leaves it: nothing of the extension's is reached.
    EXPECT_EQ(by_uri("/other/tool.dll/%2e%2e/%2e%2e/etc/passwd").status, url_map_status::not_found);
}

TEST_F(UrlMapTest, MergesEmptySegments) {
    expect_match(by_uri("//scripts//app.dll//a///b"), 0, "/scripts/app.dll", "/a/b");
}

TEST_F(UrlMapTest, EncodedSlashInTheScriptPartIsABadRequest) {
    for (const char* uri : {"/scripts%2Fapp.dll/x", "/scripts%2fapp.dll", "/other%2Ftool.dll"}) {
        const auto r = by_uri(uri);
        EXPECT_EQ(r.status, url_map_status::bad_request) << uri;
        EXPECT_FALSE(r.reason.empty());
    }
}

TEST_F(UrlMapTest, EncodedSlashInPathInfoIsDecoded) {
    expect_match(by_uri("/scripts/app.dll/a%2Fb"), 0, "/scripts/app.dll", "/a/b");
}

TEST_F(UrlMapTest, EncodedSeparatorsCannotSmuggleDotSegmentsIntoPathInfo) {
    EXPECT_EQ(by_uri("/scripts/app.dll/a%2F..%2F..%2Fetc").status, url_map_status::bad_request);
    EXPECT_EQ(by_uri("/scripts/app.dll/..%5C..%5Cwindows").status, url_map_status::bad_request);
    EXPECT_EQ(by_uri("/scripts/app.dll/x\\..\\y").status, url_map_status::bad_request);
}

TEST_F(UrlMapTest, EncodedNulAnywhereInThePathIsABadRequest) {
    EXPECT_EQ(by_uri("/scripts/app.dll%00.txt").status, url_map_status::bad_request);
    EXPECT_EQ(by_uri("/scripts/app.dll/a%00b").status, url_map_status::bad_request);
    EXPECT_EQ(by_uri("/unmapped/%00").status, url_map_status::bad_request);
}

TEST_F(UrlMapTest, InvalidEscapesAreABadRequest) {
    EXPECT_EQ(by_uri("/scripts/app.dll/%zz").status, url_map_status::bad_request);
    EXPECT_EQ(by_uri("/scripts/app.dll/%4").status, url_map_status::bad_request);
}

TEST_F(UrlMapTest, TheQueryIsNeverDecodedOrInspected) {
    expect_match(by_uri("/scripts/app.dll/p?a=%2F&b=%00&c=%zz"), 0, "/scripts/app.dll", "/p");
}

TEST_F(UrlMapTest, AbsoluteFormTargetsUseTheirPath) {
    expect_match(by_uri("http://example.com/scripts/app.dll/p?x"), 0, "/scripts/app.dll", "/p");
    expect_match(by_uri("HTTPS://example.com:8443/Scripts/App.dll"), 0, "/Scripts/App.dll", "");
}

TEST_F(UrlMapTest, NonPathTargetsAreNotFound) {
    EXPECT_EQ(by_uri("*").status, url_map_status::not_found);
    EXPECT_EQ(map_.map("", "", "").status, url_map_status::not_found);
}

TEST_F(UrlMapTest, WithoutRequestUriUsesNginxSplitScriptNameAndPathInfo) {
    const auto r = map_.map(std::nullopt, "/scripts/app.dll", "/a/b");
    expect_match(r, 0, "/scripts/app.dll", "/a/b");
    EXPECT_FALSE(r.match.from_request_uri);
}

TEST_F(UrlMapTest, WithoutRequestUriUsesApacheWholePathScriptName) {
    expect_match(map_.map(std::nullopt, "/scripts/app.dll/a/b", ""), 0, "/scripts/app.dll", "/a/b");
    // Some Apache setups repeat PATH_INFO at the end of SCRIPT_NAME.
    expect_match(map_.map(std::nullopt, "/scripts/app.dll/a/b", "/a/b"), 0, "/scripts/app.dll",
                 "/a/b");
}

TEST_F(UrlMapTest, DecodedFrontEndValuesAreNotDecodedTwice) {
    expect_match(map_.map(std::nullopt, "/scripts/app.dll", "/50%/a%2Fb"), 0, "/scripts/app.dll",
                 "/50%/a%2Fb");
}

TEST_F(UrlMapTest, ARewrittenRequestFallsBackToScriptName) {
    const auto r = map_.map("/pretty/x?y=1", "/scripts/app.dll", "/x");
    expect_match(r, 0, "/scripts/app.dll", "/x");
    EXPECT_FALSE(r.match.from_request_uri);
}

TEST_F(UrlMapTest, ABadRequestUriIsFinal) {
    EXPECT_EQ(map_.map("/scripts/app.dll/%00", "/scripts/app.dll", "/").status,
              url_map_status::bad_request);
}

TEST_F(UrlMapTest, ReadsTheParams) {
    const auto params = make_params({{"SCRIPT_NAME", "/scripts/app.dll"},
                                     {"REQUEST_URI", "/Scripts/App.dll/a%20b?x=1"},
                                     {"PATH_INFO", ""}});
    const auto r = map_.map(params);
    expect_match(r, 0, "/Scripts/App.dll", "/a b");
    EXPECT_TRUE(r.match.from_request_uri);
}

// nginx keeps REQUEST_URI across X-Accel-Redirect and error_page; DOCUMENT_URI says what is served.
TEST_F(UrlMapTest, AnInternalRedirectIsMappedByDocumentUri) {
    const auto redirected = make_params({{"SCRIPT_NAME", "/other/b.dll"},
                                         {"DOCUMENT_URI", "/other/b.dll"},
                                         {"REQUEST_URI", "/Scripts/App.dll/x?y=1"},
                                         {"PATH_INFO", ""}});
    auto r = map_.map(redirected);
    EXPECT_EQ(r.status, url_map_status::not_found);
    EXPECT_FALSE(r.match.from_request_uri);
    const auto same = make_params({{"SCRIPT_NAME", "/Scripts/App.dll"},
                                   {"DOCUMENT_URI", "/Scripts/App.dll/a b/"},
                                   {"REQUEST_URI", "/Scripts//App.dll/./a%20b/?x=1"},
                                   {"PATH_INFO", "/a b/"}});
    r = map_.map(same);
    expect_match(r, 0, "/Scripts/App.dll", "/a b/");
    EXPECT_TRUE(r.match.from_request_uri);
    const auto encoded = make_params({{"SCRIPT_NAME", "/Scripts/App.dll"},
                                      {"DOCUMENT_URI", "/Scripts/App.dll/a%20b"},
                                      {"REQUEST_URI", "/Scripts/App.dll/a%20b?x=1"}});
    EXPECT_TRUE(map_.map(encoded).match.from_request_uri);
}

// The common case skips normalising: a plain REQUEST_URI path that differs from DOCUMENT_URI
// (no '%', no dot or empty segment) is a redirect even when it differs only in case or slash.
TEST_F(UrlMapTest, APlainRequestUriDifferingFromDocumentUriIsARedirect) {
    const auto plain_same = make_params({{"SCRIPT_NAME", "/scripts/app.dll"},
                                         {"DOCUMENT_URI", "/Scripts/App.dll/x/"},
                                         {"REQUEST_URI", "/Scripts/App.dll/x/?q"}});
    EXPECT_TRUE(map_.map(plain_same).match.from_request_uri);
    const auto case_differs = make_params({{"SCRIPT_NAME", "/scripts/app.dll"},
                                           {"DOCUMENT_URI", "/scripts/app.dll/x"},
                                           {"REQUEST_URI", "/Scripts/App.dll/x"}});
    const auto r = map_.map(case_differs);
    expect_match(r, 0, "/scripts/app.dll", "");
    EXPECT_FALSE(r.match.from_request_uri);
    const auto slash_differs = make_params({{"SCRIPT_NAME", "/scripts/app.dll"},
                                            {"DOCUMENT_URI", "/scripts/app.dll/x"},
                                            {"REQUEST_URI", "/scripts/app.dll/x/"}});
    EXPECT_FALSE(map_.map(slash_differs).match.from_request_uri);
}

// Paths beyond the inline capacities (16 segments, 256 bytes) take the allocating path and must
// map exactly as short ones do.
TEST_F(UrlMapTest, LongAndDeepPathsMapAsShortOnesDo) {
    std::string deep_info;
    for (int i = 0; i < 40; ++i) deep_info += "/s" + std::to_string(i);
    auto r = by_uri("/SCRIPTS/App.dll" + deep_info + "?x");
    expect_match(r, 0, "/SCRIPTS/App.dll", deep_info);
    EXPECT_EQ(r.match.raw_script_name, "/SCRIPTS/App.dll");

    const std::string long_segment(400, 'L');
    r = by_uri("/scripts/app.dll/" + long_segment + "/%41%2e/./../b");
    expect_match(r, 0, "/scripts/app.dll", "/" + long_segment + "/b");

    std::string deep_encoded = "/scripts";
    for (int i = 0; i < 30; ++i) deep_encoded += "/%61" + std::to_string(i);
    r = by_uri(deep_encoded + "/..");
    std::string expected_info;
    for (int i = 0; i < 29; ++i) expected_info += "/a" + std::to_string(i);
    expect_match(r, 1, "/scripts", expected_info + "/");
}

TEST_F(UrlMapTest, EncodedAndPlainSegmentsMixKeepingTheirRawSpelling) {
    const auto r = by_uri("/Scr%69pts/app.dll/%7Euser/x");
    expect_match(r, 0, "/Scripts/app.dll", "/~user/x");
    EXPECT_EQ(r.match.raw_script_name, "/Scr%69pts/app.dll");
}

// A plain path (no '%', no empty or dot segment) has its parts cut from it; any other spelling
// rebuilds them from its segments. Each URL goes through both: the plain spelling and one with a
// "." segment added (and once more with "//"), which must land exactly where the plain one does.
TEST(UrlMap, PlainPathsCutFromThePathDecideAsRebuiltOnesDo) {
    url_map map;
    map.add("/scripts/app.dll", 0);
    map.add("/scripts", 1);
    map.add("/", 2);
    map.add("/a/b/c.dll", 3);
    map.add_script_map("*.isa", "/w", {}, 4);
    url_map exact({.case_sensitive = true});
    exact.add("/Scripts/App.dll", 0);
    exact.add_script_map("*.ISA", "/", {"GET"}, 1);
    const std::string_view table[] = {
        "/scripts/app.dll", "/SCRIPTS/App.DLL", "/scripts/app.dll/", "/scripts/app.dll/x/y", "/scripts/app.dll/x/",
        "/scripts/app.dllx", "/scripts", "/scripts/", "/Scripts/other", "/", "/x", "/x/", "/a/b/c.dll/d",
        "/a/b/c.dl", "/a/b", "/w/shop/cart.isa/more", "/w/cart.ISA", "/w/cart.isa/", "/w/x.isb",
        "/Scripts/App.dll/z", "/scripts/App.dll", "/q/t.ISA/p", "/scripts/app.dll/a\\..\\b",
        "/scripts/app.dll/..\\x",
    };
    for (const url_map* m : {&map, &exact}) {
        for (const std::string_view url : table) {
            const std::string with_dot = "/." + std::string(url);
            const std::string with_empty = "/" + std::string(url);
            const url_map_result plain = m->map(url, "", "", "GET");
            for (const std::string& rebuilt_url : {with_dot, with_empty}) {
                const url_map_result rebuilt = m->map(rebuilt_url, "", "", "GET");
                SCOPED_TRACE(std::string(url) + " vs " + rebuilt_url);
                ASSERT_EQ(plain.status, rebuilt.status);
                EXPECT_EQ(plain.reason, rebuilt.reason);
                if (plain.status != url_map_status::matched) continue;
                EXPECT_EQ(plain.match.extension, rebuilt.match.extension);
                EXPECT_EQ(plain.match.script_name, rebuilt.match.script_name);
                EXPECT_EQ(plain.match.raw_script_name, rebuilt.match.raw_script_name);
                EXPECT_EQ(plain.match.path_info, rebuilt.match.path_info);
                EXPECT_EQ(plain.match.script_mapped, rebuilt.match.script_mapped);
                EXPECT_EQ(plain.match.path, rebuilt.match.path);
                EXPECT_EQ(plain.match.url(), rebuilt.match.url());
            }
        }
    }
}

TEST(UrlMap, RootAnswersEverything) {
    url_map map;
    map.add("/", 7);
    auto r = map.map("/", "", "");
    expect_match(r, 7, "", "/");
    r = map.map("/any/thing", "", "");
    expect_match(r, 7, "", "/any/thing");
}

TEST(UrlMap, ConfiguredPathsAreNormalised) {
    url_map map;
    map.add("/scripts//./app.dll/", 3);
    expect_match(map.map("/scripts/app.dll/x", "", ""), 3, "/scripts/app.dll", "/x");
}

TEST(UrlMap, RejectsBadConfiguredPaths) {
    url_map map;
    map.add("/scripts/app.dll", 0);
    EXPECT_THROW(map.add("scripts/app.dll", 1), std::invalid_argument);
    EXPECT_THROW(map.add("", 1), std::invalid_argument);
    EXPECT_THROW(map.add("/a%20b", 1), std::invalid_argument);
    EXPECT_THROW(map.add("/a\\b", 1), std::invalid_argument);
    EXPECT_THROW(map.add("/SCRIPTS/APP.DLL/", 1), std::invalid_argument);  // same path, any case
    url_map sensitive({.case_sensitive = true});
    sensitive.add("/a", 0);
    EXPECT_NO_THROW(sensitive.add("/A", 1));
}

}  // namespace
}  // namespace isapi_fcgi::isapi

namespace isapi_fcgi::isapi {
namespace {

// IIS script maps (ISAPI.md §3.4, PATH_INFO row): SCRIPT_NAME ends at the mapped file, and PATH_INFO
// is the whole URL unless AllowPathInfoForScriptMappings is set.
class ScriptMapTest : public ::testing::Test {
protected:
    static url_map with_maps(bool allow_path_info) {
        url_map map(url_map_options{false, allow_path_info});
        map.add("/shop/direct.dll", 0);
        map.add_script_map("*.isa", "/shop", {"GET", "POST"}, 1);
        map.add_script_map("*.isa", "/shop/special", {}, 2);
        map.add_script_map("*", "/files", {}, 4);
        map.add_script_map("*", "/files/inner", {}, 5);
        map.add_script_map("*.isa", "/", {}, 6);
        return map;
    }
};

TEST_F(ScriptMapTest, AFileExtensionMapEndsTheScriptAtTheMappedFile) {
    const auto map = with_maps(false);
    auto r = map.map("/Shop/Cart.ISA/items/3?x=1", "", "", "GET");
    ASSERT_EQ(r.status, url_map_status::matched);
    EXPECT_EQ(r.match.extension, 1u);
    EXPECT_EQ(r.match.script_name, "/Shop/Cart.ISA");
    EXPECT_EQ(r.match.path_info, "/Shop/Cart.ISA/items/3");  // IIS: the whole URL
    EXPECT_EQ(r.match.url(), "/Shop/Cart.ISA/items/3");
    EXPECT_TRUE(r.match.script_mapped);
    // The first mapped segment from the left is the script.
    r = map.map("/shop/a.isa/b.isa", "", "", "GET");
    EXPECT_EQ(r.match.script_name, "/shop/a.isa");
}

TEST_F(ScriptMapTest, AllowPathInfoForScriptMappingsSplitsAsCgiDoes) {
    const auto map = with_maps(true);
    const auto r = map.map("/shop/cart.isa/items/3", "", "", "GET");
    ASSERT_EQ(r.status, url_map_status::matched);
    EXPECT_EQ(r.match.script_name, "/shop/cart.isa");
    EXPECT_EQ(r.match.path_info, "/items/3");
    EXPECT_EQ(r.match.url(), "/shop/cart.isa/items/3");
}

TEST_F(ScriptMapTest, UrlsWinThenWildcardsThenFileExtensionsTheLongestPrefixFirst) {
    const auto map = with_maps(false);
    EXPECT_EQ(map.map("/shop/direct.dll/x.isa", "", "", "GET").match.extension, 0u);
    EXPECT_EQ(map.map("/shop/special/a.isa", "", "", "DELETE").match.extension, 2u);
    // Verbs not listed fall through to the next map; so do URLs outside the prefix.
    EXPECT_EQ(map.map("/shop/a.isa", "", "", "DELETE").match.extension, 6u);
    EXPECT_EQ(map.map("/other/a.isa", "", "", "GET").match.extension, 6u);
    EXPECT_EQ(map.map("/shopping/a.isa", "", "", "GET").match.extension, 6u);  // whole segments
    const auto files = map.map("/files/a/b.txt", "", "", "GET");
    EXPECT_EQ(files.match.extension, 4u);
    EXPECT_EQ(files.match.script_name, "/files/a/b.txt");
    EXPECT_EQ(files.match.path_info, "/files/a/b.txt");
    // The wildcard intercepts mapped file extensions too, as IIS's wildcard application maps do.
    EXPECT_EQ(map.map("/files/a.isa", "", "", "GET").match.extension, 4u);
    EXPECT_EQ(map.map("/files/inner/a.isa", "", "", "GET").match.extension, 5u);
    // ".isa" alone is not a file with that extension.
    EXPECT_EQ(map.map("/x/.isa", "", "", "GET").status, url_map_status::not_found);
}

// HSE_EXEC_URL_IGNORE_CURRENT_INTERCEPTOR: the URL goes where it would without that extension.
TEST_F(ScriptMapTest, SkippingAnExtensionFindsTheNextHandler) {
    const auto map = with_maps(false);
    const auto params = test::make_params({{"REQUEST_URI", "/files/a.isa"}, {"REQUEST_METHOD", "GET"}});
    EXPECT_EQ(map.map(params).match.extension, 4u);
    EXPECT_EQ(map.map(params, 4).match.extension, 6u);
    EXPECT_EQ(map.map(params, 6).match.extension, 4u);
    const auto direct = test::make_params({{"REQUEST_URI", "/shop/direct.dll"}});
    EXPECT_EQ(map.map(direct, 0).status, url_map_status::not_found);
}

TEST_F(ScriptMapTest, WithoutAWildcardUnmappedUrlsStayUnmapped) {
    url_map map;
    map.add_script_map("*.isa", "/", {}, 0);
    EXPECT_EQ(map.map("/a.txt", "", "", "GET").status, url_map_status::not_found);
    EXPECT_EQ(map.map("/a.isa", "", "", "GET").status, url_map_status::matched);
    EXPECT_EQ(map.map("/a%2Fb.isa", "", "", "GET").status, url_map_status::bad_request);
    EXPECT_THROW(map.add_script_map("isa", "/", {}, 0), std::invalid_argument);
    EXPECT_THROW(map.add_script_map("*.is/a", "/", {}, 0), std::invalid_argument);
    EXPECT_THROW(map.add_script_map("*.isa", "shop", {}, 0), std::invalid_argument);
}

}  // namespace
}  // namespace isapi_fcgi::isapi
