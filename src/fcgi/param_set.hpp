#pragma once
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace isapi_fcgi::fcgi {

namespace detail {

static_assert(std::endian::native == std::endian::little, "param names are hashed as little-endian words");

/// `size` bytes at `p` as a little-endian word: one load at run time; byte by byte when a name
/// is hashed at compile time (param_name), where memcpy is not allowed.
template <typename Word>
constexpr Word load_word(const char* p) noexcept {
    if (std::is_constant_evaluated()) {
        Word word = 0;
        for (std::size_t i = 0; i < sizeof(Word); ++i)
            word |= Word{static_cast<unsigned char>(p[i])} << (8 * i);
        return word;
    }
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
/// most half-full slots degrades to a scan of that one request's params, never worse. Inline and
/// constexpr: parsing hashes every name, and a literal name is hashed once, at compile time.
constexpr std::uint64_t hash_name(std::string_view name) noexcept {
    constexpr std::uint64_t multiplier = 0x9e3779b97f4a7c15ULL;
    const auto mix = [](std::uint64_t h, std::uint64_t word) {
        h = (h ^ word) * multiplier;
        return h ^ (h >> 29);
    };
    const char* p = name.data();
    std::size_t n = name.size();
    std::uint64_t h = n * multiplier;
    if (n >= 8) {
        // Most CGI names are 9 to 16 bytes: the loop's one turn, unrolled (the same hash).
        if (n > 8 && n <= 16) return mix(mix(h, load_word<std::uint64_t>(p)), load_word<std::uint64_t>(p + n - 8));
        for (; n > 8; n -= 8, p += 8) h = mix(h, load_word<std::uint64_t>(p));
        return mix(h, load_word<std::uint64_t>(p + n - 8));
    }
    if (n >= 4)
        return mix(h, load_word<std::uint32_t>(p) | std::uint64_t{load_word<std::uint32_t>(p + n - 4)} << 32);
    if (n == 0) return h;
    const auto byte = [p](std::size_t i) { return std::uint64_t{static_cast<unsigned char>(p[i])}; };
    return mix(h, byte(0) | byte(n / 2) << 8 | byte(n - 1) << 16);
}

/// memcmp(a, b, n) == 0 for a short name, with the hash's overlapping loads: a probe compares at
/// most one name, and a call to memcmp would cost more than the rest of the lookup.
[[gnu::always_inline]] inline bool same_bytes(const char* a, const char* b, std::size_t n) noexcept {
    if (n >= 8) {
        for (; n > 8; n -= 8, a += 8, b += 8)
            if (load_word<std::uint64_t>(a) != load_word<std::uint64_t>(b)) return false;
        return load_word<std::uint64_t>(a + n - 8) == load_word<std::uint64_t>(b + n - 8);
    }
    if (n >= 4)
        return load_word<std::uint32_t>(a) == load_word<std::uint32_t>(b) &&
               load_word<std::uint32_t>(a + n - 4) == load_word<std::uint32_t>(b + n - 4);
    for (std::size_t i = 0; i < n; ++i)
        if (a[i] != b[i]) return false;
    return true;
}


constexpr std::uint64_t tag_of(std::uint64_t hash) noexcept { return hash & 0xffffffff00000000ULL; }

}  // namespace detail

/// A param name known at compile time, with its hash: a literal passed to param_set::find or get
/// becomes one, so a lookup of a fixed name (the host asks for about twenty per request) costs a
/// probe and one compare, no hashing.
class param_name {
public:
    template <std::size_t N>
    consteval param_name(const char (&literal)[N])  // NOLINT(google-explicit-constructor): literals convert
        : name_(literal, N - 1), hash_(detail::hash_name(name_)) {
        if (literal[N - 1] != '\0') throw "a param_name is a NUL-terminated literal";
    }
    constexpr std::string_view name() const noexcept { return name_; }
    constexpr std::uint64_t hash() const noexcept { return hash_; }

private:
    std::string_view name_;
    std::uint64_t hash_;
};

/// Anything but a char array (a literal takes param_name) that reads as a name at run time.
template <typename T>
concept runtime_param_name = std::convertible_to<const T&, std::string_view> && !std::is_array_v<T>;

/// The decoded PARAMS of one request. Owns one block; names and values are views into it.
/// Duplicate names are merged into the first occurrence as nginx >= 1.23 does: values joined with
/// "; " for HTTP_COOKIE and ", " otherwise (nginx 1.22 and cgi-fcgi send duplicates as they come).
/// Iteration keeps the order in which the names first arrived. Immutable once parsed, so it may be
/// read from any thread.
///
/// Parsing costs one pass over the stream and one allocation: a single block holds a flat
/// open-addressed index of the names (sized for a load of at most 1/2 of the entries a stream of
/// that size usually has; a stream of unusually small pairs is counted and parsed again), the
/// entries and a copy of the stream. No sorting. Each slot keeps 32 bits of its
/// name's hash beside the entry's index, so a probe compares names only when those agree.
/// Duplicates are rare, so merging runs only when the index meets a name twice (it re-encodes
/// the merged stream and parses that).
class param_set {
public:
    struct param {
        std::string_view name;
        std::string_view value;
    };

    param_set() = default;
    param_set(const param_set& other);
    param_set& operator=(const param_set& other);
    /// The moved-from set is empty.
    param_set(param_set&& other) noexcept { swap(other); }
    param_set& operator=(param_set&& other) noexcept {
        param_set(std::move(other)).swap(*this);
        return *this;
    }
    ~param_set() = default;

    /// Decodes a complete PARAMS stream, copying it. On error `out` is left empty.
    static std::error_code parse(std::string_view raw, param_set& out);

    std::optional<std::string_view> find(param_name name) const noexcept {
        return find_hashed(name.name(), name.hash());
    }
    template <runtime_param_name Name>
    std::optional<std::string_view> find(const Name& name) const noexcept {
        const std::string_view view = name;
        return find_hashed(view, detail::hash_name(view));
    }
    std::string_view get(param_name name, std::string_view fallback = {}) const noexcept {
        return find(name).value_or(fallback);
    }
    template <runtime_param_name Name>
    std::string_view get(const Name& name, std::string_view fallback = {}) const noexcept {
        return find(name).value_or(fallback);
    }

    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    param operator[](std::size_t i) const noexcept { return view(entries()[i]); }
    void swap(param_set& other) noexcept {
        std::swap(block_, other.block_);
        std::swap(words_, other.words_);
        std::swap(size_, other.size_);
        std::swap(slot_count_, other.slot_count_);
        std::swap(chars_offset_, other.chars_offset_);
    }
    /// Bytes held: the copied stream, the entries and the index.
    std::size_t memory_bytes() const noexcept { return words_ * sizeof(std::uint64_t); }

private:
    struct entry {
        std::uint32_t name_offset;
        std::uint32_t name_length;
        std::uint32_t value_offset;
        std::uint32_t value_length;
    };
    /// Low half: entry index + 1 (0: empty); high half: the upper 32 bits of the name's hash.
    using slot = std::uint64_t;
    static constexpr slot empty_slot = 0;

    // The block: slot_count_ slots, then room for chars_offset_ entries (size_ of them used),
    // then the stream's bytes.
    const slot* slots() const noexcept { return block_.get(); }
    slot* slots() noexcept { return block_.get(); }
    const entry* entries() const noexcept { return reinterpret_cast<const entry*>(block_.get() + slot_count_); }
    entry* entries() noexcept { return reinterpret_cast<entry*>(block_.get() + slot_count_); }
    const char* chars() const noexcept { return reinterpret_cast<const char*>(entries() + chars_offset_); }

    param view(const entry& e) const noexcept {
        return {std::string_view(chars() + e.name_offset, e.name_length),
                std::string_view(chars() + e.value_offset, e.value_length)};
    }
    /// `hash` is hash_name(name). Inline up to the first slot, where nearly every lookup ends: for
    /// a literal name the compare then runs over a known length.
    [[gnu::always_inline]] std::optional<std::string_view> find_hashed(std::string_view name,
                                                                       std::uint64_t hash) const noexcept {
        if (slot_count_ == 0) return std::nullopt;
        const slot held = slots()[hash & (slot_count_ - 1)];
        if (held == empty_slot) return std::nullopt;
        if (detail::tag_of(held) == detail::tag_of(hash)) {
            const entry& e = entries()[static_cast<std::uint32_t>(held) - 1];
            if (e.name_length == name.size() && detail::same_bytes(chars() + e.name_offset, name.data(), name.size()))
                return std::string_view(chars() + e.value_offset, e.value_length);
        }
        return find_probing(name, hash);
    }
    /// find_hashed past the first slot.
    std::optional<std::string_view> find_probing(std::string_view name, std::uint64_t hash) const noexcept;
    /// The slot holding `name`, or the empty slot where it would go; `hash` is hash_name(name).
    std::size_t slot_of(std::string_view name, std::uint64_t hash) const noexcept;
    enum class fill_result { unique, duplicates, malformed, too_many };
    /// Decodes `raw` into a new block with room for `capacity` entries. On `duplicates` the
    /// index points at each name's first occurrence.
    fill_result fill(std::string_view raw, std::size_t capacity);
    /// The stream re-encoded with each duplicate group merged into its first occurrence.
    std::string merged_stream() const;

    std::unique_ptr<std::uint64_t[]> block_;
    std::size_t words_ = 0;       // the block's size in 8-byte words
    std::uint32_t size_ = 0;      // entries
    std::uint32_t slot_count_ = 0;  // a power of two, or 0 for an empty set
    std::uint32_t chars_offset_ = 0;
};

}  // namespace isapi_fcgi::fcgi
