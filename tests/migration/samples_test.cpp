// The migration kit's acceptance: five IIS-style extensions (tests/migration/samples), compiled
// by the documented command against an installed isapi-fcgi (the fixture test
// migration.samples_build_with_the_documented_command), loaded by the sidecar and requested
// through real nginx with the shipped snippet.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <thread>
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
        // filecache's files are read by that sample only, and only after SetUp.
        std::filesystem::create_directories(samples_dir / "filecache-data");
        replace_file(samples_dir / "filecache-data" / "blob.bin", blob_);
        replace_file(samples_dir / "filecache-data" / "empty.txt", std::string());
        isapi_sidecar_options options;
        // hitcount last: extensions unload in order, so every other thread (workqueue's
        // workers included) has ended, with its DLL_THREAD_DETACH, before hitcount unloads.
        for (const char* name : {"workqueue", "sendfile", "configured", "pathinfo", "filecache", "regsettings",
                                 "echoclient", "sehguard", "hitcount"}) {
            options.extensions.push_back(sample(name));
        }
        // The samples were linked against the installed libraries, found the way the guide
        // says: by the dynamic loader's search path.
        options.env.push_back(std::string("LD_LIBRARY_PATH=") + ISAPI_MIGRATION_LIBDIR);
        options.env.push_back("CONFIGURED_SUFFIX=from-the-environment");
        options.pool_extra = "    extension_threads: " + std::to_string(extension_threads) + "\n";
        // regsettings' keys, as regedit exports them on the IIS machine (UTF-16LE with a BOM).
        // In this test's own directory: ctest runs the fixture's tests in parallel, and a file
        // beside the samples was rewritten by one test's SetUp while another's sidecar read it
        // ("empty file") or saved its counter over it.
        write_utf16_reg_file(registry_file(),
                             u"Windows Registry Editor Version 5.00\r\n\r\n"
                             u"[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Greeter]\r\n"
                             u"\"Greeting\"=\"Gr\u00fc\u00df Gott\"\r\n"
                             u"\"MaxNameLength\"=dword:00000008\r\n"
                             u"\"BannedNames\"=hex(7):6d,00,61,00,6c,00,6c,00,6f,00,72,00,79,00,00,00,\\\r\n"
                             u"  65,00,76,00,65,00,00,00,00,00\r\n");
        options.pool_extra += "    registry:\n      files: [" + registry_file().string() +
                              "]\n      store: " + registry_store().string() + "\n";
        start(options);
    }

    std::string url(const std::string& path) { return nginx().url(path); }

    static void write_utf16_reg_file(const std::filesystem::path& path, std::u16string_view text) {
        std::string bytes = "\xFF\xFE";
        for (char16_t c : text) {
            bytes.push_back(static_cast<char>(c & 0xFF));
            bytes.push_back(static_cast<char>(c >> 8));
        }
        std::ofstream(path, std::ios::binary) << bytes;
    }

    std::filesystem::path registry_file() const { return registry_dir_.file("greeter.reg"); }
    std::filesystem::path registry_store() const { return registry_dir_.file("registry-store.reg"); }

    const std::string blob_ = pattern_bytes(300000);
    const temp_dir registry_dir_{"isapi-fcgi-migration-registry"};
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
    // workers and filecache's completion thread may have too: they start inside those samples'
    // DllMain/GetExtensionVersion, and as on Windows a thread gets DLL_THREAD_ATTACH for the DLLs
    // attached by the time it runs (hitcount loads last). The name was cut to 15 characters.
    EXPECT_NE(last.find("\r\nthread_buffer=yes\r\n"), std::string::npos) << last;
    std::smatch live;
    ASSERT_TRUE(std::regex_search(last, live, std::regex("\r\nlive_buffers=([0-9]+)\r\n"))) << last;
    EXPECT_GE(std::stoul(live[1]), extension_threads) << last;
    EXPECT_LE(std::stoul(live[1]), extension_threads + 5) << last;
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

