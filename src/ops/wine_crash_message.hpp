#pragma once
// The worker -> master message that a `runtime: wine` extension's Windows worker ended unasked
// while serving (worker_channel.hpp): the master counts it against the extension's rapid-fail
// protection and puts the requests it had in flight in the crash quarantine, as for a worker
// crash. Pure encoding, one packet:
//   wine-crash <extension name index> <Windows pid> <how>\n
//   <quarantine key> <request line>\n    (one per request in flight; key 0: quarantine off)
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace isapi_fcgi::ops {

struct wine_crash_message {
    struct request {
        std::uint64_t quarantine_key = 0;
        std::string line;  ///< "GET /scripts/orders.dll?id=1"
    };
    std::uint32_t extension = 0;  ///< the scoreboard's name index
    int pid = 0;
    std::string how;  ///< "exited with status 5"
    std::vector<request> in_flight;
};

inline constexpr std::string_view wine_crash_prefix = "wine-crash ";

/// At most `limit` bytes: requests that do not fit are left out (the count says how many).
std::string encode(const wine_crash_message& message, std::size_t limit);
/// nullopt when `text` is not a well-formed wine-crash message.
std::optional<wine_crash_message> decode_wine_crash(std::string_view text);

}  // namespace isapi_fcgi::ops
