#include "config/value_parsers.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <climits>
#include <limits>
#include <optional>
#include <span>
#include <utility>

#include "config/value_error.hpp"

namespace isapi_fcgi::config {
namespace {

struct unit {
    std::string_view suffix;
    std::uint64_t factor;
};

constexpr std::array size_units{unit{"", 1},
                                unit{"K", 1ULL << 10},
                                unit{"KiB", 1ULL << 10},
                                unit{"M", 1ULL << 20},
                                unit{"MiB", 1ULL << 20},
                                unit{"G", 1ULL << 30},
                                unit{"GiB", 1ULL << 30}};

constexpr std::array duration_units{unit{"ms", 1}, unit{"s", 1000}, unit{"m", 60'000},
                                    unit{"h", 3'600'000}, unit{"", 1000}};

// sun_path holds 108 bytes on Linux, one of which is the terminating NUL.
constexpr std::size_t max_unix_path = sizeof(sockaddr_un::sun_path) - 1;

std::string quoted(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out += '\'';
    out += text;
    out += '\'';
    return out;
}

std::optional<std::uint64_t> digits_value(std::string_view digits) {
    std::uint64_t value = 0;
    const char* end = digits.data() + digits.size();
    auto [ptr, ec] = std::from_chars(digits.data(), end, value);
    if (digits.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
    return value;
}

// Splits "64KiB" into 64 and the factor of "KiB"; nullopt when either part is unknown.
std::optional<std::pair<std::uint64_t, std::uint64_t>> number_with_unit(
    std::string_view text, std::span<const unit> units) {
    const auto digits_end =
        std::find_if(text.begin(), text.end(), [](char c) { return c < '0' || c > '9'; });
    const auto split = static_cast<std::size_t>(digits_end - text.begin());
    const std::string_view suffix = text.substr(split);
    const auto found =
        std::find_if(units.begin(), units.end(), [&](const unit& u) { return u.suffix == suffix; });
    const auto number = digits_value(text.substr(0, split));
    if (found == units.end() || !number) return std::nullopt;
    return std::pair{*number, found->factor};
}

std::optional<std::uint64_t> checked_product(std::uint64_t a, std::uint64_t b, std::uint64_t max) {
    if (b != 0 && a > max / b) return std::nullopt;
    return a * b;
}

std::string format_in_units(std::uint64_t value, std::span<const unit> largest_first) {
    for (const unit& u : largest_first) {
        if (value != 0 && value % u.factor == 0)
            return std::to_string(value / u.factor) + std::string(u.suffix);
    }
    return std::to_string(value);
}

bool parse_ipv4(std::string_view text, std::array<std::uint8_t, 16>& bytes) {
    const std::string copy(text);  // inet_pton needs a NUL-terminated string
    return inet_pton(AF_INET, copy.c_str(), bytes.data()) == 1;
}

bool parse_ipv6(std::string_view text, std::array<std::uint8_t, 16>& bytes) {
    const std::string copy(text);
    return inet_pton(AF_INET6, copy.c_str(), bytes.data()) == 1;
}

std::string canonical(bool ipv6, const std::array<std::uint8_t, 16>& bytes) {
    std::array<char, INET6_ADDRSTRLEN> buffer{};
    inet_ntop(ipv6 ? AF_INET6 : AF_INET, bytes.data(), buffer.data(), buffer.size());
    return buffer.data();
}

listen_address parse_unix(std::string_view text, std::string_view path) {
    if (path.empty() || path.front() != '/') {
        throw value_error(quoted(text) + " needs an absolute socket path (unix:/run/x.sock)");
    }
    if (path.size() > max_unix_path) {
        throw value_error(quoted(text) + ": the socket path is " + std::to_string(path.size()) +
                          " bytes, more than the " + std::to_string(max_unix_path) +
                          " a unix socket allows");
    }
    if (path.find('\0') != std::string_view::npos) {
        throw value_error(quoted(text) + ": the socket path contains a NUL byte");
    }
    listen_address address;
    address.type = listen_address::kind::unix_socket;
    address.path = std::string(path);
    address.text = std::string(text);
    return address;
}

std::uint16_t parse_port(std::string_view text, std::string_view port) {
    const auto value = digits_value(port);
    if (!value || *value > std::numeric_limits<std::uint16_t>::max()) {
        throw value_error(quoted(text) + ": the port must be a number from 0 to 65535");
    }
    return static_cast<std::uint16_t>(*value);
}

listen_address parse_tcp(std::string_view text, std::string_view host_port) {
    std::string_view host;
    std::string_view port;
    std::array<std::uint8_t, 16> bytes{};
    bool ipv6 = false;
    if (host_port.starts_with('[')) {
        const auto close = host_port.find(']');
        if (close == std::string_view::npos || host_port.substr(close + 1, 1) != ":") {
            throw value_error(quoted(text) + " is not tcp:[IPV6]:PORT");
        }
        host = host_port.substr(1, close - 1);
        port = host_port.substr(close + 2);
        ipv6 = true;
        if (!parse_ipv6(host, bytes)) {
            throw value_error(quoted(text) + ": '" + std::string(host) +
                              "' is not an IPv6 address");
        }
    } else {
        const auto colon = host_port.rfind(':');
        if (colon == std::string_view::npos) {
            throw value_error(quoted(text) + " has no port (tcp:HOST:PORT)");
        }
        host = host_port.substr(0, colon);
        port = host_port.substr(colon + 1);
        if (host.find(':') != std::string_view::npos) {
            throw value_error(quoted(text) + ": write an IPv6 address in brackets, tcp:[::1]:9000");
        }
        if (host == "localhost") host = "127.0.0.1";
        if (!parse_ipv4(host, bytes)) {
            throw value_error(quoted(text) +
                              " needs a numeric IPv4 address, [IPv6] or localhost as its host");
        }
    }
    listen_address address;
    address.type = listen_address::kind::tcp;
    address.port = parse_port(text, port);
    address.host = canonical(ipv6, bytes);
    address.text = std::string(text);
    return address;
}

listen_address parse_fd(std::string_view text, std::string_view number) {
    const auto value = digits_value(number);
    if (!value || *value > static_cast<std::uint64_t>(INT_MAX)) {
        throw value_error(quoted(text) + " needs a descriptor number, fd:3");
    }
    listen_address address;
    address.type = listen_address::kind::inherited_fd;
    address.fd = static_cast<int>(*value);
    address.text = std::string(text);
    return address;
}

// LISTEN_FDNAMES entries are what FileDescriptorName= allows: printable ASCII without ':'.
listen_address parse_systemd(std::string_view text, std::string_view name) {
    const bool valid = !name.empty() && name.size() <= 255 &&
                       std::all_of(name.begin(), name.end(), [](char c) { return c > ' ' && c < 0x7f && c != ':'; });
    if (!valid) throw value_error(quoted(text) + " needs a socket name (FileDescriptorName=), systemd:web");
    listen_address address;
    address.type = listen_address::kind::systemd;
    address.name = std::string(name);
    address.text = std::string(text);
    return address;
}

unsigned parse_prefix(std::string_view text, std::string_view prefix, unsigned max) {
    const auto value = digits_value(prefix);
    if (!value || *value > max) {
        throw value_error(quoted(text) + ": the prefix length must be 0 to " + std::to_string(max));
    }
    return static_cast<unsigned>(*value);
}

// Clears the bits after the prefix; returns the block it should have been when any were set.
std::optional<std::string> misaligned_network(address_range& range) {
    const unsigned total_bits = range.ipv6 ? 128 : 32;
    bool host_bits = false;
    for (unsigned bit = range.prefix_length; bit < total_bits; ++bit) {
        auto& byte = range.network[bit / 8];
        const auto mask = static_cast<std::uint8_t>(0x80U >> (bit % 8));
        host_bits = host_bits || (byte & mask) != 0;
        byte = static_cast<std::uint8_t>(byte & ~mask);
    }
    if (!host_bits) return std::nullopt;
    return canonical(range.ipv6, range.network) + '/' + std::to_string(range.prefix_length);
}

}  // namespace

std::size_t parse_size(std::string_view text) {
    const auto parts = number_with_unit(text, size_units);
    if (!parts) throw value_error(quoted(text) + " is not a size (use 65536, 64KiB, 1MiB)");
    const auto bytes =
        checked_product(parts->first, parts->second, std::numeric_limits<std::size_t>::max());
    if (!bytes) throw value_error(quoted(text) + " is too large a size");
    return static_cast<std::size_t>(*bytes);
}

std::chrono::milliseconds parse_duration(std::string_view text) {
    const auto parts = number_with_unit(text, duration_units);
    if (!parts) throw value_error(quoted(text) + " is not a duration (use 500ms, 30s, 5m, 1h)");
    const auto max =
        static_cast<std::uint64_t>(std::numeric_limits<std::chrono::milliseconds::rep>::max());
    const auto ms = checked_product(parts->first, parts->second, max);
    if (!ms) throw value_error(quoted(text) + " is too long a duration");
    return std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(*ms));
}

std::uint64_t parse_whole_number(std::string_view text) {
    const auto value = digits_value(text);
    if (!value) throw value_error(quoted(text) + " is not a whole number");
    return *value;
}

std::uint32_t parse_octal_mode(std::string_view text) {
    const bool octal =
        !text.empty() && text.size() <= 4 &&
        std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '7'; });
    std::uint32_t mode = 0;
    if (octal) std::from_chars(text.data(), text.data() + text.size(), mode, 8);
    if (!octal || mode > 0777) {
        throw value_error(quoted(text) + " is not a permission mode (use octal, \"0660\")");
    }
    return mode;
}

