// The migration kit's acceptance: four IIS-style extensions (tests/migration/samples), compiled
// by the documented command against an installed isapi-fcgi (the fixture test
// migration.samples_build_with_the_documented_command), loaded by the sidecar and requested
// through real nginx with the shipped snippet.
#include <fcntl.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "isapi/isapi_fixture.hpp"

namespace isapi_fcgi::test {
namespace {

const std::filesystem::path samples_dir = ISAPI_MIGRATION_SAMPLES;

isapi_extension_entry sample(const std::string& name) {
    return {name, samples_dir / (name + ".so"), {"/scripts/" + name + ".dll"}, true};
}

/// `size` deterministic bytes (an LCG), so a wrong offset or a moved position shows.
std::string pattern_bytes(std::size_t size) {
    std::string bytes(size, '\0');
    std::uint32_t state = 12345;
    for (auto& c : bytes) {
        state = state * 1103515245u + 12345u;
        c = static_cast<char>(state >> 24);
    }
    return bytes;
}

/// Puts `bytes` at `path` by renaming a new file over it, never by rewriting it in place.
/// sendfile's data file sits beside the sample (the extension finds it there), so it is shared
/// by every test of this fixture, and ctest runs them in parallel, each with a sidecar that may
/// hold the file open (the sample caches its handle) and be reading it. A rewrite in place
/// (std::ofstream: truncate, then write) empties the very file such a download is reading: its
/// pread gets 0 bytes at offset 0, and the download fails with "TRANSMIT_FILE cannot read the
/// file: error 38" (ERROR_HANDLE_EOF), the flake this replaced. After a rename the reader keeps
/// the file it opened, with the same bytes.
void replace_file(const std::filesystem::path& path, const std::string& bytes) {
    auto fresh = path;
    fresh += ".new." + std::to_string(::getpid());  // unique among the parallel test processes
    {
        std::ofstream out(fresh, std::ios::binary | std::ios::trunc);
        out << bytes;
        if (!out.flush()) throw std::runtime_error("cannot write " + fresh.string());
    }
    std::filesystem::rename(fresh, path);
}

class migration_samples : public isapi_behind_nginx {
protected:
    static constexpr unsigned extension_threads = 6;

    static std::filesystem::path blob_path() { return samples_dir / "sendfile-data" / "blob.bin"; }

    void SetUp() override {
        std::filesystem::create_directories(samples_dir / "sendfile-data");
        replace_file(blob_path(), blob_);
        isapi_sidecar_options options;
        // hitcount last: extensions unload in order, so every other thread (workqueue's
        // workers included) has ended, with its DLL_THREAD_DETACH, before hitcount unloads.
        for (const char* name : {"workqueue", "sendfile", "configured", "hitcount"}) {
            options.extensions.push_back(sample(name));
        }
        // The samples were linked against the installed libraries, found the way the guide
        // says: by the dynamic loader's search path.
        options.env.push_back(std::string("LD_LIBRARY_PATH=") + ISAPI_MIGRATION_LIBDIR);
        options.env.push_back("CONFIGURED_SUFFIX=from-the-environment");
        options.pool_extra = "    extension_threads: " + std::to_string(extension_threads) + "\n";
        start(options);
    }

    std::string url(const std::string& path) { return nginx().url(path); }

