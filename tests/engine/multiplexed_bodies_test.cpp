// Request bodies on a multiplexed connection (HAProxy's way): a queued request whose unread body
// is over max_stdin_buffer must not stop the bodies of the others on its connection. FastCGI has
// no flow control per request, so pausing the connection for it would leave a request that
// holds the only extension thread waiting for bytes behind the queued one's, until
// queue_timeout answers the queued one 503. The body goes on in an unlinked temporary file,
// which is gone with the request.
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <memory>
#include <regex>
#include <string>
#include <system_error>

#include <gtest/gtest.h>

#include "support/fcgi_client.hpp"
#include "support/fcgi_wire.hpp"
#include "support/isapi_sidecar.hpp"
#include "support/temp_dir.hpp"
#include "support/test_process.hpp"

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

/// What formdump answers for a body it read whole (64-bit FNV-1a, as examples/formdump.c).
std::string formdump_answer(const std::string& body) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (unsigned char c : body) {
        hash ^= c;
        hash *= 0x100000001b3ULL;
    }
    char hex[17];
    std::snprintf(hex, sizeof(hex), "%016" PRIx64, hash);
    return "bytes=" + std::to_string(body.size()) + "\nfnv1a64=" + hex + "\ncomplete=yes\n";
}

std::string patterned(std::size_t size, std::uint32_t seed) {
    std::string out(size, '\0');
    for (auto& c : out) {
        seed = seed * 1664525u + 1013904223u;
        c = static_cast<char>(seed >> 24);
    }
    return out;
}

/// Descriptors of any process on this machine that point into `directory` (the deleted spill
/// files show as "<directory>/#<inode> (deleted)" or "<directory>/isapi-fcgi-body-... (deleted)").
std::size_t descriptors_into(const std::filesystem::path& directory) {
    std::size_t count = 0;
    std::error_code ec;
    for (const auto& process : std::filesystem::directory_iterator("/proc", ec)) {
        const auto name = process.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::error_code fd_ec;
        for (const auto& fd : std::filesystem::directory_iterator(process.path() / "fd", fd_ec)) {
            std::error_code link_ec;
            const auto target = std::filesystem::read_symlink(fd.path(), link_ec).string();
            if (!link_ec && target.starts_with(directory.string() + "/")) ++count;
        }
    }
    return count;
}

class multiplexed_bodies : public ::testing::Test {
protected:
    void start(const std::filesystem::path& body_temp_dir) {
        isapi_sidecar_options options;
        options.extensions.push_back({"formdump", ISAPI_EXT_FORMDUMP, {"/scripts/formdump.dll"}, true});
        // One extension thread: B holds it while A waits in the queue. queue_timeout far
        // beyond the test's deadlines, so a stall cannot end in a 503 that looks like progress.
        options.pool_extra = "    extension_threads: 1\n"
                             "    upload_read_ahead: 0\n"
                             "    queue_timeout: 300s\n"
                             "    limits:\n"
                             "      max_stdin_buffer: 4KiB\n"
                             "      body_temp_dir: \"" + body_temp_dir.string() + "\"\n";
        sidecar_ = isapi_sidecar::start(options);
    }

    void TearDown() override {
        if (HasFailure() && sidecar_) std::cerr << "--- sidecar log ---\n" << sidecar_->log() << "\n";
        if (sidecar_) {
            const auto end = sidecar_->stop();
            EXPECT_TRUE(ended_cleanly(end, sidecar_->log()));
        }
    }

    std::unique_ptr<isapi_sidecar> sidecar_;
};

TEST_F(multiplexed_bodies, a_queued_request_with_a_large_body_does_not_stall_the_request_behind_it) {
    temp_dir spill_dir("isapi-fcgi-spill");
    start(spill_dir.path());
    const auto until = deadline_after(scaled(20s));
    fcgi_client client(sidecar_->address(), until);
    client.set_read_while_sending(true);
    client.set_send_timeout(std::chrono::duration_cast<std::chrono::milliseconds>(scaled(10s)));

    const std::uint16_t a = 1, b = 2;
    const auto body_a = patterned(256 * 1024, 1);
    const auto body_b = patterned(96 * 1024, 2);
    // B first: it takes the only extension thread and waits for its body. A is queued, and all
    // of A's body comes before B's on the wire.
    client.begin(b);
    client.params(b, wire::cgi_params("/scripts/formdump.dll", "POST", std::to_string(body_b.size())));
    client.begin(a);
    client.params(a, wire::cgi_params("/scripts/formdump.dll", "POST", std::to_string(body_a.size())));
    ASSERT_NO_THROW(client.stdin_data(a, body_a, 8192)) << "the engine stopped reading the connection";
    ASSERT_NO_THROW(client.stdin_data(b, body_b, 8192)) << "the engine stopped reading the connection";

    ASSERT_TRUE(client.wait_end(b, deadline_after(scaled(10s))))
        << "B never got its body: the connection paused for A, queued behind B";
    EXPECT_EQ(client.state(b).response().status, 200);
    EXPECT_EQ(client.state(b).response().body, formdump_answer(body_b));
    ASSERT_TRUE(client.wait_end(a, until));
    EXPECT_EQ(client.state(a).response().status, 200);
    EXPECT_EQ(client.state(a).response().body, formdump_answer(body_a)) << "A's body, file then memory, in order";

    // A's for sure; B's too when more than max_stdin_buffer of it arrived in one read.
    EXPECT_GE(sidecar_->log_lines(std::regex("body over max_stdin_buffer goes on in a temporary file")).size(), 1u);
    EXPECT_EQ(sidecar_->log_lines(std::regex("answering 503")).size(), 0u);
    // The file held A's body until A read it; it was unlinked from the start and its descriptor
    // is closed with the request: nothing of it is left in the directory or in any process.
    EXPECT_TRUE(std::filesystem::is_empty(spill_dir.path()));
    EXPECT_EQ(descriptors_into(spill_dir.path()), 0u);
    // The connection is still in order for the next request.
    client.request(3, wire::cgi_params("/scripts/formdump.dll", "POST", "5"), "hello");
    ASSERT_TRUE(client.wait_end(3, until));
    EXPECT_EQ(client.state(3).response().body, formdump_answer("hello"));
}

TEST_F(multiplexed_bodies, a_request_alone_on_its_connection_still_pauses_it_instead_of_using_a_file) {
    temp_dir spill_dir("isapi-fcgi-spill");
    start(spill_dir.path());
    const auto until = deadline_after(scaled(20s));
    fcgi_client client(sidecar_->address(), until);
    client.set_read_while_sending(true);
    const auto body = patterned(512 * 1024, 3);
    client.request(1, wire::cgi_params("/scripts/formdump.dll", "POST", std::to_string(body.size())), body);
    ASSERT_TRUE(client.wait_end(1, until));
    EXPECT_EQ(client.state(1).response().body, formdump_answer(body));
    EXPECT_EQ(sidecar_->log_lines(std::regex("temporary file")).size(), 0u) << "backpressure must reach the web server";
}

}  // namespace
}  // namespace isapi_fcgi::test
