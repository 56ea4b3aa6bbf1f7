#include "config/loader.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "config/schema.hpp"
#include "test_files.hpp"

namespace isapi_fcgi::config {
namespace {

using namespace std::chrono_literals;

constexpr const char* minimal = R"(
pools:
  - name: default
    listen: unix:/run/isapi-fcgi/default.sock
)";

TEST(loader, absent_keys_take_the_defaults_of_settings_hpp) {
    const settings s = load_string(minimal, "minimal.yaml");
    const settings defaults;
    const pool_settings pool_defaults;
    EXPECT_EQ(s.source, "minimal.yaml");
    EXPECT_EQ(s.log.level, defaults.log.level);
    EXPECT_EQ(s.log.file, defaults.log.file);
    ASSERT_EQ(s.pools.size(), 1U);
    const pool_settings& p = s.pools[0];
    EXPECT_EQ(p.name, "default");
    ASSERT_EQ(p.listen.size(), 1U);
    EXPECT_EQ(p.listen[0].path, "/run/isapi-fcgi/default.sock");
    EXPECT_EQ(p.socket.mode, pool_defaults.socket.mode);
    EXPECT_EQ(p.socket.owner, "");
    EXPECT_EQ(p.socket.group, "");
    EXPECT_TRUE(p.allowed_clients.empty());
    EXPECT_EQ(p.io_threads, pool_defaults.io_threads);
    EXPECT_EQ(p.listen_backlog, pool_defaults.listen_backlog);
    EXPECT_EQ(p.ping_path, pool_defaults.ping_path);
    EXPECT_EQ(p.ping_response, pool_defaults.ping_response);
    EXPECT_EQ(p.limit.max_connections, pool_defaults.limit.max_connections);
    EXPECT_EQ(p.limit.max_requests_per_connection, pool_defaults.limit.max_requests_per_connection);
    EXPECT_EQ(p.limit.max_params_bytes, pool_defaults.limit.max_params_bytes);
    EXPECT_EQ(p.limit.max_stdin_buffer, pool_defaults.limit.max_stdin_buffer);
    EXPECT_EQ(p.timeout.idle, pool_defaults.timeout.idle);
    EXPECT_EQ(p.timeout.read, pool_defaults.timeout.read);
    EXPECT_EQ(p.timeout.write, pool_defaults.timeout.write);
    EXPECT_EQ(p.timeout.linger, pool_defaults.timeout.linger);
}

TEST(loader, filters_are_read_in_order_with_their_place) {
    const settings s = load_string(R"(
pools:
  - name: app
    filters:
      - {name: sso, path: /opt/sso.so}
      - name: rewrite
        path: /opt/rewrite.so
    filter_session_timeout: 5s
)",
                                   "filters.yaml");
    const auto& isapi = s.pools.at(0).isapi;
    ASSERT_EQ(isapi.filters.size(), 2U);
    EXPECT_EQ(isapi.filters[0].name, "sso");
    EXPECT_EQ(isapi.filters[0].path, "/opt/sso.so");
    EXPECT_EQ(isapi.filters[0].line, 5);
    EXPECT_EQ(isapi.filters[1].name, "rewrite");
    EXPECT_EQ(isapi.filters[1].path, "/opt/rewrite.so");
    EXPECT_EQ(isapi.filter_session_timeout, 5s);
    EXPECT_TRUE(load_string(minimal, "minimal.yaml").pools.at(0).isapi.filters.empty());
}

TEST(loader, a_pool_without_listen_or_name_gets_the_defaults) {
    const settings s = load_string("pools:\n  - {}\n", "t.yaml");
    ASSERT_EQ(s.pools.size(), 1U);
    EXPECT_EQ(s.pools[0].name, "default");
    ASSERT_EQ(s.pools[0].listen.size(), 1U);
    EXPECT_EQ(s.pools[0].listen[0].text, default_listen);
    EXPECT_EQ(s.pools[0].listen[0].path, "/run/isapi-fcgi/isapi-fcgi.sock");
}