    const std::string blob_ = pattern_bytes(300000);
};

TEST_F(migration_samples, hitcount_counts_under_a_critical_section_with_thread_buffers) {
    std::string last;
    for (int i = 1; i <= 5; ++i) {
        auto result = get("/scripts/hitcount.dll?name=visitor-with-a-long-name");
        ASSERT_EQ(result.status, 200) << result.describe();
        EXPECT_EQ(result.head.header("Content-Type"), "text/plain");
        EXPECT_EQ(result.body.rfind("hits=" + std::to_string(i) + "\r\n", 0), 0u) << result.body;
        last = result.body;
    }
    // Each of the pool's extension threads got a buffer in DLL_THREAD_ATTACH. workqueue's four
    // workers may have too: they start inside workqueue's DllMain, and as on Windows a thread
    // gets DLL_THREAD_ATTACH for the DLLs attached by the time it runs (hitcount loads right
    // after workqueue). The name was cut to 15 characters.
    EXPECT_NE(last.find("\r\nthread_buffer=yes\r\n"), std::string::npos) << last;
    std::smatch live;
    ASSERT_TRUE(std::regex_search(last, live, std::regex("\r\nlive_buffers=([0-9]+)\r\n"))) << last;
    EXPECT_GE(std::stoul(live[1]), extension_threads) << last;
    EXPECT_LE(std::stoul(live[1]), extension_threads + 4) << last;
    EXPECT_NE(last.find("\r\nname=visitor-with-a-\r\n"), std::string::npos) << last;
    // Concurrent requests: each hit is counted once.
    std::vector<std::string> urls(12, url("/scripts/hitcount.dll"));
    std::set<std::string> hits;
    for (const auto& r : http_get_parallel(work(), urls)) {
        ASSERT_EQ(r.status, 200) << r.describe();
        hits.insert(r.body.substr(0, r.body.find("\r\n")));
    }
    EXPECT_EQ(hits.size(), 12u);
    EXPECT_TRUE(hits.count("hits=17"));
    // At shutdown each thread's DLL_THREAD_DETACH still found its TLS buffer and freed it.
    nginx().stop();
    sidecar().stop();
    EXPECT_NE(sidecar().log().find("OutputDebugString [hitcount.so]: hitcount: 0 thread buffers left at unload"),
              std::string::npos)
        << tail(sidecar().log());
}

TEST_F(migration_samples, workqueue_answers_from_worker_threads_started_in_dll_main) {
    std::vector<std::string> urls;
    for (int i = 0; i < 16; ++i) urls.push_back(url("/scripts/workqueue.dll?" + std::to_string(i)));
    std::set<std::string> workers;
    int n = 0;
    for (const auto& r : http_get_parallel(work(), urls)) {
        ASSERT_EQ(r.status, 200) << r.describe();
        const std::regex line("request=" + std::to_string(n) + " worker=([1-4]) queued_ms_ok=1\r\n");
        std::smatch match;
        ASSERT_TRUE(std::regex_match(r.body, match, line)) << r.body;
        workers.insert(match[1]);
        ++n;
    }
    EXPECT_GE(workers.size(), 1u);
    // TerminateExtension stops the workers (teardown asserts a clean stop).
    stop_all();
}

TEST_F(migration_samples, sendfile_transmits_a_shared_create_file_handle) {
    auto first = get("/scripts/sendfile.dll?file=blob.bin");
    ASSERT_EQ(first.status, 200) << first.describe();
    EXPECT_EQ(first.head.header("X-Handle-Shared"), "no");
    EXPECT_EQ(first.head.header("Content-Type"), "application/octet-stream");
    EXPECT_EQ(first.body.size(), blob_.size());
    EXPECT_TRUE(first.body == blob_);
    // The cached handle serves every later request; the host never moved its position.
    auto second = get("/scripts/sendfile.dll?file=blob.bin");
    ASSERT_EQ(second.status, 200) << second.describe();
    EXPECT_EQ(second.head.header("X-Handle-Shared"), "yes");
    EXPECT_TRUE(second.body == blob_);
    auto tail = get("/scripts/sendfile.dll?file=blob.bin&offset=299000");
    ASSERT_EQ(tail.status, 200) << tail.describe();
    EXPECT_TRUE(tail.body == blob_.substr(299000));
    std::vector<std::string> urls(8, url("/scripts/sendfile.dll?file=blob.bin"));
    for (const auto& r : http_get_parallel(work(), urls)) {
        ASSERT_EQ(r.status, 200) << r.describe();
        EXPECT_TRUE(r.body == blob_) << "a concurrent download differs (" << r.body.size() << " bytes)";
    }
}

// The flake's cause, deterministically: another test's SetUp writing the data file while this
// sidecar holds it open. The writes must not touch the file a reader holds: no IN_MODIFY on it
// (a truncation or a write in place raises one before the writing call returns).
TEST_F(migration_samples, the_fixture_never_rewrites_the_data_file_a_sidecar_holds) {
    const int held = ::open(blob_path().c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(held, 0);
    const int watch = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    ASSERT_GE(watch, 0);
    ASSERT_GE(::inotify_add_watch(watch, blob_path().c_str(), IN_MODIFY), 0);
    replace_file(blob_path(), blob_);  // what a parallel test's SetUp does
    alignas(inotify_event) char events[4096];
    const ssize_t got = ::read(watch, events, sizeof(events));
    EXPECT_EQ(got, -1) << "the file a reader holds was modified";
    EXPECT_EQ(errno, EAGAIN);
    std::string seen(blob_.size(), '\0');
    EXPECT_EQ(::pread(held, seen.data(), seen.size(), 0), static_cast<ssize_t>(blob_.size()));
    EXPECT_TRUE(seen == blob_);
    ::close(watch);
    ::close(held);
}

// The flake as it happened: downloads of the shared handle while other tests' fixtures write
// the data file again and again.
TEST_F(migration_samples, sendfile_downloads_survive_the_data_file_being_written_again) {
    auto first = get("/scripts/sendfile.dll?file=blob.bin");
    ASSERT_EQ(first.status, 200) << first.describe();  // the handle is cached from here on
    std::atomic<bool> done{false};
    std::atomic<int> rewrites{0};
    std::thread writer([&] {
        while (!done.load()) {
            replace_file(blob_path(), blob_);
            rewrites.fetch_add(1);
            std::this_thread::sleep_for(std::chrono::milliseconds(1));  // pacing, not a wait
        }
    });
    std::vector<std::string> urls(8, url("/scripts/sendfile.dll?file=blob.bin"));
    for (int round = 0; round < 4; ++round) {
        for (const auto& r : http_get_parallel(work(), urls)) {
            EXPECT_EQ(r.status, 200) << r.describe();
            EXPECT_TRUE(r.body == blob_) << "a download differs (" << r.body.size() << " bytes)";
        }
    }
    done = true;
    writer.join();
    EXPECT_GT(rewrites.load(), 0);
    EXPECT_EQ(sidecar().log().find("cannot read the file"), std::string::npos) << tail(sidecar().log());
}

TEST_F(migration_samples, sendfile_reports_errors_with_format_message) {
    auto missing = get("/scripts/sendfile.dll?file=absent.bin");
    EXPECT_EQ(missing.status, 404) << missing.describe();
    EXPECT_EQ(missing.body, "The file could not be found.\r\n");
    auto bad = get("/scripts/sendfile.dll?file=../etc/passwd");
    EXPECT_EQ(bad.status, 400) << bad.describe();
}

TEST_F(migration_samples, configured_reads_its_ini_next_to_itself) {
    const auto mark = sidecar().log_mark();
    auto result = get("/scripts/configured.dll?J%C3%BCrgen-Hoffmann");
    ASSERT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.body,
              "Hello from configured.ini\r\n"
              "Hello from configured.ini\r\n"
              "name=J%C3%BCr units=8\r\n"
              "sections=Greeting,Limits\r\n"
              "env=from-the-environment\r\n");
    // OutputDebugString reached the sidecar's log at debug level, tagged with the module.
    EXPECT_TRUE(sidecar().wait_for_log(
        std::regex(R"(\[debug\].*OutputDebugString \[configured\.so\]: configured: request for 'J%C3%BCrgen-Hoffmann')"),
        soon(), mark))
        << tail(sidecar().log());
    auto missing = get("/scripts/configured.dll?missing");
    ASSERT_EQ(missing.status, 200) << missing.describe();
    EXPECT_EQ(missing.body, "Hello (default)\r\nerror=The file could not be found.\r\n");
}

}  // namespace
}  // namespace isapi_fcgi::test
