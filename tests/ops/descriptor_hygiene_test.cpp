// What a worker holds: /proc/<worker>/fd of every worker started after the master answered for
// a stopped pool (holding those connections open), after a recycle and after a reload, with
// two pools. A worker may hold its own pool's listening sockets, its channel, its scoreboard,
// its logs and what its runtime opens (epoll, eventfd, timerfd, a self-pipe), and nothing else: no socket
// of the other pool, no connection the master accepted, no descriptor of whoever started the
// master.
#include "ops/ops_fixture.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "support/fcgi_client.hpp"

namespace isapi_fcgi::test {
namespace {

using namespace std::chrono_literals;

std::string link_of(const std::string& path) {
    char target[4096];
    const ssize_t n = ::readlink(path.c_str(), target, sizeof(target) - 1);
    return n < 0 ? std::string() : std::string(target, static_cast<std::size_t>(n));
}

/// A unix socket as /proc/net/unix describes it.
struct unix_socket_entry {
    bool listening = false;
    std::string path;
};

/// inode -> entry, for every unix socket of the namespace.
std::map<std::string, unix_socket_entry> unix_sockets() {
    std::map<std::string, unix_socket_entry> out;
    std::ifstream in("/proc/net/unix");
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string num, refs, protocol, flags, type, state, inode, path;
        fields >> num >> refs >> protocol >> flags >> type >> state >> inode;
        std::getline(fields >> std::ws, path);
        out[inode] = {(std::stoul(flags, nullptr, 16) & 0x10000U) != 0, path};  // __SO_ACCEPTCON
    }
    return out;
}

/// Everything `pid` (a worker of the pool listening on `own_socket`) holds that it should not,
/// one line each; empty when clean.
std::vector<std::string> foreign_descriptors(int pid, const std::string& own_socket, const std::string& console,
                                             const std::string& access_log) {
    std::vector<std::string> foreign;
    const auto sockets = unix_sockets();
    const std::regex socket_link(R"(socket:\[(\d+)\])");
    const std::string dir = "/proc/" + std::to_string(pid) + "/fd";
    // A pipe whose two ends the worker holds is its own (Asio's signal_set wakes itself that
    // way); a pipe end from anyone else would be held alone.
    std::map<std::string, int> pipe_ends;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        if (const auto target = link_of(entry.path().string()); target.rfind("pipe:[", 0) == 0) ++pipe_ends[target];
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        const int fd = std::stoi(entry.path().filename().string());
        const std::string target = link_of(entry.path().string());
        if (target.empty()) continue;  // closed meanwhile (readdir's own descriptor)
        std::smatch m;
        bool fine = false;
        if (std::regex_match(target, m, socket_link)) {
            const auto known = sockets.find(m[1]);
            if (fd == 3) {
                fine = known != sockets.end() && known->second.path.empty();  // the channel: a socketpair
            } else {
                // Only a listening socket of the worker's own pool; an accepted connection on
                // that path (the master's, for a stopped pool) is not.
                fine = known != sockets.end() && known->second.listening && known->second.path == own_socket;
            }
        } else if (fd == 0) {
            fine = target == "/dev/null";
        } else if (fd == 1 || fd == 2) {
            fine = target.rfind("pipe:[", 0) == 0;  // the master reads the worker's output
        } else if (fd == 4) {
            fine = target.rfind("/memfd:isapi-fcgi-", 0) == 0;  // the scoreboard
        } else if (fd == 6) {
            fine = target == console;  // where the master logs
        } else if (target.rfind("pipe:[", 0) == 0) {
            fine = pipe_ends[target] >= 2;
        } else {
            fine = target == access_log || target.rfind("anon_inode:", 0) == 0;  // epoll, eventfd, timerfd
        }
        if (!fine) foreign.push_back("fd " + std::to_string(fd) + " -> " + target);
    }
    return foreign;
}

int pid_in(const std::string& ready_line) {
    std::smatch m;
    if (!std::regex_search(ready_line, m, std::regex(R"(\(pid (\d+)\))"))) return -1;
    return std::stoi(m[1]);
}

