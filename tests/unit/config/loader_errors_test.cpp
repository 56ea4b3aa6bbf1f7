// Every way a configuration can be wrong, each with the exact position and message it reports.
#include "config/loader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "test_files.hpp"

namespace isapi_fcgi::config {
namespace {

struct located {
    int line;
    int column;
    std::string reason;
};

located error_of(std::string_view yaml) {
    try {
        load_string(yaml, "t.yaml");
    } catch (const config_error& e) {
        const std::string prefix =
            "t.yaml:" + std::to_string(e.line()) + ':' + std::to_string(e.column()) + ": ";
        EXPECT_EQ(e.source(), "t.yaml");
        EXPECT_EQ(std::string(e.what()), prefix + e.reason());
        return {e.line(), e.column(), e.reason()};
    }
    return {0, 0, "(no error)"};
}

void expect_error(std::string_view yaml, int line, int column, std::string_view reason) {
    const located got = error_of(yaml);
    EXPECT_EQ(got.reason, reason) << yaml;
    EXPECT_EQ(got.line, line) << yaml;
    EXPECT_EQ(got.column, column) << yaml;
}

// A valid pool to which each case adds one line at line 3, column 5.
std::string pool_with(std::string_view line) {
    return "pools:\n  - name: web\n    " + std::string(line) + "\n";
}

TEST(loader_errors, yaml_syntax) {
    const located got = error_of("pools:\n  - name: [a, b\n");
    EXPECT_EQ(got.reason.rfind("invalid YAML: ", 0), 0U) << got.reason;
    EXPECT_GE(got.line, 2);
    expect_error("pools: [{}]\n---\npools: [{}]\n", 3, 1, "expected one YAML document, found 2");
    // Found by config_loader_fuzzer: yaml-cpp's LoadAll never returned on these (and kept
    // allocating empty documents); a stray ',' starting a document is now an error there.
    expect_error(",a: 1\n", 1, 1, "invalid YAML: unexpected ','");
    expect_error("pools: []\n---\n,ools: []\n", 3, 1, "invalid YAML: unexpected ','");
}

TEST(loader_errors, document_shape) {
    expect_error("", 1, 1, "no pools defined");
    expect_error("# nothing but a comment\n", 1, 1, "no pools defined");
    expect_error("log:\n  level: info\n", 1, 1, "no pools defined");
    expect_error("log: {}\npools: []\n", 2, 1, "no pools defined");
    expect_error("log: {}\npools:\n", 2, 1, "no pools defined");
    expect_error("hello\n", 1, 1,
                 "expected a map of keys (log, pools) at the top level, got a value");
    expect_error("- a\n- b\n", 1, 1,
                 "expected a map of keys (log, pools) at the top level, got a list");
    expect_error("pools: web\n", 1, 8, "pools: expected a list of pools, got a value");
    expect_error("pools: {name: web}\n", 1, 8, "pools: expected a list of pools, got a map");
    expect_error("pools:\n  - web\n", 2, 5,
                 "a pool must be a map of keys (name, listen, ...), got a value");
    expect_error("pools:\n  - [a]\n", 2, 5,
                 "a pool must be a map of keys (name, listen, ...), got a list");
}

TEST(loader_errors, unknown_keys_name_their_scope) {
    expect_error("pools: [{}]\nfoo: 1\n", 2, 1, "unknown key 'foo'");
    expect_error("log:\n  lvl: info\npools: [{}]\n", 2, 3, "unknown key 'log.lvl'");
    expect_error(pool_with("foo: 1"), 3, 5, "unknown key 'foo' in pool 'web'");
    expect_error(pool_with("limits: { max_conn: 1 }"), 3, 15,
                 "unknown key 'limits.max_conn' in pool 'web'");
    expect_error("pools:\n  - listen: unix:/a.sock\n    worker: 2\n", 3, 5,
                 "unknown key 'worker' in pool #1");
    // The pool's name is known even when the unknown key comes before it.
    expect_error("pools:\n  - {}\n  - bogus: 1\n    name: second\n", 3, 5,
                 "unknown key 'bogus' in pool 'second'");
    // Nested keys are written nested, never as one dotted key.
    expect_error(pool_with("limits.max_connections: 5"), 3, 5,
                 "unknown key 'limits.max_connections' in pool 'web'");
    expect_error("log.level: debug\npools: [{}]\n", 1, 1, "unknown key 'log.level'");
    // Scalar keys only: a key that is itself a list is no name at all.
    expect_error("? [a]\n: 1\npools: [{}]\n", 1, 3, "a key must be a plain name");
}

TEST(loader_errors, duplicate_keys) {
    expect_error(pool_with("name: other"), 3, 5, "duplicate key 'name' in pool 'web'");
    expect_error("log: {level: info, level: debug}\npools: [{}]\n", 1, 20,
                 "duplicate key 'log.level'");
    expect_error("pools: [{}]\npools: [{}]\n", 2, 1, "duplicate key 'pools'");
}

TEST(loader_errors, sections_must_be_maps) {
    expect_error("log: debug\npools: [{}]\n", 1, 6, "log: expected a map of keys, got a value");
    expect_error(pool_with("limits: 5"), 3, 13, "limits: expected a map of keys, got a value");
    expect_error(pool_with("timeouts: [1s]"), 3, 15,
                 "timeouts: expected a map of keys, got a list");
    expect_error(pool_with("socket: \"0660\""), 3, 13,
                 "socket: expected a map of keys, got a value");
}

TEST(loader_errors, log_values) {
    expect_error("log: {level: verbose}\npools: [{}]\n", 1, 14,
                 "log.level: 'verbose' is not a level (use trace, debug, info, warn, error, "
                 "critical or off)");
    expect_error("log:\n  level:\npools: [{}]\n", 2, 3,
                 "log.level: expected a log level, got nothing");
    expect_error("log: {file: isapi.log}\npools: [{}]\n", 1, 13,
                 "log.file: 'isapi.log' is not an absolute path (or \"\" for stderr)");
    expect_error("log: {file: [a]}\npools: [{}]\n", 1, 13,
                 "log.file: expected a file path, got a list");
}

TEST(loader_errors, pool_names) {
    expect_error("pools:\n  - name: my pool\n", 2, 11,
                 "name: 'my pool' is not a pool name (1 to 64 of A-Z a-z 0-9 _ . -)");
    expect_error("pools:\n  - name: \"\"\n", 2, 11,
                 "name: '' is not a pool name (1 to 64 of A-Z a-z 0-9 _ . -)");
    const std::string long_name(65, 'a');
    expect_error("pools:\n  - name: " + long_name + "\n", 2, 11,
                 "name: '" + long_name + "' is not a pool name (1 to 64 of A-Z a-z 0-9 _ . -)");
    expect_error("pools:\n  - name: [a]\n", 2, 11, "name: expected a pool name, got a list");
    expect_error(
        "pools:\n  - name: a\n    listen: fd:3\n  - name: b\n    listen: fd:4\n"
        "  - name: a\n    listen: fd:5\n",
        6, 11, "duplicate pool name 'a' (first defined at t.yaml:2:11)");
    // Two unnamed pools are both "default"; the error points at the second pool.
    expect_error("pools:\n  - listen: unix:/a.sock\n  - listen: unix:/b.sock\n", 3, 5,
                 "duplicate pool name 'default' (first defined at t.yaml:2:5)");
}

TEST(loader_errors, listen_values) {
    expect_error(pool_with("listen: 127.0.0.1:9000"), 3, 13,
                 "listen: '127.0.0.1:9000' is not a listen address (use unix:/path, tcp:HOST:PORT, "
                 "fd:N or systemd:NAME)");
    expect_error(pool_with("listen: unix:run/x.sock"), 3, 13,
                 "listen: 'unix:run/x.sock' needs an absolute socket path (unix:/run/x.sock)");
    // An item in a list is reported at the item.
    expect_error("pools:\n  - listen:\n      - unix:/a.sock\n      - tcp:127.0.0.1:99999\n", 4, 9,
                 "listen: 'tcp:127.0.0.1:99999': the port must be a number from 0 to 65535");
    expect_error(pool_with("listen: []"), 3, 13, "listen: expected at least one listen address");
    expect_error(pool_with("listen:"), 3, 5, "listen: expected at least one listen address");
    expect_error(pool_with("listen: {unix: /a}"), 3, 13,
                 "listen: expected a listen address or a list of them, got a map");
    expect_error(pool_with("listen: [[unix:/a]]"), 3, 14,
                 "listen: expected a listen address, got a list");
}

TEST(loader_errors, listen_conflicts) {
    expect_error(
        "pools:\n  - name: a\n    listen: unix:/run/a.sock\n"
        "  - name: b\n    listen: [unix:/run/b.sock, unix:/run/a.sock]\n",
        5, 32, "unix:/run/a.sock is already used by pool 'a'");
    expect_error(
        "pools:\n  - name: a\n    listen: tcp:127.0.0.1:9000\n"
        "  - name: b\n    listen: tcp:localhost:9000\n",
        5, 13, "tcp:localhost:9000 is already used by pool 'a'");
    expect_error("pools:\n  - name: a\n    listen: [fd:3, fd:3]\n", 3, 20,
                 "fd:3 is listed twice in this pool");
    // Both take the default address; the second pool is the one to fix.
    expect_error("pools:\n  - name: a\n  - name: b\n", 3, 5,
                 "unix:/run/isapi-fcgi/isapi-fcgi.sock is already used by pool 'a'");
}

TEST(loader_errors, tcp_beyond_loopback_needs_allowed_clients) {
    expect_error(pool_with("listen: tcp:0.0.0.0:9000"), 3, 13,
                 "tcp:0.0.0.0:9000 is not loopback: list the peers in allowed_clients");
    expect_error(pool_with("listen: [unix:/a.sock, \"tcp:[::]:9000\"]"), 3, 28,
                 "tcp:[::]:9000 is not loopback: list the peers in allowed_clients");
    expect_error(pool_with("listen: tcp:10.0.0.1:0\n    allowed_clients: []"), 3, 13,
                 "tcp:10.0.0.1:0 is not loopback: list the peers in allowed_clients");
}

TEST(loader_errors, socket_values) {
    expect_error(pool_with("socket: { mode: \"0999\" }"), 3, 21,
                 "socket.mode: '0999' is not a permission mode (use octal, \"0660\")");
    expect_error(pool_with("socket: { mode: 01777 }"), 3, 21,
                 "socket.mode: '01777' is not a permission mode (use octal, \"0660\")");
    expect_error(pool_with("socket: { owner: no-such-user-isapi-fcgi }"), 3, 22,
                 "socket.owner: no user 'no-such-user-isapi-fcgi' on this system");
    expect_error(pool_with("socket: { group: no-such-group-isapi-fcgi }"), 3, 22,
                 "socket.group: no group 'no-such-group-isapi-fcgi' on this system");
    expect_error(pool_with("socket: { owner: [root] }"), 3, 22,
                 "socket.owner: expected a name or numeric id, got a list");
}

TEST(loader_errors, allowed_clients_values) {
    expect_error(pool_with("allowed_clients: [10.0.0.0/8, 10.0.0.1/33]"), 3, 35,
                 "allowed_clients: '10.0.0.1/33': the prefix length must be 0 to 32");
    expect_error(pool_with("allowed_clients: example.com"), 3, 22,
                 "allowed_clients: 'example.com' is not an IP address or CIDR block (10.0.0.0/8, "
                 "fd00::/8)");
    expect_error(pool_with("allowed_clients: {a: 1}"), 3, 22,
                 "allowed_clients: expected an address, a CIDR block or a list of them, got a map");
}

TEST(loader_errors, whole_numbers_and_ranges) {
    expect_error(pool_with("io_threads: 65"), 3, 17, "io_threads: '65' is out of range (0 to 64)");
    expect_error(pool_with("io_threads: -1"), 3, 17, "io_threads: '-1' is not a whole number");
    expect_error(pool_with("io_threads: 1.5"), 3, 17, "io_threads: '1.5' is not a whole number");
    expect_error(pool_with("io_threads:"), 3, 5,
                 "io_threads: expected a whole number, got nothing");
    expect_error(pool_with("listen_backlog: 0"), 3, 21,
                 "listen_backlog: '0' is out of range (1 to 65535)");
    expect_error(pool_with("limits: { max_connections: 0 }"), 3, 32,
                 "limits.max_connections: '0' is out of range (1 to 1048576)");
    expect_error(pool_with("limits: { max_requests_per_connection: 65536 }"), 3, 44,
                 "limits.max_requests_per_connection: '65536' is out of range (1 to 65535)");
}

TEST(loader_errors, sizes) {
    expect_error(pool_with("limits: { max_params_bytes: 12XB }"), 3, 33,
                 "limits.max_params_bytes: '12XB' is not a size (use 65536, 64KiB, 1MiB)");
    expect_error(pool_with("limits: { max_params_bytes: 32MiB }"), 3, 33,
                 "limits.max_params_bytes: '32MiB' is out of range (1 to 16MiB)");
    expect_error(pool_with("limits: { max_params_bytes: 0 }"), 3, 33,
                 "limits.max_params_bytes: '0' is out of range (1 to 16MiB)");
    expect_error(pool_with("limits: { max_stdin_buffer: 1KiB }"), 3, 33,
                 "limits.max_stdin_buffer: '1KiB' is out of range (4KiB to 1GiB)");
    expect_error(pool_with("limits: { max_stdin_buffer: 2GiB }"), 3, 33,
                 "limits.max_stdin_buffer: '2GiB' is out of range (4KiB to 1GiB)");
}

TEST(loader_errors, body_temp_dir_must_be_absolute) {
    expect_error(pool_with("limits: { body_temp_dir: tmp/bodies }"), 3, 30,
                 "limits.body_temp_dir: 'tmp/bodies' is not an absolute path");
}

TEST(loader_errors, durations) {
    expect_error(pool_with("timeouts: { idle: 0 }"), 3, 23,
                 "timeouts.idle: '0' is out of range (1ms to 24h)");
    expect_error(pool_with("timeouts: { read: 25h }"), 3, 23,
                 "timeouts.read: '25h' is out of range (1ms to 24h)");
    expect_error(pool_with("timeouts: { write: 5x }"), 3, 24,
                 "timeouts.write: '5x' is not a duration (use 500ms, 30s, 5m, 1h)");
    expect_error(pool_with("timeouts: { linger: [5s] }"), 3, 25,
                 "timeouts.linger: expected a duration, got a list");
}

TEST(loader_errors, other_pool_values) {
    expect_error(pool_with("ping_path: ping"), 3, 16,
                 "ping_path: 'ping' is not a URL path (start with '/', or \"\" to disable)");
    expect_error(pool_with("ping_path: \"/a b\""), 3, 16,
                 "ping_path: '/a b' is not a URL path (start with '/', or \"\" to disable)");
    // A byte above 0x7f is not a control character (a signed char comparison took it for one).
    EXPECT_NO_THROW(config::load_string(pool_with("ping_path: \"/caf\xc3\xa9\"\n    listen: unix:/run/x.sock"), "t.yaml"));
    expect_error(pool_with("ping_response: [pong]"), 3, 20,
                 "ping_response: expected a string, got a list");
    expect_error(pool_with("extensions: {a: 1}"), 3, 17,
                 "extensions: expected a list of extensions, got a map");
    expect_error(pool_with("extensions: app.so"), 3, 17,
                 "extensions: expected a list of extensions, got a value");
}

TEST(loader_errors, script_map_entries) {
    const auto maps = [](std::string_view entry) {
        return pool_with("extensions: [{name: shop, path: /shop.so}]\n    script_maps: [" + std::string(entry) + "]");
    };
    EXPECT_NE(error_of(maps("{extension: nope, path: \"*.isa\"}")).reason.find("names extension 'nope', which this pool does not have"),
              std::string::npos);
    EXPECT_NE(error_of(maps("{extension: shop, path: \"*.i/sa\"}")).reason.find("is not a script map path"),
              std::string::npos);
    EXPECT_NE(error_of(maps("{extension: shop, path: \"*\", url_prefix: shop}")).reason.find("is not a URL path"),
              std::string::npos);
    EXPECT_NE(error_of(maps("{extension: shop}")).reason.find("script map #1 needs 'path'"), std::string::npos);
    EXPECT_NE(error_of(maps("{extension: shop, path: \"*\", verbs: [\"G T\"]}")).reason.find("is not an HTTP method"),
              std::string::npos);
    EXPECT_NE(error_of(pool_with("url_flags: [read, fly]")).reason.find("'fly' is not a URL flag"), std::string::npos);
    EXPECT_NE(error_of(pool_with("send_url: teleport")).reason.find("is not a SEND_URL mode"), std::string::npos);
    EXPECT_NE(error_of(pool_with("all_http_line_end: cr")).reason.find("is not a line end"), std::string::npos);
    EXPECT_NE(error_of(pool_with("server_variables: {\"A B\": x}")).reason.find("is not a server variable name"),
              std::string::npos);
}

TEST(loader_errors, filter_entries) {
    const auto filters = [](std::string_view entries) { return pool_with("filters: [" + std::string(entries) + "]"); };
    EXPECT_NE(error_of(filters("{name: sso}")).reason.find("filter 'sso' needs 'path'"), std::string::npos);
    EXPECT_NE(error_of(filters("{path: /a.so}")).reason.find("filter #1 needs 'name'"), std::string::npos);
    EXPECT_NE(error_of(filters("{name: sso, path: sso.so}")).reason.find("'sso.so' is not an absolute path"),
              std::string::npos);
    EXPECT_NE(error_of(filters("{name: sso, path: /a.so, urls: /a.dll}")).reason.find("unknown key 'urls' in filter 'sso'"),
              std::string::npos);
    EXPECT_NE(error_of(filters("{name: sso, path: /a.so}, {name: sso, path: /b.so}")).reason.find("duplicate filter name 'sso'"),
              std::string::npos);
    EXPECT_NE(error_of(filters("{name: 'a b', path: /a.so}")).reason.find("is not a filter name"), std::string::npos);
    EXPECT_NE(error_of(filters("sso.so")).reason.find("a filter must be a map"), std::string::npos);
    EXPECT_NE(error_of(pool_with("filter_session_timeout: soon")).reason.find("is not a duration"), std::string::npos);
}

TEST(loader_errors, extension_entries) {
    const auto ext = [](std::string_view entry) { return pool_with("extensions: [" + std::string(entry) + "]"); };
    EXPECT_NE(error_of(ext("{name: a, path: /a.so}")).reason.find("extension 'a' has no urls and no script map"),
              std::string::npos);
    EXPECT_NE(error_of(ext("{name: a, urls: /a.dll}")).reason.find("needs 'path'"), std::string::npos);
    EXPECT_NE(error_of(ext("{name: a, path: a.so, urls: /a.dll}")).reason.find("'a.so' is not an absolute path"),
              std::string::npos);
    EXPECT_NE(error_of(ext("{name: a, path: /a.so, urls: a.dll}")).reason.find("is not a URL path"),
              std::string::npos);
    EXPECT_NE(error_of(ext("{name: a, path: /a.so, urls: /a.dll, colour: red}"))
                  .reason.find("unknown key 'colour' in extension 'a'"),
              std::string::npos);
    EXPECT_NE(error_of(ext("{name: a, path: /a.so, urls: /a.dll}, {name: a, path: /b.so, urls: /b.dll}"))
                  .reason.find("duplicate extension name 'a'"),
              std::string::npos);
    EXPECT_NE(error_of(ext("{name: a, path: /a.so, urls: /a.dll, required: maybe}")).reason.find("not a boolean"),
              std::string::npos);
    const located bad_name = error_of(ext("{name: 'a b', path: /a.so, urls: /a.dll}"));
    EXPECT_NE(bad_name.reason.find("is not an extension name"), std::string::npos);
    EXPECT_EQ(bad_name.line, 3);
}

TEST(loader_errors, files) {
    const test::temp_dir dir;
    const std::string missing = (dir.path() / "missing.yaml").string();
    try {
        load_file(missing);
        ADD_FAILURE() << "no error for a missing file";
    } catch (const config_error& e) {
        EXPECT_EQ(std::string(e.what()),
                  missing + ": cannot open the configuration file: No such file or directory");
        EXPECT_EQ(e.line(), 0);
        EXPECT_EQ(e.source(), missing);
    }
    try {
        load_file(dir.path().string());
        ADD_FAILURE() << "no error for a directory";
    } catch (const config_error& e) {
        EXPECT_EQ(std::string(e.what()), dir.path().string() + ": is not a regular file");
    }
    const std::string big = dir.write("big.yaml", std::string(max_file_size + 1, '#'));
    try {
        load_file(big);
        ADD_FAILURE() << "no error for a large file";
    } catch (const config_error& e) {
        EXPECT_EQ(std::string(e.what()),
                  big + ": is larger than 1MiB; is it the configuration file?");
    }
    const std::string bad = dir.write("bad.yaml", "pools:\n  - name: web\n    nope: 1\n");
    try {
        load_file(bad);
        ADD_FAILURE() << "no error for a bad file";
    } catch (const config_error& e) {
        EXPECT_EQ(std::string(e.what()), bad + ":3:5: unknown key 'nope' in pool 'web'");
    }
}

TEST(loader_errors, a_numeric_user_without_a_passwd_entry_needs_a_group) {
    // Without one, the workers would keep the master's group: 0 under root.
    const located got = error_of(pool_with("user: \"4000000000\""));
    EXPECT_EQ(got.reason, "user '4000000000' has no passwd entry, hence no primary group: set the pool's 'group'");
    EXPECT_EQ(got.line, 3);
    EXPECT_EQ(error_of(pool_with("user: \"4000000000\"\n    group: \"4000000000\"")).reason, "(no error)");
    EXPECT_EQ(error_of(pool_with("user: \"0\"")).reason, "(no error)");  // root has an entry
}

TEST(loader_errors, log_formats_and_access_log_variables) {
    expect_error("log:\n  format: xml\npools: [{}]\n", 2, 11, "log.format: 'xml' is not a log format (use text or json)");
    const located got = error_of("log:\n  access_format: \"$status $nope\"\npools: [{}]\n");
    EXPECT_EQ(got.line, 2);
    EXPECT_NE(got.reason.find("unknown access log variable $nope"), std::string::npos) << got.reason;
    const settings s = load_string("log:\n  format: json\n  mode: \"0600\"\n  access_format: \"$status ${pid}\"\npools: [{}]\n", "t.yaml");
    EXPECT_EQ(s.log.format, "json");
    EXPECT_EQ(s.log.mode, 0600U);
    ASSERT_EQ(s.access_template.segments.size(), 3U);
    EXPECT_EQ(s.access_template.segments[1].literal, " ");
    EXPECT_EQ(load_string("pools: [{}]", "t.yaml").access_format, "combined");
}

}  // namespace
}  // namespace isapi_fcgi::config

