// Listening as the engine does it at start-up: unix socket files (stale, live, symlinked, not a
// socket), their mode, inherited descriptors, and the TCP client filter. In-process, since each
// case is about what the server constructor accepts or refuses.
#include "engine/server.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/fcgi_client.hpp"
#include "support/temp_dir.hpp"

namespace isapi_fcgi::engine {
namespace {

using namespace std::chrono_literals;
using test::deadline_after;

server_options settings_for(const std::string& listen, const std::function<void(pool_options&)>& tweak = {}) {
    listen_address address;
    if (listen.starts_with("unix:")) {
        address.type = listen_address::kind::unix_socket;
        address.path = listen.substr(5);
    } else if (listen.starts_with("fd:")) {
        address.type = listen_address::kind::inherited_fd;
        address.fd = std::stoi(listen.substr(3));
    } else {
        address.type = listen_address::kind::tcp;
        address.host = "127.0.0.1";
        address.port = 0;
    }
    address.text = listen;
    pool_options pool;
    pool.listen.push_back(address);
    pool.io_threads = 1;
    if (tweak) tweak(pool);
    server_options s;
    s.pools.push_back(pool);
    return s;
}

/// A server running on its own thread for the test's duration.
class running_server {
public:
    explicit running_server(const server_options& s) : server_(s), thread_([this] { server_.run(); }) {}
    ~running_server() {
        server_.stop();
        thread_.join();
    }
    server& get() { return server_; }

private:
    server server_;
    std::thread thread_;
};

/// A unix socket bound at `path`, listening or (after closing) left behind as a stale file.
int bind_unix(const std::string& path, bool listening) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    if (listening) {
        EXPECT_EQ(::listen(fd, 4), 0);
    }
    return fd;
}

bool ping_works(const std::string& address) {
    test::fcgi_client client(address);
    client.request(1, test::wire::cgi_params("/ping"));
    return client.wait_end(1, deadline_after(5s)) && client.state(1).response().body == "pong";
}

TEST(listener, a_stale_socket_file_is_replaced) {
    test::temp_dir dir("listener");
    const auto path = dir.file("stale.sock").string();
    ::close(bind_unix(path, false));  // the file stays; nothing listens on it
    running_server s(settings_for("unix:" + path));
    EXPECT_TRUE(ping_works("unix:" + path));
}

TEST(listener, a_socket_something_answers_on_is_not_taken_over) {
    test::temp_dir dir("listener");
    const auto path = dir.file("live.sock").string();
    const int live = bind_unix(path, true);
    try {
        server s(settings_for("unix:" + path));
        FAIL() << "start-up must fail while another process listens on the socket";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("another process is listening"), std::string::npos) << e.what();
    }
    ::close(live);
}

TEST(listener, symlinks_and_other_files_are_never_replaced) {
    test::temp_dir dir("listener");
    const auto target = dir.write_file("precious.txt", "keep me");
    const auto link = dir.file("link.sock").string();
    std::filesystem::create_symlink(target, link);
    EXPECT_THROW(
        {
            try {
                server s(settings_for("unix:" + link));
            } catch (const std::runtime_error& e) {
                EXPECT_NE(std::string(e.what()).find("symbolic link"), std::string::npos) << e.what();
                throw;
            }
        },
        std::runtime_error);
    EXPECT_TRUE(std::filesystem::is_symlink(link));
    EXPECT_THROW(server(settings_for("unix:" + target.string())), std::runtime_error);
    EXPECT_EQ(test::read_file(target), "keep me");
}

TEST(listener, the_socket_gets_its_configured_mode_and_is_removed_at_stop) {
    test::temp_dir dir("listener");
    const auto path = dir.file("mode.sock").string();
    {
        running_server s(settings_for("unix:" + path, [](auto& p) { p.socket.mode = 0600; }));
        struct stat st {};
        ASSERT_EQ(::lstat(path.c_str(), &st), 0);
        EXPECT_TRUE(S_ISSOCK(st.st_mode));
        EXPECT_EQ(st.st_mode & 0777, 0600u);
    }
    EXPECT_FALSE(std::filesystem::exists(path)) << "the socket file outlived the server";
}

TEST(listener, an_inherited_listening_descriptor_is_served) {
    test::temp_dir dir("listener");
    const auto path = dir.file("inherited.sock").string();
    const int fd = bind_unix(path, true);
    {
        running_server s(settings_for("fd:" + std::to_string(fd)));
        EXPECT_EQ(s.get().local_addresses().front(), "unix:" + path);
        EXPECT_TRUE(ping_works("unix:" + path));
    }
    const int not_listening = ::socket(AF_UNIX, SOCK_STREAM, 0);
    EXPECT_THROW(server(settings_for("fd:" + std::to_string(not_listening))), std::runtime_error);
    ::close(not_listening);
}

TEST(listener, tcp_peers_outside_allowed_clients_are_refused) {
    address_range elsewhere;
    elsewhere.network = {10, 0, 0, 0};
    elsewhere.prefix_length = 8;
    elsewhere.text = "10.0.0.0/8";
    running_server refusing(settings_for("tcp", [&](auto& p) { p.allowed_clients = {elsewhere}; }));
    test::fcgi_client client(refusing.get().local_addresses().front());
    EXPECT_TRUE(client.wait_eof(deadline_after(5s))) << "a loopback peer outside allowed_clients was served";

    running_server loopback_default(settings_for("tcp"));
    EXPECT_TRUE(ping_works(loopback_default.get().local_addresses().front()));
}

}  // namespace
}  // namespace isapi_fcgi::engine
