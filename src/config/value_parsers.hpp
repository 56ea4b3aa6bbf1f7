#pragma once
// Text -> typed value for the scalars the configuration uses. Pure: no YAML, no file names.
// Each parser throws value_error with a reason that quotes the text and shows accepted forms;
// range checks that depend on the key (at most 16MiB, ...) belong to the schema, not here.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/settings.hpp"

namespace isapi_fcgi::config {

/// Bytes: `65536`, or a number with a binary unit: `K`/`KiB` (1024), `M`/`MiB`, `G`/`GiB`.
/// No fractions, no spaces, no decimal `KB`/`MB`.
std::size_t parse_size(std::string_view text);

/// `500ms`, `30s`, `5m`, `1h`; a plain integer is seconds.
std::chrono::milliseconds parse_duration(std::string_view text);

/// A non-negative decimal integer without sign, spaces or unit.
std::uint64_t parse_whole_number(std::string_view text);

/// Permission bits as octal digits, with or without the leading 0 (`0660`, `660`); at most 0777.
std::uint32_t parse_octal_mode(std::string_view text);

/// `unix:/absolute/path` (at most 107 bytes, the size of sun_path less its NUL),
/// `tcp:IPV4:PORT`, `tcp:[IPV6]:PORT`, `tcp:localhost:PORT` (= 127.0.0.1), `fd:N` or
/// `systemd:NAME` (a LISTEN_FDNAMES entry).
/// The host is stored in canonical numeric form; `text` keeps what was written.
listen_address parse_listen_address(std::string_view text);

/// An IPv4/IPv6 address (a /32 or /128 block) or a CIDR block `10.0.0.0/8`, `fd00::/8`.
/// Bits beyond the prefix must be zero, so a typo cannot silently widen the block.
address_range parse_address_range(std::string_view text);

/// True for a TCP address in 127.0.0.0/8, ::1 or ::ffff:127.0.0.0/104; false for anything else,
/// including unix sockets and inherited descriptors (which are not network addresses).
bool is_loopback(const listen_address& address);

/// The shortest exact spelling in the units parse_size accepts: 16777216 -> "16MiB".
std::string format_size(std::size_t bytes);

/// The shortest exact spelling in the units parse_duration accepts: 300000ms -> "5m".
std::string format_duration(std::chrono::milliseconds duration);

}  // namespace isapi_fcgi::config
