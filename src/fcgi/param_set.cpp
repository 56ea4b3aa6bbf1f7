#include "fcgi/param_set.hpp"

#include <cstring>
#include <vector>

#include "fcgi/name_value.hpp"

namespace isapi_fcgi::fcgi {
namespace {

template <typename Word>
Word load(const char* p) noexcept {
    Word word;
    std::memcpy(&word, p, sizeof word);  // a fixed size: compiled to one load
    return word;
}

/// A multiplicative hash over 8-byte words: CGI names are short upper-case ASCII, and a byte-wise
/// hash would cost more than the rest of the lookup. Every byte counts (a name that differed only
/// in the middle must not collide), but the tail is read with one overlapping load rather than
/// byte by byte: the last word of a name of 8 bytes or more is its last 8 bytes, a shorter name
/// is read as two overlapping halves or, under 4 bytes, as its first, middle and last byte. Not
/// keyed: the index is per request and bounded by max_params_bytes, and linear probing over at
/// most half-full slots degrades to a scan of that one request's params, never worse.
std::uint64_t hash_name(std::string_view name) noexcept {
    constexpr std::uint64_t multiplier = 0x9e3779b97f4a7c15ULL;
    const auto mix = [](std::uint64_t h, std::uint64_t word) {
        h = (h ^ word) * multiplier;
        return h ^ (h >> 29);
    };
    const char* p = name.data();
    std::size_t n = name.size();
    std::uint64_t h = n * multiplier;
    if (n >= 8) {
        for (; n > 8; n -= 8, p += 8) h = mix(h, load<std::uint64_t>(p));
        return mix(h, load<std::uint64_t>(p + n - 8));
    }
    if (n >= 4) return mix(h, load<std::uint32_t>(p) | std::uint64_t{load<std::uint32_t>(p + n - 4)} << 32);
    if (n == 0) return h;
    const auto byte = [p](std::size_t i) { return std::uint64_t{static_cast<unsigned char>(p[i])}; };
    return mix(h, byte(0) | byte(n / 2) << 8 | byte(n - 1) << 16);
}

constexpr std::uint64_t tag_of(std::uint64_t hash) noexcept { return hash & 0xffffffff00000000ULL; }

std::size_t slot_count_for(std::size_t entries) noexcept {
    std::size_t slots = 8;
    while (slots < entries * 2) slots *= 2;
    return slots;
}

}  // namespace

std::error_code param_set::parse(std::string raw, param_set& out) {
    out.buffer_ = std::move(raw);
    out.entries_.clear();
    out.slots_.clear();
    // An ordinary pair takes 16 bytes or more of the stream: one allocation, rarely a second.
    out.entries_.reserve(out.buffer_.size() / 16 + 4);
    const char* base = out.buffer_.data();
    auto offset = [base](std::string_view s) { return static_cast<std::uint32_t>(s.data() - base); };
    auto length = [](std::string_view s) { return static_cast<std::uint32_t>(s.size()); };
    if (auto ec = for_each_pair(out.buffer_, [&](std::string_view name, std::string_view value) {
            out.entries_.push_back({offset(name), length(name), offset(value), length(value)});
        })) {
        out = param_set{};
        return ec;
    }
    out.slots_.assign(slot_count_for(out.entries_.size()), empty_slot);
    bool duplicates = false;
    for (std::uint32_t i = 0; i < out.entries_.size(); ++i) {
        const std::string_view name = out.view(out.entries_[i]).name;
        const std::uint64_t hash = hash_name(name);
        slot& s = out.slots_[out.slot_of(name, hash)];
        if (s == empty_slot) {
            s = tag_of(hash) | (i + 1);
        } else {
            duplicates = true;
        }
    }
    if (duplicates) out.merge_duplicates();
    return {};
}

std::size_t param_set::slot_of(std::string_view name, std::uint64_t hash) const noexcept {
    const std::size_t mask = slots_.size() - 1;
    const std::uint64_t tag = tag_of(hash);
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
        const slot held = slots_[i];
        if (held == empty_slot) return i;
        if (tag_of(held) != tag) continue;
        const entry& e = entries_[static_cast<std::uint32_t>(held) - 1];
        if (e.name_length == name.size() && std::memcmp(buffer_.data() + e.name_offset, name.data(), name.size()) == 0)
            return i;
    }
}

// The rare path: some name arrived more than once. The index points at each name's first
// occurrence; every later one appends its value to that name's group, in arrival order, and the
// merged values go to the end of the buffer once per group (so a thousand repeats stay linear).
void param_set::merge_duplicates() {
    const std::size_t n = entries_.size();
    std::vector<std::uint32_t> first_of(n);  // index of the first entry with the same name
    std::vector<std::uint32_t> group_size(n, 0);
    for (std::uint32_t i = 0; i < n; ++i) {
        const std::string_view name = view(entries_[i]).name;
        first_of[i] = static_cast<std::uint32_t>(slots_[slot_of(name, hash_name(name))]) - 1;
        ++group_size[first_of[i]];
    }
    // Values of each group, in arrival order, as (first, member) pairs sorted by first: a
    // counting sort over the group sizes keeps it linear.
    std::vector<std::uint32_t> start(n + 1, 0);
    for (std::uint32_t i = 0; i < n; ++i) start[i + 1] = start[i] + group_size[i];
    std::vector<std::uint32_t> members(n);
    std::vector<std::uint32_t> filled(start.begin(), start.end() - 1);
    for (std::uint32_t i = 0; i < n; ++i) members[filled[first_of[i]]++] = i;

    std::vector<entry> kept;
    kept.reserve(n);
    for (std::uint32_t i = 0; i < n; ++i) {
        if (first_of[i] != i) continue;
        entry e = entries_[i];
        if (group_size[i] > 1) {
            const std::string_view separator = view(e).name == "HTTP_COOKIE" ? "; " : ", ";
            std::size_t merged_size = 0;
            for (std::uint32_t k = start[i]; k < start[i + 1]; ++k)
                merged_size += entries_[members[k]].value_length + (k != start[i] ? separator.size() : 0);
            const std::size_t merged_offset = buffer_.size();
            buffer_.reserve(buffer_.size() + merged_size);
            for (std::uint32_t k = start[i]; k < start[i + 1]; ++k) {
                if (k != start[i]) buffer_ += separator;
                const entry& member = entries_[members[k]];
                buffer_.append(buffer_.data() + member.value_offset, member.value_length);
            }
            e.value_offset = static_cast<std::uint32_t>(merged_offset);
            e.value_length = static_cast<std::uint32_t>(merged_size);
        }
        kept.push_back(e);
    }
    entries_ = std::move(kept);
    build_index();
}

void param_set::build_index() {
    slots_.assign(slot_count_for(entries_.size()), empty_slot);
    for (std::uint32_t i = 0; i < entries_.size(); ++i) {
        const std::string_view name = view(entries_[i]).name;
        const std::uint64_t hash = hash_name(name);
        slots_[slot_of(name, hash)] = tag_of(hash) | (i + 1);
    }
}

std::optional<std::string_view> param_set::find(std::string_view name) const noexcept {
    if (slots_.empty()) return std::nullopt;
    const slot held = slots_[slot_of(name, hash_name(name))];
    if (held == empty_slot) return std::nullopt;
    return view(entries_[static_cast<std::uint32_t>(held) - 1]).value;
}

std::size_t param_set::memory_bytes() const noexcept {
    return buffer_.capacity() + entries_.capacity() * sizeof(entry) + slots_.capacity() * sizeof(slot);
}

}  // namespace isapi_fcgi::fcgi
