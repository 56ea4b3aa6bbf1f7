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
    param view(const entry& e) const noexcept {
        return {std::string_view(buffer_).substr(e.name_offset, e.name_length),
                std::string_view(buffer_).substr(e.value_offset, e.value_length)};
    }
    void merge_duplicates();

    std::string buffer_;                  // raw stream, then any merged values appended
    std::vector<entry> entries_;          // arrival order
    std::vector<std::uint32_t> by_name_;  // indexes into entries_, sorted by name
};

}  // namespace isapi_fcgi::fcgi