TEST(loader, empty_sections_keep_their_defaults) {
    const settings s = load_string(
        "log:\npools:\n  - name: a\n    socket:\n    limits:\n    timeouts: {}\n"
        "    allowed_clients:\n    extensions:\n",
        "t.yaml");
    EXPECT_EQ(s.log.level, "info");
    EXPECT_EQ(s.pools[0].limit.max_connections, 1024U);
    EXPECT_EQ(s.pools[0].timeout.idle, 300s);
    EXPECT_TRUE(s.pools[0].allowed_clients.empty());
}

TEST(loader, every_key_set_is_read) {
    const settings s = load_string(R"(
log:
  level: debug
  file: /var/log/isapi-fcgi/isapi-fcgi.log
pools:
  - name: app.v2_x-1
    listen:
      - unix:/run/isapi-fcgi/app.sock
      - tcp:10.1.2.3:9000
      - "tcp:[::]:9001"
      - fd:3
    socket: { mode: "0600", owner: "0", group: "0" }
    allowed_clients: [10.0.0.0/8, "::1", 192.168.1.7, "fd00::/8"]
    io_threads: 8
    listen_backlog: 128
    ping_path: /health/ping
    ping_response: "ok"
    limits:
      max_connections: 10
      max_requests_per_connection: 1
      max_params_bytes: 1MiB
      max_stdin_buffer: 4KiB
      body_temp_dir: /var/tmp/isapi
    timeouts:
      idle: 1h
      read: 500ms
      write: 90
      linger: 1m
    extensions:
      - name: app
        path: /opt/app/app.so
        urls: [/scripts/app.dll, /Legacy/App.DLL]
        required: true
      - { name: other, path: /opt/other.so, urls: /other.dll }
    document_root: /srv/www
    url_case_sensitive: true
    extension_threads: 4
    upload_read_ahead: 8KiB
    max_request_body: 1GiB
    queue_timeout: 2s
    max_response_header_bytes: 16KiB
    server_software: Microsoft-IIS/6.0
    default_content_type: text/plain
    url_flags: [read, write, script]
    send_url: internal
    all_http_line_end: crlf
    server_variables: {instance_id: "3", APPL_MD_PATH: /LM/W3SVC/3/ROOT/app}
    script_maps:
      - { extension: app, path: "*.isa", url_prefix: /shop, verbs: [get, POST] }
      - { extension: other, path: "*" }
    allow_path_info_for_script_mappings: true
)",
                                   "full.yaml");
    EXPECT_EQ(s.log.level, "debug");
    EXPECT_EQ(s.log.file, "/var/log/isapi-fcgi/isapi-fcgi.log");
    ASSERT_EQ(s.pools.size(), 1U);
    const pool_settings& p = s.pools[0];
    EXPECT_EQ(p.name, "app.v2_x-1");
    ASSERT_EQ(p.listen.size(), 4U);
    EXPECT_EQ(p.listen[0].type, listen_address::kind::unix_socket);
    EXPECT_EQ(p.listen[1].type, listen_address::kind::tcp);
    EXPECT_EQ(p.listen[1].host, "10.1.2.3");
    EXPECT_EQ(p.listen[1].port, 9000);
    EXPECT_EQ(p.listen[2].host, "::");
    EXPECT_EQ(p.listen[2].port, 9001);
    EXPECT_EQ(p.listen[3].type, listen_address::kind::inherited_fd);
    EXPECT_EQ(p.listen[3].fd, 3);
    EXPECT_EQ(p.socket.mode, 0600U);
    EXPECT_EQ(p.socket.owner, "0");
    EXPECT_EQ(p.socket.group, "0");
    ASSERT_EQ(p.allowed_clients.size(), 4U);
    EXPECT_EQ(p.allowed_clients[0].prefix_length, 8U);
    EXPECT_TRUE(p.allowed_clients[1].ipv6);
    EXPECT_EQ(p.allowed_clients[2].text, "192.168.1.7");
    EXPECT_EQ(p.allowed_clients[3].network[0], 0xfd);
    EXPECT_EQ(p.io_threads, 8U);
    EXPECT_EQ(p.listen_backlog, 128U);
    EXPECT_EQ(p.ping_path, "/health/ping");
    EXPECT_EQ(p.ping_response, "ok");
    EXPECT_EQ(p.limit.max_connections, 10U);
    EXPECT_EQ(p.limit.max_requests_per_connection, 1U);
    EXPECT_EQ(p.limit.max_params_bytes, 1U << 20);
    EXPECT_EQ(p.limit.max_stdin_buffer, 4096U);
    EXPECT_EQ(p.limit.body_temp_dir, "/var/tmp/isapi");
    EXPECT_EQ(p.timeout.idle, 1h);
    EXPECT_EQ(p.timeout.read, 500ms);
    EXPECT_EQ(p.timeout.write, 90s);
    EXPECT_EQ(p.timeout.linger, 1min);
    ASSERT_EQ(p.isapi.extensions.size(), 2U);
    EXPECT_EQ(p.isapi.extensions[0].name, "app");
    EXPECT_EQ(p.isapi.extensions[0].path, "/opt/app/app.so");
    EXPECT_EQ(p.isapi.extensions[0].urls, (std::vector<std::string>{"/scripts/app.dll", "/Legacy/App.DLL"}));
    EXPECT_TRUE(p.isapi.extensions[0].required);
    EXPECT_EQ(p.isapi.extensions[1].urls, (std::vector<std::string>{"/other.dll"}));
    EXPECT_FALSE(p.isapi.extensions[1].required);
    EXPECT_EQ(p.isapi.document_root, "/srv/www");
    EXPECT_TRUE(p.isapi.url_case_sensitive);
    EXPECT_EQ(p.isapi.extension_threads, 4U);
    EXPECT_EQ(p.isapi.upload_read_ahead, 8192U);
    EXPECT_EQ(p.isapi.max_request_body, std::size_t{1} << 30);
    EXPECT_EQ(p.isapi.queue_timeout, 2s);
    EXPECT_EQ(p.isapi.max_response_header_bytes, 16384U);
    EXPECT_EQ(p.isapi.server_software, "Microsoft-IIS/6.0");
    EXPECT_EQ(p.isapi.default_content_type, "text/plain");
    EXPECT_EQ(p.isapi.url_flags, 0x001U | 0x002U | 0x200U);
    EXPECT_TRUE(p.isapi.send_url_internal);
    EXPECT_TRUE(p.isapi.all_http_crlf);
    EXPECT_EQ(p.isapi.server_variables, (std::vector<std::pair<std::string, std::string>>{
                                            {"INSTANCE_ID", "3"}, {"APPL_MD_PATH", "/LM/W3SVC/3/ROOT/app"}}));
    ASSERT_EQ(p.isapi.script_maps.size(), 2U);
    EXPECT_EQ(p.isapi.script_maps[0].extension, "app");
    EXPECT_EQ(p.isapi.script_maps[0].path, "*.isa");
    EXPECT_EQ(p.isapi.script_maps[0].url_prefix, "/shop");
    EXPECT_EQ(p.isapi.script_maps[0].verbs, (std::vector<std::string>{"GET", "POST"}));
    EXPECT_EQ(p.isapi.script_maps[1].path, "*");
    EXPECT_EQ(p.isapi.script_maps[1].url_prefix, "/");
    EXPECT_TRUE(p.isapi.allow_path_info_for_script_mappings);
}

