#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace isapi_fcgi::fcgi {

/// The decoded PARAMS of one request. Owns one buffer; names and values are views into it.
/// Duplicate names are merged into the first occurrence as nginx >= 1.23 does: values joined with
/// "; " for HTTP_COOKIE and ", " otherwise (nginx 1.22 and cgi-fcgi send duplicates as they come).
/// Iteration keeps the order in which the names first arrived. Immutable once parsed, so it may be
/// read from any thread.
///
/// Parsing costs one pass over the stream and two allocations (the entries and a flat
/// open-addressed index of their names, sized for a load of at most 1/2): no sorting and no copy
/// of the bytes. Each slot keeps 32 bits of its name's hash beside the entry's index, so a probe
/// compares names only when those agree. Duplicates are rare, so merging runs only when the index
/// meets a name twice.
class param_set {
public:
    struct param {
        std::string_view name;
        std::string_view value;
    };

    param_set() = default;

    /// Decodes a complete PARAMS stream. On error `out` is left empty.
    static std::error_code parse(std::string raw, param_set& out);

    std::optional<std::string_view> find(std::string_view name) const noexcept;
    std::string_view get(std::string_view name, std::string_view fallback = {}) const noexcept {
        return find(name).value_or(fallback);
    }

    std::size_t size() const noexcept { return entries_.size(); }
    bool empty() const noexcept { return entries_.empty(); }
    param operator[](std::size_t i) const noexcept { return view(entries_[i]); }
    /// Bytes held: the raw stream plus merged values and the index.
    std::size_t memory_bytes() const noexcept;

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

    param view(const entry& e) const noexcept {
        return {std::string_view(buffer_.data() + e.name_offset, e.name_length),
                std::string_view(buffer_.data() + e.value_offset, e.value_length)};
    }
    /// The slot holding `name`, or the empty slot where it would go; `hash` is hash_name(name).
    std::size_t slot_of(std::string_view name, std::uint64_t hash) const noexcept;
    void build_index();
    void merge_duplicates();

    std::string buffer_;               // raw stream, then any merged values appended
    std::vector<entry> entries_;       // arrival order (first occurrences only once merged)
    std::vector<slot> slots_;          // open addressing, linear probing; size a power of two
};

}  // namespace isapi_fcgi::fcgi
