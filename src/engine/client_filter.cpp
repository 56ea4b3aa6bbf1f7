#include "engine/client_filter.hpp"

#include <netinet/in.h>

#include <array>
#include <cstdint>
#include <cstring>

namespace isapi_fcgi::engine {
namespace {

struct peer_address {
    bool ipv6 = false;
    std::array<std::uint8_t, 16> bytes{};
};

bool prefix_matches(const std::uint8_t* a, const std::uint8_t* b, unsigned bits) noexcept {
    const unsigned whole = bits / 8;
    if (std::memcmp(a, b, whole) != 0) return false;
    const unsigned rest = bits % 8;
    if (rest == 0) return true;
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
    return (a[whole] & mask) == (b[whole] & mask);
}

bool in_range(const peer_address& peer, const address_range& range) noexcept {
    if (peer.ipv6 != range.ipv6) return false;
    return prefix_matches(peer.bytes.data(), range.network.data(), range.prefix_length);
}

bool is_loopback(const peer_address& peer) noexcept {
    if (!peer.ipv6) return peer.bytes[0] == 127;
    static constexpr std::array<std::uint8_t, 16> v6_loopback{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return peer.bytes == v6_loopback;
}

/// IPv4-mapped IPv6 peers (::ffff:a.b.c.d, as a dual-stack listener reports them) become IPv4.
peer_address normalise(const sockaddr* sa) noexcept {
    peer_address p;
    if (sa->sa_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
        std::memcpy(p.bytes.data(), &in->sin_addr, 4);
        return p;
    }
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    const auto* b = in6->sin6_addr.s6_addr;
    static constexpr std::uint8_t mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(b, mapped_prefix, 12) == 0) {
        std::memcpy(p.bytes.data(), b + 12, 4);
        return p;
    }
    p.ipv6 = true;
    std::memcpy(p.bytes.data(), b, 16);
    return p;
}

}  // namespace

bool client_allowed(const sockaddr* peer, const std::vector<address_range>& allowed) noexcept {
    if (peer->sa_family != AF_INET && peer->sa_family != AF_INET6) return true;
    const peer_address address = normalise(peer);
    if (allowed.empty()) return is_loopback(address);
    for (const auto& range : allowed)
        if (in_range(address, range)) return true;
    return false;
}

}  // namespace isapi_fcgi::engine
