#include "ops/crash_quarantine.hpp"

#include <algorithm>
#include <string>

#include "isapi/normalize_url.hpp"

namespace isapi_fcgi::ops {
namespace {

constexpr std::uint64_t fnv_offset = 14695981039346656037ULL;
constexpr std::uint64_t fnv_prime = 1099511628211ULL;

std::uint64_t mix(std::uint64_t hash, std::string_view bytes) noexcept {
    for (const char c : bytes) hash = (hash ^ static_cast<unsigned char>(c)) * fnv_prime;
    return (hash ^ 0xffU) * fnv_prime;  // a separator that no byte of the text can fake
}

/// Only a path with an escape, a backslash, an empty or a dot segment can differ from its
/// normalised form: the common URL is hashed as it is, without allocating. One pass, since this
/// runs for every request (find_first_of over a set calls memchr once per character).
bool may_need_normalising(std::string_view path) noexcept {
    char previous = '\0';
    for (const char c : path) {
        if (c == '%' || c == '\\' || (previous == '/' && (c == '/' || c == '.'))) return true;
        previous = c;
    }
    return false;
}

}  // namespace

std::uint64_t quarantine_key(std::uint32_t extension, std::string_view method, std::string_view url) noexcept {
    std::uint64_t hash = fnv_offset;
    hash = mix(hash, std::string_view(reinterpret_cast<const char*>(&extension), sizeof(extension)));
    hash = mix(hash, method);
    const std::string_view path = url.substr(0, url.find('?'));
    if (may_need_normalising(path)) {
        try {
            // A URL IIS would refuse to normalise keeps its raw form: still one key per URL.
            if (const auto normal = isapi::normalize_url(url)) return std::max<std::uint64_t>(mix(hash, *normal), 1);
        } catch (...) {
        }
    }
    return std::max<std::uint64_t>(mix(hash, url), 1);
}

bool quarantine(board_header& header, std::uint64_t key, std::string_view line, std::int64_t until_ms) noexcept {
    const std::int64_t now = monotonic_ms();
    quarantine_entry* chosen = nullptr;
    for (auto& e : header.quarantine) {
        if (e.until_ms.load() > now && e.key.load() == key) {
            // Still quarantined (a crash that slipped in before every worker saw the entry):
            // the period starts again, the refusals go on counting.
            e.until_ms.store(std::max(until_ms, e.until_ms.load()));
            return false;
        }
        if (!chosen || e.until_ms.load() < chosen->until_ms.load()) chosen = &e;
    }
    // Readers check until_ms before and after reading the key, so a free entry is never matched
    // with a half-written key.
    chosen->until_ms.store(0);
    chosen->key.store(key);
    chosen->refused.store(0);
    chosen->line.store(line);
    chosen->until_ms.store(until_ms, std::memory_order_release);
    header.quarantined_total.fetch_add(1);
    return true;
}

quarantine_verdict check_quarantine(board_header& header, std::uint64_t key, std::int64_t now_ms) noexcept {
    for (auto& e : header.quarantine) {
        const auto until = e.until_ms.load(std::memory_order_acquire);
        if (until <= now_ms || e.key.load() != key || e.until_ms.load() != until) continue;
        return {true, e.refused.fetch_add(1, std::memory_order_relaxed) == 0};
    }
    return {};
}

}  // namespace isapi_fcgi::ops
