#include "config/value_parsers.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "config/value_error.hpp"

namespace isapi_fcgi::config {
namespace {

using namespace std::chrono_literals;

std::string error_of(auto parse, std::string_view text) {
    try {
        parse(text);
    } catch (const value_error& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(parse_size, accepts_bytes_and_binary_units) {
    EXPECT_EQ(parse_size("0"), 0U);
    EXPECT_EQ(parse_size("65536"), 65536U);
    EXPECT_EQ(parse_size("64K"), 64U * 1024);
    EXPECT_EQ(parse_size("64KiB"), 64U * 1024);
    EXPECT_EQ(parse_size("1M"), 1024U * 1024);
    EXPECT_EQ(parse_size("16MiB"), 16U * 1024 * 1024);
    EXPECT_EQ(parse_size("2G"), 2ULL * 1024 * 1024 * 1024);
    EXPECT_EQ(parse_size("1GiB"), 1024ULL * 1024 * 1024);
}

TEST(parse_size, rejects_other_forms_showing_the_accepted_ones) {
    for (const char* bad : {"12XB", "", "KiB", "1.5MiB", "-1", "+1", "64 KiB", "64kib", "64KB",
                            "1MB", "0x10", " 1", "1e3"}) {
        EXPECT_EQ(error_of(parse_size, bad),
                  "'" + std::string(bad) + "' is not a size (use 65536, 64KiB, 1MiB)")
            << bad;
    }
}

TEST(parse_size, rejects_overflow) {
    EXPECT_EQ(error_of(parse_size, "99999999999999999999"),
              "'99999999999999999999' is not a size (use 65536, 64KiB, 1MiB)");
    EXPECT_EQ(error_of(parse_size, "17179869184GiB"), "'17179869184GiB' is too large a size");
}

TEST(parse_duration, accepts_units_and_plain_seconds) {
    EXPECT_EQ(parse_duration("500ms"), 500ms);
    EXPECT_EQ(parse_duration("30s"), 30s);
    EXPECT_EQ(parse_duration("5m"), 5min);
    EXPECT_EQ(parse_duration("1h"), 1h);
    EXPECT_EQ(parse_duration("45"), 45s);
    EXPECT_EQ(parse_duration("0"), 0ms);
}

TEST(parse_duration, rejects_other_forms) {
    for (const char* bad : {"5x", "", "s", "1.5s", "-1s", "1d", "10 s", "1H", "1sec", "1m30s"}) {
        EXPECT_EQ(error_of(parse_duration, bad),
                  "'" + std::string(bad) + "' is not a duration (use 500ms, 30s, 5m, 1h)")
            << bad;
    }
    EXPECT_EQ(error_of(parse_duration, "9223372036854775807h"),
              "'9223372036854775807h' is too long a duration");
}

TEST(parse_whole_number, accepts_digits_only) {
    EXPECT_EQ(parse_whole_number("0"), 0U);
    EXPECT_EQ(parse_whole_number("511"), 511U);
    EXPECT_EQ(parse_whole_number("18446744073709551615"), 18446744073709551615ULL);
    for (const char* bad : {"", "-1", "+1", "1.0", "1k", "18446744073709551616", "true"}) {
        EXPECT_EQ(error_of(parse_whole_number, bad),
                  "'" + std::string(bad) + "' is not a whole number");
    }
}

TEST(parse_octal_mode, reads_octal_with_or_without_leading_zero) {
    EXPECT_EQ(parse_octal_mode("0660"), 0660U);
    EXPECT_EQ(parse_octal_mode("660"), 0660U);
    EXPECT_EQ(parse_octal_mode("0777"), 0777U);
    EXPECT_EQ(parse_octal_mode("0"), 0U);
    EXPECT_EQ(parse_octal_mode("600"), 0600U);
}

TEST(parse_octal_mode, rejects_non_octal_and_special_bits) {
    for (const char* bad : {"0999", "", "rw-rw----", "01777", "4755", "00660", "0x1b0", "-660"}) {
        EXPECT_EQ(error_of(parse_octal_mode, bad),
                  "'" + std::string(bad) + "' is not a permission mode (use octal, \"0660\")")
            << bad;
    }
}

TEST(parse_listen_address, unix_socket) {
    const auto a = parse_listen_address("unix:/run/isapi-fcgi/isapi-fcgi.sock");
    EXPECT_EQ(a.type, listen_address::kind::unix_socket);
    EXPECT_EQ(a.path, "/run/isapi-fcgi/isapi-fcgi.sock");
    EXPECT_EQ(a.text, "unix:/run/isapi-fcgi/isapi-fcgi.sock");
}

TEST(parse_listen_address, unix_path_must_be_absolute_and_fit_sun_path) {
    EXPECT_EQ(error_of(parse_listen_address, "unix:run/x.sock"),
              "'unix:run/x.sock' needs an absolute socket path (unix:/run/x.sock)");
    EXPECT_EQ(error_of(parse_listen_address, "unix:"),
              "'unix:' needs an absolute socket path (unix:/run/x.sock)");
    const std::string longest = "/" + std::string(106, 'a');
    EXPECT_EQ(parse_listen_address("unix:" + longest).path, longest);
    const std::string too_long = longest + "a";
    EXPECT_EQ(error_of(parse_listen_address, "unix:" + too_long),
              "'unix:" + too_long +
                  "': the socket path is 108 bytes, more than the 107 a unix socket allows");
}

TEST(parse_listen_address, tcp_ipv4_ipv6_and_localhost) {
    const auto v4 = parse_listen_address("tcp:127.0.0.1:9000");
    EXPECT_EQ(v4.type, listen_address::kind::tcp);
    EXPECT_EQ(v4.host, "127.0.0.1");
    EXPECT_EQ(v4.port, 9000);
    EXPECT_EQ(v4.text, "tcp:127.0.0.1:9000");

    const auto v6 = parse_listen_address("tcp:[::1]:0");
    EXPECT_EQ(v6.host, "::1");
    EXPECT_EQ(v6.port, 0);

    const auto expanded = parse_listen_address("tcp:[0:0:0:0:0:0:0:1]:65535");
    EXPECT_EQ(expanded.host, "::1");  // canonical, so duplicates are found
    EXPECT_EQ(expanded.port, 65535);
    EXPECT_EQ(expanded.text, "tcp:[0:0:0:0:0:0:0:1]:65535");

    const auto local = parse_listen_address("tcp:localhost:8080");
    EXPECT_EQ(local.host, "127.0.0.1");
    EXPECT_EQ(local.port, 8080);
    EXPECT_EQ(local.text, "tcp:localhost:8080");
}

TEST(parse_listen_address, tcp_errors) {
    EXPECT_EQ(error_of(parse_listen_address, "tcp:127.0.0.1:65536"),
              "'tcp:127.0.0.1:65536': the port must be a number from 0 to 65535");
    EXPECT_EQ(error_of(parse_listen_address, "tcp:127.0.0.1:"),
              "'tcp:127.0.0.1:': the port must be a number from 0 to 65535");
    EXPECT_EQ(error_of(parse_listen_address, "tcp:127.0.0.1:-1"),
              "'tcp:127.0.0.1:-1': the port must be a number from 0 to 65535");
    EXPECT_EQ(error_of(parse_listen_address, "tcp:127.0.0.1"),
              "'tcp:127.0.0.1' has no port (tcp:HOST:PORT)");
    EXPECT_EQ(error_of(parse_listen_address, "tcp:example.com:80"),
              "'tcp:example.com:80' needs a numeric IPv4 address, [IPv6] or localhost as its host");
    EXPECT_EQ(error_of(parse_listen_address, "tcp:1.2.3:80"),
              "'tcp:1.2.3:80' needs a numeric IPv4 address, [IPv6] or localhost as its host");
    EXPECT_EQ(error_of(parse_listen_address, "tcp:::1:9000"),
              "'tcp:::1:9000': write an IPv6 address in brackets, tcp:[::1]:9000");
    EXPECT_EQ(error_of(parse_listen_address, "tcp:[::1]9000"),
              "'tcp:[::1]9000' is not tcp:[IPV6]:PORT");
    EXPECT_EQ(error_of(parse_listen_address, "tcp:[::1"), "'tcp:[::1' is not tcp:[IPV6]:PORT");
    EXPECT_EQ(error_of(parse_listen_address, "tcp:[127.0.0.1]:80"),
              "'tcp:[127.0.0.1]:80': '127.0.0.1' is not an IPv6 address");
}

TEST(parse_listen_address, inherited_fd) {
    const auto a = parse_listen_address("fd:3");
    EXPECT_EQ(a.type, listen_address::kind::inherited_fd);
    EXPECT_EQ(a.fd, 3);
    EXPECT_EQ(parse_listen_address("fd:0").fd, 0);
    for (const char* bad : {"fd:", "fd:-1", "fd:x", "fd:2147483648"}) {
        EXPECT_EQ(error_of(parse_listen_address, bad),
                  "'" + std::string(bad) + "' needs a descriptor number, fd:3");
    }
}

TEST(parse_listen_address, unknown_scheme) {
    for (const char* bad : {"/run/x.sock", "127.0.0.1:9000", "udp:1.2.3.4:5", "", "UNIX:/x"}) {
        EXPECT_EQ(error_of(parse_listen_address, bad),
                  "'" + std::string(bad) +
                      "' is not a listen address (use unix:/path, tcp:HOST:PORT, fd:N or systemd:NAME)");
    }
}

TEST(is_loopback, only_loopback_tcp_addresses) {
    EXPECT_TRUE(is_loopback(parse_listen_address("tcp:127.0.0.1:1")));
    EXPECT_TRUE(is_loopback(parse_listen_address("tcp:127.255.0.9:1")));
    EXPECT_TRUE(is_loopback(parse_listen_address("tcp:localhost:1")));
    EXPECT_TRUE(is_loopback(parse_listen_address("tcp:[::1]:1")));
    EXPECT_TRUE(is_loopback(parse_listen_address("tcp:[::ffff:127.0.0.1]:1")));
    EXPECT_FALSE(is_loopback(parse_listen_address("tcp:0.0.0.0:1")));
    EXPECT_FALSE(is_loopback(parse_listen_address("tcp:128.0.0.1:1")));
    EXPECT_FALSE(is_loopback(parse_listen_address("tcp:[::]:1")));
    EXPECT_FALSE(is_loopback(parse_listen_address("tcp:[::2]:1")));
    EXPECT_FALSE(is_loopback(parse_listen_address("tcp:[::ffff:10.0.0.1]:1")));
    EXPECT_FALSE(is_loopback(parse_listen_address("unix:/x")));
    EXPECT_FALSE(is_loopback(parse_listen_address("fd:3")));
}

TEST(parse_address_range, ipv4_address_and_cidr) {
    const auto host = parse_address_range("192.168.1.7");
    EXPECT_FALSE(host.ipv6);
    EXPECT_EQ(host.prefix_length, 32U);
    EXPECT_EQ(host.network[0], 192);
    EXPECT_EQ(host.network[3], 7);
    EXPECT_EQ(host.text, "192.168.1.7");

    const auto block = parse_address_range("10.0.0.0/8");
    EXPECT_FALSE(block.ipv6);
    EXPECT_EQ(block.prefix_length, 8U);
    EXPECT_EQ(block.network[0], 10);
    EXPECT_EQ(block.network[1], 0);

    EXPECT_EQ(parse_address_range("0.0.0.0/0").prefix_length, 0U);
    EXPECT_EQ(parse_address_range("172.16.0.0/12").network[1], 16);
}

TEST(parse_address_range, ipv6_address_and_cidr) {
    const auto loop = parse_address_range("::1");
    EXPECT_TRUE(loop.ipv6);
    EXPECT_EQ(loop.prefix_length, 128U);
    EXPECT_EQ(loop.network[15], 1);

    const auto block = parse_address_range("fd00::/8");
    EXPECT_TRUE(block.ipv6);
    EXPECT_EQ(block.prefix_length, 8U);
    EXPECT_EQ(block.network[0], 0xfd);

    EXPECT_EQ(parse_address_range("2001:db8::/32").network[2], 0x0d);
    EXPECT_EQ(parse_address_range("::/0").prefix_length, 0U);
}

TEST(parse_address_range, errors) {
    EXPECT_EQ(error_of(parse_address_range, "10.0.0.0/33"),
              "'10.0.0.0/33': the prefix length must be 0 to 32");
    EXPECT_EQ(error_of(parse_address_range, "fd00::/129"),
              "'fd00::/129': the prefix length must be 0 to 128");
    EXPECT_EQ(error_of(parse_address_range, "10.0.0.0/"),
              "'10.0.0.0/': the prefix length must be 0 to 32");
    EXPECT_EQ(error_of(parse_address_range, "10.0.0.0/-8"),
              "'10.0.0.0/-8': the prefix length must be 0 to 32");
    EXPECT_EQ(error_of(parse_address_range, "localhost"),
              "'localhost' is not an IP address or CIDR block (10.0.0.0/8, fd00::/8)");
    EXPECT_EQ(error_of(parse_address_range, "10.0.0/8"),
              "'10.0.0/8' is not an IP address or CIDR block (10.0.0.0/8, fd00::/8)");
    EXPECT_EQ(error_of(parse_address_range, "10.0.0.1/8"),
              "'10.0.0.1/8' has bits set after its prefix (the block is 10.0.0.0/8)");
    EXPECT_EQ(error_of(parse_address_range, "fd00::1/8"),
              "'fd00::1/8' has bits set after its prefix (the block is fd00::/8)");
    EXPECT_EQ(error_of(parse_address_range, "192.168.1.129/25"),
              "'192.168.1.129/25' has bits set after its prefix (the block is 192.168.1.128/25)");
}

TEST(format, sizes_and_durations_round_trip) {
    EXPECT_EQ(format_size(16U << 20), "16MiB");
    EXPECT_EQ(format_size(4096), "4KiB");
    EXPECT_EQ(format_size(1U << 30), "1GiB");
    EXPECT_EQ(format_size(1000), "1000");
    EXPECT_EQ(format_size(0), "0");
    EXPECT_EQ(format_duration(24h), "24h");
    EXPECT_EQ(format_duration(300s), "5m");
    EXPECT_EQ(format_duration(90s), "90s");
    EXPECT_EQ(format_duration(1ms), "1ms");
    EXPECT_EQ(format_duration(1500ms), "1500ms");
    for (std::size_t bytes :
         {std::size_t{1}, std::size_t{1024}, std::size_t{3} << 20, std::size_t{12345}}) {
        EXPECT_EQ(parse_size(format_size(bytes)), bytes);
    }
    for (auto d : {1ms, 1000ms, 61000ms, 3600000ms, 7200001ms}) {
        EXPECT_EQ(parse_duration(format_duration(d)), d);
    }
}

}  // namespace
}  // namespace isapi_fcgi::config