TEST(loader, single_values_and_empty_strings) {
    const settings s = load_string(R"(
pools:
  - listen: tcp:localhost:0
    allowed_clients: 127.0.0.0/8
    ping_path: ""
    ping_response:
    socket: { mode: 600, owner: "", group: }
)",
                                   "t.yaml");
    const pool_settings& p = s.pools.at(0);
    ASSERT_EQ(p.listen.size(), 1U);
    EXPECT_EQ(p.listen[0].host, "127.0.0.1");
    ASSERT_EQ(p.allowed_clients.size(), 1U);
    EXPECT_EQ(p.allowed_clients[0].prefix_length, 8U);
    EXPECT_EQ(p.ping_path, "");
    EXPECT_EQ(p.ping_response, "");
    EXPECT_EQ(p.socket.mode, 0600U);
    EXPECT_EQ(p.socket.owner, "");
    EXPECT_EQ(p.socket.group, "");
}

TEST(loader, multiple_pools_keep_their_order_and_settings) {
    const settings s = load_string(R"(
pools:
  - name: first
    listen: unix:/run/a.sock
    io_threads: 1
  - name: second
    listen: [tcp:127.0.0.1:0, "tcp:[::1]:0"]
    limits: { max_connections: 7 }
  - name: third
    listen: tcp:127.0.0.1:0
)",
                                   "pools.yaml");
    ASSERT_EQ(s.pools.size(), 3U);
    EXPECT_EQ(s.pools[0].name, "first");
    EXPECT_EQ(s.pools[0].io_threads, 1U);
    EXPECT_EQ(s.pools[0].limit.max_connections, 1024U);
    EXPECT_EQ(s.pools[1].name, "second");
    EXPECT_EQ(s.pools[1].listen.size(), 2U);
    EXPECT_EQ(s.pools[1].limit.max_connections, 7U);
    EXPECT_EQ(s.pools[1].io_threads, 0U);
    EXPECT_EQ(s.pools[2].name, "third");  // port 0 twice is fine: each bind gets its own port
}

