#include "fcgi/param_set.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <vector>

#include "fcgi/errc.hpp"
#include "fcgi/name_value.hpp"

namespace isapi_fcgi::fcgi {
namespace {

using detail::hash_name;
using detail::load_word;
using detail::same_bytes;

using detail::tag_of;

std::uint32_t slot_count_for(std::size_t entries) noexcept {
    if (entries == 0) return 0;
    return std::max<std::uint32_t>(8, std::bit_ceil(static_cast<std::uint32_t>(entries * 2)));
}

constexpr std::uint32_t no_entry = 0xffffffff;

}  // namespace

param_set::param_set(const param_set& other)
    : block_(other.words_ ? std::make_unique_for_overwrite<std::uint64_t[]>(other.words_) : nullptr),
      words_(other.words_),
      size_(other.size_),
      slot_count_(other.slot_count_),
      chars_offset_(other.chars_offset_) {
    if (words_) std::memcpy(block_.get(), other.block_.get(), words_ * sizeof(std::uint64_t));
}

param_set& param_set::operator=(const param_set& other) {
    if (this != &other) *this = param_set(other);
    return *this;
}

std::error_code param_set::parse(std::string_view raw, param_set& out) {
    // An ordinary pair takes 16 bytes or more of the stream: one pass nearly always; a stream of
    // tiny pairs is counted first and filled again.
    switch (out.fill(raw, raw.size() / 16 + 4)) {
    case fill_result::unique: return {};
    case fill_result::duplicates: break;
    case fill_result::malformed: out = param_set{}; return errc::name_value_truncated;
    case fill_result::too_many: {
        // The first fill stopped at its capacity, before it could see the rest is malformed.
        std::size_t pairs = 0;
        if (for_each_pair(raw, [&pairs](std::string_view, std::string_view) { ++pairs; })) {
            out = param_set{};
            return errc::name_value_truncated;
        }
        if (out.fill(raw, pairs) == fill_result::unique) return {};
        break;
    }
    }
    const std::string merged = out.merged_stream();
    out.fill(merged, out.size());  // at most as many pairs, none twice
    return {};
}

[[gnu::always_inline]] inline std::size_t param_set::slot_of(std::string_view name, std::uint64_t hash) const noexcept {
    const std::size_t mask = slot_count_ - 1;
    const std::uint64_t tag = tag_of(hash);
    const slot* const table = slots();
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
        const slot held = table[i];
        if (held == empty_slot) return i;
        if (tag_of(held) != tag) continue;
        const entry& e = entries()[static_cast<std::uint32_t>(held) - 1];
        if (e.name_length == name.size() && same_bytes(chars() + e.name_offset, name.data(), name.size()))
            return i;
    }
}

param_set::fill_result param_set::fill(std::string_view raw, std::size_t capacity) {
    if (raw.empty()) {
        *this = param_set{};
        return fill_result::unique;
    }
    slot_count_ = slot_count_for(capacity);
    size_ = static_cast<std::uint32_t>(capacity);  // places the bytes after room for `capacity` entries
    words_ = slot_count_ + (capacity * sizeof(entry) + raw.size() + sizeof(std::uint64_t) - 1) / sizeof(std::uint64_t);
    block_ = std::make_unique_for_overwrite<std::uint64_t[]>(words_);
    size_ = 0;
    std::memset(slots(), 0, slot_count_ * sizeof(slot));
    char* const copy = reinterpret_cast<char*>(entries() + capacity);
    std::memcpy(copy, raw.data(), raw.size());
    chars_offset_ = static_cast<std::uint32_t>(capacity);
    const std::size_t mask = slot_count_ - 1;
    // Locals, not members: the entries are written as 32-bit words, which could alias size_, so
    // the compiler would reload and store the members on every pair.
    slot* const table = slots();
    entry* const out = entries();
    std::uint32_t count = 0;
    bool unique = true;
    std::string_view in(copy, raw.size());
    while (!in.empty()) {
        std::string_view name;
        std::string_view value;
        if (!detail::read_pair(in, name, value)) {
            size_ = count;
            return fill_result::malformed;
        }
        if (count == capacity) {
            size_ = count;
            return fill_result::too_many;
        }
        out[count++] = {static_cast<std::uint32_t>(name.data() - copy), static_cast<std::uint32_t>(name.size()),
                        static_cast<std::uint32_t>(value.data() - copy), static_cast<std::uint32_t>(value.size())};
        // The probe of slot_of, inlined: nearly every name lands in an empty slot at once.
        const std::uint64_t hash = hash_name(name);
        std::size_t i = hash & mask;
        if (table[i] != empty_slot) i = slot_of(name, hash);
        if (table[i] == empty_slot) table[i] = tag_of(hash) | count;
        else unique = false;
    }
    size_ = count;
    return unique ? fill_result::unique : fill_result::duplicates;
}

// The rare path: some name arrived more than once. The index points at each name's first
// occurrence; every later one is chained to its group in arrival order, so a thousand repeats
// stay linear, and each group is encoded once with its values joined.
std::string param_set::merged_stream() const {
    std::vector<std::uint32_t> first_of(size_);
    std::vector<std::uint32_t> next(size_, no_entry);
    std::vector<std::uint32_t> last(size_, no_entry);
    for (std::uint32_t i = 0; i < size_; ++i) {
        const std::string_view name = (*this)[i].name;
        const std::uint32_t first = static_cast<std::uint32_t>(slots()[slot_of(name, hash_name(name))]) - 1;
        first_of[i] = first;
        if (first != i) next[last[first]] = i;
        last[first] = i;
    }
    std::string out;
    std::string joined;
    for (std::uint32_t i = 0; i < size_; ++i) {
        if (first_of[i] != i) continue;
        const param p = (*this)[i];
        if (next[i] == no_entry) {
            append_pair(out, p.name, p.value);
            continue;
        }
        const std::string_view separator = p.name == "HTTP_COOKIE" ? "; " : ", ";
        joined.assign(p.value);
        for (std::uint32_t k = next[i]; k != no_entry; k = next[k]) {
            joined += separator;
            joined += (*this)[k].value;
        }
        append_pair(out, p.name, joined);
    }
    return out;
}

std::optional<std::string_view> param_set::find_probing(std::string_view name, std::uint64_t hash) const noexcept {
    const slot held = slots()[slot_of(name, hash)];
    if (held == empty_slot) return std::nullopt;
    return view(entries()[static_cast<std::uint32_t>(held) - 1]).value;
}

}  // namespace isapi_fcgi::fcgi