class descriptor_hygiene : public ops_test {
protected:
    /// Checks the worker that announced itself in `ready_line`.
    void expect_clean(const std::optional<std::string>& ready_line, const std::string& socket) {
        ASSERT_TRUE(ready_line) << tail(master().error_output());
        const int pid = pid_in(*ready_line);
        ASSERT_GT(pid, 0) << *ready_line;
        const auto console = link_of("/proc/" + std::to_string(master().pid()) + "/fd/2");
        const auto foreign = foreign_descriptors(pid, work_.file(socket).string(), console,
                                                 work_.file("access.log").string());
        std::string list;
        for (const auto& f : foreign) list += "\n  " + f;
        EXPECT_TRUE(foreign.empty()) << *ready_line << " holds descriptors that are not its own:" << list;
    }
};

TEST_F(descriptor_hygiene, workers_hold_only_their_own_pools_sockets_logs_and_channel) {
    SKIP_DELIBERATE_CRASHES_UNDER_TSAN();
    // The launcher's descriptor, inheritable, as a shell or a careless service manager passes one.
    // Above the numbers a worker's own descriptors take, which would hide it.
    const int opened = ::open(work_.file("launcher-file").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    ASSERT_GE(opened, 0);
    const int launcher_fd = ::fcntl(opened, F_DUPFD, 100);
    ::close(opened);
    ASSERT_GE(launcher_fd, 100);
    const std::string pools =
        "  - name: app\n    listen: unix:@DIR@/app.sock\n    status_path: /status\n    workers: 1\n"
        "    rapid_fail: { max_crashes: 1, interval: 60s }\n    extensions:\n"
        "      - { name: misbehave, path: " + ops_extension("misbehave").string() + ", urls: /scripts/misbehave.dll }\n"
        "  - name: web\n    listen: unix:@DIR@/web.sock\n    status_path: /status\n    workers: 1\n"
        "    max_requests: 2\n    extensions:\n"
        "      - { name: hello, path: " + ops_extension("hello").string() + ", urls: /web/hello.dll }\n";
    const std::string yaml = "allow_root: true\nshutdown_timeout: 10s\n"
                             "log: { level: info, access_log: @DIR@/access.log }\npools:\n" + pools;
    start(yaml);
    ::close(launcher_fd);
    expect_clean(wait_log(R"(pool app: worker \d+ \(pid \d+\): ready)", 20s), "app.sock");
    expect_clean(wait_log(R"(pool web: worker \d+ \(pid \d+\): ready)", 20s), "web.sock");

    // Rapid-fail stops pool app; the master answers on its socket, and keeps these connections.
    EXPECT_FALSE(fcgi_get(address("app.sock"), "/scripts/misbehave.dll/segv").ended);
    ASSERT_TRUE(wait_log("pool app: rapid-fail protection", 20s));
    std::vector<std::unique_ptr<fcgi_client>> held;
    for (int i = 0; i < 3; ++i) {
        held.push_back(std::make_unique<fcgi_client>(address("app.sock"), within(10s)));
        held.back()->request(1, {{"REQUEST_METHOD", "GET"}, {"SCRIPT_NAME", "/scripts/misbehave.dll"},
                                 {"REQUEST_URI", "/scripts/misbehave.dll"}, {"SERVER_PROTOCOL", "HTTP/1.1"}});
        ASSERT_TRUE(held.back()->wait_end(1, within(10s)));
        EXPECT_EQ(held.back()->state(1).response().status.value_or(0), 503);
    }

    // A recycle of the other pool starts a worker while the master holds those connections.
    auto mark = log_mark();
    for (int i = 0; i < 2; ++i) EXPECT_EQ(fcgi_get(address("web.sock"), "/web/hello.dll").status, 200);
    expect_clean(wait_log(R"(pool web: worker \d+ \(pid \d+\): ready)", 20s, mark), "web.sock");

    // A reload starts both pools' workers again (app's after rapid-fail), connections still held.
    mark = log_mark();
    ASSERT_EQ(::kill(master().pid(), SIGHUP), 0);
    ASSERT_TRUE(wait_log("reload complete", 30s, mark)) << tail(master().error_output());
    expect_clean(wait_log(R"(pool app: worker \d+ \(pid \d+\): ready)", 20s, mark), "app.sock");
    expect_clean(wait_log(R"(pool web: worker \d+ \(pid \d+\): ready)", 20s, mark), "web.sock");
    held.clear();
    stop_master();
}

}  // namespace
}  // namespace isapi_fcgi::test