TEST(loader, non_loopback_tcp_with_allowed_clients_is_accepted) {
    const settings s = load_string(
        "pools:\n  - listen: tcp:0.0.0.0:9000\n    allowed_clients: [10.0.0.0/8]\n", "t.yaml");
    EXPECT_EQ(s.pools[0].listen[0].host, "0.0.0.0");
}

TEST(loader, the_shipped_example_file_loads) {
    const settings s = load_file(ISAPI_FCGI_EXAMPLE_CONFIG);
    EXPECT_EQ(s.source, ISAPI_FCGI_EXAMPLE_CONFIG);
    ASSERT_EQ(s.pools.size(), 1U);
    EXPECT_EQ(s.pools[0].name, "default");
    ASSERT_EQ(s.pools[0].listen.size(), 1U);
    EXPECT_EQ(s.pools[0].listen[0].text, default_listen);
    // It states the defaults, so it must read back exactly as an empty pool does.
    const settings empty = load_string("pools: [{}]", "empty.yaml");
    const pool_settings& a = s.pools[0];
    const pool_settings& b = empty.pools[0];
    EXPECT_EQ(s.log.level, empty.log.level);
    EXPECT_EQ(s.log.file, empty.log.file);
    EXPECT_EQ(a.socket.mode, b.socket.mode);
    EXPECT_EQ(a.socket.owner, b.socket.owner);
    EXPECT_EQ(a.socket.group, b.socket.group);
    EXPECT_EQ(a.allowed_clients.size(), b.allowed_clients.size());
    EXPECT_EQ(a.io_threads, b.io_threads);
    EXPECT_EQ(a.listen_backlog, b.listen_backlog);
    EXPECT_EQ(a.ping_path, b.ping_path);
    EXPECT_EQ(a.ping_response, b.ping_response);
    EXPECT_EQ(a.limit.max_connections, b.limit.max_connections);
    EXPECT_EQ(a.limit.max_requests_per_connection, b.limit.max_requests_per_connection);
    EXPECT_EQ(a.limit.max_params_bytes, b.limit.max_params_bytes);
    EXPECT_EQ(a.limit.max_stdin_buffer, b.limit.max_stdin_buffer);
    EXPECT_EQ(a.timeout.idle, b.timeout.idle);
    EXPECT_EQ(a.timeout.read, b.timeout.read);
    EXPECT_EQ(a.timeout.write, b.timeout.write);
    EXPECT_EQ(a.timeout.linger, b.timeout.linger);
}

TEST(loader, load_file_reads_a_real_file) {
    const test::temp_dir dir;
    const std::string path = dir.write("isapi-fcgi.yaml", minimal);
    const settings s = load_file(path);
    EXPECT_EQ(s.source, path);
    EXPECT_EQ(s.pools.at(0).listen.at(0).path, "/run/isapi-fcgi/default.sock");
}

}  // namespace
}  // namespace isapi_fcgi::config