TEST_F(migration_samples, pathinfo_splits_paths_formats_dates_and_keeps_a_list_entry_history) {
    auto first = get("/scripts/pathinfo.dll?C:/inetpub/wwwroot/default.old.htm");
    ASSERT_EQ(first.status, 200) << first.describe();
    EXPECT_EQ(first.head.header("Content-Type"), "text/plain");
    EXPECT_NE(first.body.find("drive=C:\r\ndir=/inetpub/wwwroot/\r\nfname=default.old\r\next=.htm\r\n"),
              std::string::npos) << first.body;
    EXPECT_NE(first.body.find("\r\nrebuilt=C:/inetpub/wwwroot/default.old.htm\r\n"), std::string::npos)
        << first.body;
    EXPECT_NE(first.body.find("\r\nstamp=Sunday, February 29, 2004 13:05:09\r\n"), std::string::npos)
        << first.body;
    EXPECT_TRUE(std::regex_search(first.body, std::regex("\r\ntoday=20[0-9]{2}-[01][0-9]-[0-3][0-9]\r\n")))
        << first.body;
    EXPECT_NE(first.body.find("\r\nrecent=1:C:/inetpub/wwwroot/default.old.htm\r\n"), std::string::npos)
        << first.body;

    // No extension: _makepath adds the default one with its dot.
    auto second = get("/scripts/pathinfo.dll?/srv/app/readme");
    ASSERT_EQ(second.status, 200) << second.describe();
    EXPECT_NE(second.body.find("drive=\r\ndir=/srv/app/\r\nfname=readme\r\next=\r\nrebuilt=/srv/app/readme.htm\r\n"),
              std::string::npos) << second.body;
    for (const char* path : {"/a", "/b"}) {
        ASSERT_EQ(get(std::string("/scripts/pathinfo.dll?") + path).status, 200);
    }
    // The history holds the last three, newest first; the oldest entry was unlinked.
    auto last = get("/scripts/pathinfo.dll?/c.txt");
    ASSERT_EQ(last.status, 200) << last.describe();
    EXPECT_NE(last.body.find("\r\nrecent=5:/c.txt|/b|/a\r\n"), std::string::npos) << last.body;
    // No path: HSE_STATUS_ERROR before any response, which IIS answers with 500.
    EXPECT_EQ(get("/scripts/pathinfo.dll").status, 500);
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

TEST_F(migration_samples, filecache_serves_overlapped_handles_through_a_completion_port) {
    // TransmitFile on a handle opened FILE_FLAG_OVERLAPPED, cached and bound to a port.
    auto miss = get("/scripts/filecache.dll?blob.bin");
    ASSERT_EQ(miss.status, 200) << miss.describe();
    EXPECT_EQ(miss.head.header("X-Cache"), "miss");
    EXPECT_TRUE(miss.body == blob_) << miss.body.size();
    auto hit = get("/scripts/filecache.dll?blob.bin");
    ASSERT_EQ(hit.status, 200) << hit.describe();
    EXPECT_EQ(hit.head.header("X-Cache"), "hit");
    EXPECT_TRUE(hit.body == blob_);
    // Chained overlapped reads completed on the extension's pool thread.
    std::uint32_t sum = 0;
    for (unsigned char c : blob_) sum += c;
    const std::string digest = "bytes=" + std::to_string(blob_.size()) + " sum=" + std::to_string(sum) + "\r\n";
    std::vector<std::string> urls(6, url("/scripts/filecache.dll?blob.bin&digest"));
    urls.push_back(url("/scripts/filecache.dll?blob.bin"));
    const auto results = http_get_parallel(work(), urls);
    for (std::size_t i = 0; i + 1 < results.size(); ++i) {
        ASSERT_EQ(results[i].status, 200) << results[i].describe();
        EXPECT_EQ(results[i].body, digest);
    }
    EXPECT_TRUE(results.back().body == blob_);
    auto empty = get("/scripts/filecache.dll?empty.txt&digest");
    ASSERT_EQ(empty.status, 200) << empty.describe();
    EXPECT_EQ(empty.body, "bytes=0 sum=0\r\n");
    // An event and GetOverlappedResult(bWait).
    auto head = get("/scripts/filecache.dll?blob.bin&head=16");
    ASSERT_EQ(head.status, 200) << head.describe();
    EXPECT_EQ(head.body, blob_.substr(0, std::min<std::size_t>(16, blob_.find('\0'))));
    EXPECT_EQ(get("/scripts/filecache.dll?absent.bin").status, 404);
    EXPECT_EQ(get("/scripts/filecache.dll?..%2Fsendfile.so").status, 400);
    // TerminateExtension stops the pool thread through the port (teardown asserts a clean stop).
    stop_all();
}

/// A TCP echo service on a loopback port, one connection at a time, for as long as it lives.
class echo_service {
public:
    echo_service() {
        listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof(address);
        if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0
            || ::listen(listener_, 8) != 0
            || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            throw std::runtime_error("echo service: cannot listen");
        }
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~echo_service() {
        ::shutdown(listener_, SHUT_RDWR);  // wakes accept()
        thread_.join();
        ::close(listener_);
    }
    int port() const { return port_; }

private:
    void serve() {
        for (;;) {
            const int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
            if (connection < 0) return;
            char buffer[4096];
            for (;;) {
                const ssize_t n = ::recv(connection, buffer, sizeof(buffer), 0);
                if (n <= 0 || ::send(connection, buffer, static_cast<std::size_t>(n), MSG_NOSIGNAL) != n) break;
            }
            ::close(connection);
        }
    }
    int listener_ = -1;
    int port_ = 0;
    std::thread thread_;
};

TEST_F(migration_samples, echoclient_talks_winsock_to_a_local_echo_service) {
    std::optional<int> closed_port;
    {
        echo_service echo;
        const std::string base = "/scripts/echoclient.dll?" + std::to_string(echo.port()) + "&";
        auto result = get(base + "hello-winsock");
        ASSERT_EQ(result.status, 200) << result.describe();
        EXPECT_EQ(result.body, "echo=>hello-winsock pending=0 sent=14\r\n");
        std::vector<std::string> urls;
        for (int i = 0; i < 6; ++i) urls.push_back(url(base + "n" + std::to_string(i)));
        int i = 0;
        for (const auto& r : http_get_parallel(work(), urls)) {
            ASSERT_EQ(r.status, 200) << r.describe();
            EXPECT_EQ(r.body, "echo=>n" + std::to_string(i++) + " pending=0 sent=3\r\n");
        }
        closed_port = echo.port();
    }
    // The service is gone: connect() fails and WSAGetLastError says why, in Winsock's terms.
    auto refused = get("/scripts/echoclient.dll?" + std::to_string(*closed_port) + "&x");
    EXPECT_EQ(refused.status, 502) << refused.describe();
    EXPECT_EQ(refused.body, "winsock error 10061\r\n");
}

TEST_F(migration_samples, sehguard_catches_faults_inside_try_and_dies_alone_outside) {
    auto inside = get("/scripts/sehguard.dll?inside");
    ASSERT_EQ(inside.status, 200) << inside.describe();
    EXPECT_EQ(inside.body, "caught=c0000005 write=1 finally=1\r\n");
    auto divide = get("/scripts/sehguard.dll?divide");
    ASSERT_EQ(divide.status, 200) << divide.describe();
    EXPECT_EQ(divide.body, "caught=c0000094\r\n");
    // Outside every __try the fault reaches the worker's crash handler: that worker dies (the
    // request gets nginx's 502), the pool starts another, and the others go on.
    const auto mark = sidecar().log_mark();
    allow_nginx_problems("upstream prematurely closed|recv\\(\\) failed|reset by peer");
    auto outside = get("/scripts/sehguard.dll?outside");
    EXPECT_EQ(outside.status, 502) << outside.describe();
    // "killed by SIGSEGV" in a release build; under ASan its report ends the worker with status 1,
    // and the crash report (SIGSEGV at an address, in the extension) is the same.
    ASSERT_TRUE(sidecar().wait_for_log(std::regex(R"(SIGSEGV at address 0x[0-9a-f]+, in extension 'sehguard')"), soon(), mark))
        << tail(sidecar().log());
    ASSERT_TRUE(sidecar().wait_for_log(std::regex(R"(worker \d+ \(pid \d+\): ready)"), soon(), mark))
        << tail(sidecar().log());
    auto again = get("/scripts/sehguard.dll?inside");
    ASSERT_EQ(again.status, 200) << again.describe();
    EXPECT_EQ(again.body, inside.body);
}

TEST_F(migration_samples, regsettings_reads_settings_seeded_from_a_reg_file) {
    const auto mark = sidecar().log_mark();
    auto first = get("/scripts/regsettings.dll?Mallory");
    ASSERT_EQ(first.status, 200) << first.describe();
    EXPECT_EQ(first.body, "Gr\xC3\xBC\xC3\x9F Gott, Mallory!\r\nvisits=1\r\nbanned=yes\r\n");
    auto second = get("/scripts/regsettings.dll?Bartholomew");  // cut to MaxNameLength
    ASSERT_EQ(second.status, 200) << second.describe();
    EXPECT_EQ(second.body, "Gr\xC3\xBC\xC3\x9F Gott, Bartholo!\r\nvisits=2\r\nbanned=no\r\n");
    // The banned visitor went to the event log: a warning line with the source and event id.
    EXPECT_TRUE(sidecar().wait_for_log(
        std::regex(R"(\[warn(ing)?\].*event log \[Greeter\] warning id=1001 category=0: banned visitor \| Mallory)"),
        soon(), mark))
        << tail(sidecar().log());
    // The counter was saved to the pool's store, in .reg syntax.
    std::ifstream in(registry_store(), std::ios::binary);
    std::string saved;
    std::getline(in, saved, '\0');
    EXPECT_NE(saved.find("[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Greeter\\State]\r\n\"Visits\"=dword:00000002"),
              std::string::npos)
        << saved;
}

}  // namespace
}  // namespace isapi_fcgi::test
