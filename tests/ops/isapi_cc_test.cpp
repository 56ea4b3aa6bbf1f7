// isapi-cc, the compile driver, on fresh IIS-style source (tests/fixtures/isapi_cc): a header
// that defines globals, included with the wrong case from two files, and a .def file; the result
// is served through nginx. A .def naming a function no source defines fails the build naming it.
// isapi_add_extension applies the same rules through the same driver: the greeter fixture
// (tests/fixtures/cmake_package), built by this tree's CMake, is served the same way.
#include "ops/ops_fixture.hpp"

#include <array>
#include <cstdio>
#include <initializer_list>
#include <fstream>
#include <regex>

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

struct build_outcome {
    int exit_code = -1;
    std::string output;
};

build_outcome isapi_cc(const temp_dir& dir, const std::filesystem::path& output, const std::string& def) {
    const std::filesystem::path src = ISAPI_CC_FIXTURES;
    spawn_options spawn;
    spawn.stdout_path = dir.file("isapi-cc.log");
    test_process cc({ISAPI_CC, "-O2", "-o", output.string(), (src / "counter_main.c").string(),
                     (src / "counter_stats.c").string(), (src / def).string()},
                    spawn);
    const auto end = cc.wait(deadline_after(scaled(120s)));
    build_outcome out;
    if (end && end->exited) out.exit_code = end->exit_code;
    out.output = cc.error_output();
    return out;
}

std::string exported_symbols(const std::filesystem::path& library, const temp_dir& dir) {
    spawn_options spawn;
    spawn.stdout_path = dir.file("nm.log");
    spawn.stderr_path = dir.file("nm.err");
    test_process nm({"nm", "-D", "--defined-only", library.string()}, spawn);
    nm.wait(deadline_after(scaled(30s)));
    std::ifstream in(dir.file("nm.log"));
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/// The module exports each of `exported` and none of `hidden`.
void expect_exports(const std::filesystem::path& library, const temp_dir& dir,
                    std::initializer_list<const char*> exported, std::initializer_list<const char*> hidden) {
    const auto symbols = exported_symbols(library, dir);
    for (const char* name : exported)
        EXPECT_TRUE(std::regex_search(symbols, std::regex(std::string(" T ") + name + "\\b"))) << name << ":\n" << symbols;
    for (const char* name : hidden) EXPECT_EQ(symbols.find(name), std::string::npos) << name << ":\n" << symbols;
}

/// One pool of one worker serving `library` at /scripts/<name>.dll.
std::string one_extension_config(const std::string& name, const std::filesystem::path& library) {
    return "allow_root: true\nshutdown_timeout: 10s\npools:\n  - name: app\n    listen: unix:@DIR@/app.sock\n"
           "    workers: 1\n    extensions:\n      - { name: " + name + ", path: " + library.string() +
           ", urls: /scripts/" + name + ".dll }\n";
}

TEST_F(ops_test, an_extension_built_with_isapi_cc_from_iis_style_source_serves_through_nginx) {
    const auto library = work_.file("counter.so");
    const auto built = isapi_cc(work_, library, "counter.def");
    ASSERT_EQ(built.exit_code, 0) << built.output;
    // Exactly the .def's exports (no -fvisibility leak of RecordHit or the globals).
    expect_exports(library, work_, {"GetExtensionVersion", "HttpExtensionProc", "GetHitCount"},
                   {"RecordHit", "g_lHits", "g_szLastPath"});

    start(one_extension_config("counter", library));
    start_nginx();
    EXPECT_EQ(http("/scripts/counter.dll/first").body, "hits=1 last=/first\n");
    // Both files' definitions of the header's globals are one variable (-fcommon).
    EXPECT_EQ(http("/scripts/counter.dll/second").body, "hits=2 last=/second\n");
    stop_master();
}

TEST_F(ops_test, isapi_add_extension_builds_windows_source_as_isapi_cc_does_and_it_serves_through_nginx) {
    const auto library = ops_extension("greeter");
    // Exactly greeter.def's exports.
    expect_exports(library, work_, {"GetExtensionVersion", "HttpExtensionProc", "GetGreetingCount"},
                   {"PickPhrase", "CountGreeting", "g_cGreetings"});

    start(one_extension_config("greeter", library));
    start_nginx();
    // "Include\Phrases.h" and "include/PHRASES.H" found; both files' counter is one variable.
    EXPECT_EQ(http("/scripts/greeter.dll?fr").body, "bonjour #1\n");
    EXPECT_EQ(http("/scripts/greeter.dll?de").body, "hallo #2\n");
    stop_master();
}

TEST(isapi_cc, a_def_file_naming_an_undefined_function_fails_the_build_naming_it) {
    temp_dir dir("isapi-cc-test");
    const auto library = dir.file("counter.so");
    const auto built = isapi_cc(dir, library, "counter_missing.def");
    EXPECT_EQ(built.exit_code, 1) << built.output;
    EXPECT_NE(built.output.find("counter_missing.def exports 'GetHitCountTotal', which no source defines"),
              std::string::npos)
        << built.output;
    EXPECT_FALSE(std::filesystem::exists(library));
}

}  // namespace
}  // namespace isapi_fcgi::test