namespace isapi_fcgi::config {
namespace {

// URLs are matched case-insensitively unless url_case_sensitive: the same URL in another case
// (or with a trailing or doubled slash) would never reach the second extension.
TEST(loader_errors, the_same_url_twice_under_the_pools_case_rule) {
    const std::string head =
        "pools:\n"
        "  - listen: unix:/run/a.sock\n";
    const std::string extensions =
        "    extensions:\n"
        "      - { name: a, path: /x/a.so, urls: /scripts/app.dll }\n"
        "      - { name: b, path: /x/b.so, urls: [/other.dll, /Scripts/App.dll/] }\n";
    expect_error(head + extensions, 5, 54,
                 "URL '/Scripts/App.dll/' of extension 'b' is already mapped to extension 'a' (URLs match "
                 "case-insensitively; see url_case_sensitive)");
    // Case-sensitive: two URLs.
    EXPECT_NO_THROW(load_string(head + "    url_case_sensitive: true\n" + extensions, "t.yaml"));
}

TEST(loader_errors, secure_crt_policy) {
    const located got = error_of(pool_with("secure_crt_invalid_parameter: crash"));
    EXPECT_EQ(got.line, 3);
    EXPECT_NE(got.reason.find("'crash' is not a secure CRT policy (use fail or abort)"), std::string::npos) << got.reason;
    EXPECT_NO_THROW(load_string(pool_with("secure_crt_invalid_parameter: abort"), "t.yaml"));
}

}  // namespace
}  // namespace isapi_fcgi::config
