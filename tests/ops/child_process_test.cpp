// CreateProcess from an extension in a real worker behind nginx (tests/fixtures/extensions/
// shout.c): a helper program fed and read through inheritable pipes, waited for, its exit code
// read; then several requests at once (the extension serialises pipe creation and
// CreateProcess, as Windows code must: docs/porting.md, "Child processes").
#include "ops/ops_fixture.hpp"

#include <memory>
#include <vector>

namespace isapi_fcgi::test {
namespace {

TEST_F(ops_test, an_extension_runs_a_helper_program_through_create_process_and_pipes) {
    start("allow_root: true\nshutdown_timeout: 10s\npools:\n  - name: app\n    listen: unix:@DIR@/app.sock\n"
          "    workers: 1\n    extensions:\n      - { name: shout, path: " +
          ops_extension("shout").string() + ", urls: /scripts/shout.dll }\n");
    start_nginx();
    const auto first = http("/scripts/shout.dll?hello");
    EXPECT_EQ(first.status, 200) << first.body;
    EXPECT_EQ(first.body, "HELLO exit=0\n");
    // A second child, a second pair of pipes: nothing left over from the first.
    EXPECT_EQ(http("/scripts/shout.dll?again").body, "AGAIN exit=0\n");
    std::vector<std::unique_ptr<http_call>> calls;
    for (int i = 0; i < 4; ++i) {
        http_request request;
        request.url = nginx().url("/scripts/shout.dll?request" + std::to_string(i));
        request.max_time = std::chrono::seconds(30);
        calls.push_back(std::make_unique<http_call>(work_, request));
    }
    for (int i = 0; i < 4; ++i) {
        const auto result = calls[i]->finish(within(std::chrono::seconds(30)));
        EXPECT_EQ(result.body, "REQUEST" + std::to_string(i) + " exit=0\n") << result.describe();
    }
    stop_master();
}

}  // namespace
}  // namespace isapi_fcgi::test
