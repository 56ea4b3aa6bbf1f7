#include "engine/client_filter.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <cstring>

namespace isapi_fcgi::engine {
namespace {

sockaddr_storage v4(const char* text) {
    sockaddr_storage s{};
    auto* in = reinterpret_cast<sockaddr_in*>(&s);
    in->sin_family = AF_INET;
    EXPECT_EQ(inet_pton(AF_INET, text, &in->sin_addr), 1);
    return s;
}

sockaddr_storage v6(const char* text) {
    sockaddr_storage s{};
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&s);
    in6->sin6_family = AF_INET6;
    EXPECT_EQ(inet_pton(AF_INET6, text, &in6->sin6_addr), 1);
    return s;
}

address_range range(const char* text, unsigned prefix, bool ipv6 = false) {
    address_range r;
    r.ipv6 = ipv6;
    r.prefix_length = prefix;
    r.text = text;
    EXPECT_EQ(inet_pton(ipv6 ? AF_INET6 : AF_INET, text, r.network.data()), 1);
    return r;
}

bool allowed(const sockaddr_storage& s, const std::vector<address_range>& list) {
    return client_allowed(reinterpret_cast<const sockaddr*>(&s), list);
}

TEST(client_filter, without_a_list_only_loopback_is_allowed) {
    EXPECT_TRUE(allowed(v4("127.0.0.1"), {}));
    EXPECT_TRUE(allowed(v4("127.200.3.4"), {}));
    EXPECT_TRUE(allowed(v6("::1"), {}));
    EXPECT_TRUE(allowed(v6("::ffff:127.0.0.1"), {}));
    EXPECT_FALSE(allowed(v4("10.0.0.1"), {}));
    EXPECT_FALSE(allowed(v6("fe80::1"), {}));
    EXPECT_FALSE(allowed(v6("::ffff:10.0.0.1"), {}));
}

TEST(client_filter, cidr_ranges_match_by_prefix) {
    const std::vector<address_range> list{range("10.1.0.0", 16), range("192.168.1.7", 32),
                                                  range("fd00::", 8, true)};
    EXPECT_TRUE(allowed(v4("10.1.255.3"), list));
    EXPECT_FALSE(allowed(v4("10.2.0.1"), list));
    EXPECT_TRUE(allowed(v4("192.168.1.7"), list));
    EXPECT_FALSE(allowed(v4("192.168.1.8"), list));
    EXPECT_TRUE(allowed(v6("fd12::5"), list));
    EXPECT_FALSE(allowed(v6("fe12::5"), list));
    EXPECT_TRUE(allowed(v6("::ffff:10.1.2.3"), list)) << "IPv4-mapped peers match IPv4 ranges";
    EXPECT_FALSE(allowed(v4("127.0.0.1"), list)) << "an explicit list replaces the loopback default";
}

TEST(client_filter, odd_prefix_lengths_mask_partial_bytes) {
    const std::vector<address_range> list{range("172.16.0.0", 12)};
    EXPECT_TRUE(allowed(v4("172.31.255.255"), list));
    EXPECT_FALSE(allowed(v4("172.32.0.0"), list));
}

TEST(client_filter, unix_peers_are_always_allowed) {
    sockaddr_storage s{};
    s.ss_family = AF_UNIX;
    EXPECT_TRUE(allowed(s, {range("10.0.0.0", 8)}));
}

}  // namespace
}  // namespace isapi_fcgi::engine
