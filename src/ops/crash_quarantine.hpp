#pragma once
// The crash quarantine (pool setting `crash_quarantine`): a request that crashed a worker is
// answered 500, without running the extension, for a while. A client that loops on a request
// that crashes the extension would otherwise restart a worker per attempt, fail the requests of
// everyone else on that worker, and trip rapid-fail protection, which stops the whole pool.
//
// The key is the extension, the method and the URL, normalised as HSE_REQ_NORMALIZE_URL does
// (so /a.dll/%78 and /a.dll/x are the same request), query string included, as the front end
// sent it. Headers and body are not part of it: the same URL with another body is refused too,
// which is the point when a client retries a crash. The list lives in the pool's scoreboard:
// the master writes it after reaping a crashed worker, every worker reads it before dispatching.
#include <chrono>
#include <cstdint>
#include <string_view>

#include "ops/scoreboard.hpp"

namespace isapi_fcgi::ops {

/// The quarantine key of a request (never 0). `extension` is the scoreboard's name index.
std::uint64_t quarantine_key(std::uint32_t extension, std::string_view method, std::string_view url) noexcept;

/// Puts `key` in quarantine until `until_ms` (monotonic_ms): a fresh entry, or the same key's,
/// or the one that ends first when the list is full. Master only (a single writer). True when
/// the key was not in quarantine already.
bool quarantine(board_header& header, std::uint64_t key, std::string_view line, std::int64_t until_ms) noexcept;

struct quarantine_verdict {
    bool refused = false;
    bool first = false;  ///< the first refusal of this quarantine period, pool-wide (log it)
};

/// Whether a request with `key` is in quarantine now; counts the refusal. Any thread of any
/// process of the pool; lock-free.
quarantine_verdict check_quarantine(board_header& header, std::uint64_t key, std::int64_t now_ms) noexcept;

}  // namespace isapi_fcgi::ops