listen_address parse_listen_address(std::string_view text) {
    if (text.starts_with("unix:")) return parse_unix(text, text.substr(5));
    if (text.starts_with("tcp:")) return parse_tcp(text, text.substr(4));
    if (text.starts_with("fd:")) return parse_fd(text, text.substr(3));
    if (text.starts_with("systemd:")) return parse_systemd(text, text.substr(8));
    throw value_error(quoted(text) +
                      " is not a listen address (use unix:/path, tcp:HOST:PORT, fd:N or systemd:NAME)");
}

address_range parse_address_range(std::string_view text) {
    const auto slash = text.find('/');
    const std::string_view host = text.substr(0, slash);
    address_range range;
    range.text = std::string(text);
    if (parse_ipv4(host, range.network)) {
        range.ipv6 = false;
    } else if (parse_ipv6(host, range.network)) {
        range.ipv6 = true;
    } else {
        throw value_error(quoted(text) +
                          " is not an IP address or CIDR block (10.0.0.0/8, fd00::/8)");
    }
    const unsigned max = range.ipv6 ? 128 : 32;
    range.prefix_length =
        slash == std::string_view::npos ? max : parse_prefix(text, text.substr(slash + 1), max);
    if (auto network = misaligned_network(range)) {
        throw value_error(quoted(text) + " has bits set after its prefix (the block is " +
                          *network + ")");
    }
    return range;
}

bool is_loopback(const listen_address& address) {
    if (address.type != listen_address::kind::tcp) return false;
    std::array<std::uint8_t, 16> bytes{};
    if (parse_ipv4(address.host, bytes)) return bytes[0] == 127;
    if (!parse_ipv6(address.host, bytes)) return false;
    constexpr std::array<std::uint8_t, 16> ipv6_loopback{0, 0, 0, 0, 0, 0, 0, 0,
                                                         0, 0, 0, 0, 0, 0, 0, 1};
    constexpr std::array<std::uint8_t, 12> mapped_prefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    const bool mapped = std::equal(mapped_prefix.begin(), mapped_prefix.end(), bytes.begin());
    return bytes == ipv6_loopback || (mapped && bytes[12] == 127);
}

std::string format_size(std::size_t bytes) {
    constexpr std::array units{unit{"GiB", 1ULL << 30}, unit{"MiB", 1ULL << 20},
                               unit{"KiB", 1ULL << 10}};
    return format_in_units(bytes, units);
}

std::string format_duration(std::chrono::milliseconds duration) {
    constexpr std::array units{unit{"h", 3'600'000}, unit{"m", 60'000}, unit{"s", 1000},
                               unit{"ms", 1}};
    const auto ms = duration.count();
    if (ms <= 0) return std::to_string(ms) + "ms";
    return format_in_units(static_cast<std::uint64_t>(ms), units);
}

}  // namespace isapi_fcgi::config
