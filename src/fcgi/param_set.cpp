#include "fcgi/param_set.hpp"

#include <algorithm>

#include "fcgi/name_value.hpp"

namespace isapi_fcgi::fcgi {

std::error_code param_set::parse(std::string raw, param_set& out) {
    out = param_set{};
    out.buffer_ = std::move(raw);
    const char* base = out.buffer_.data();
    auto offset = [base](std::string_view s) { return static_cast<std::uint32_t>(s.data() - base); };
    auto length = [](std::string_view s) { return static_cast<std::uint32_t>(s.size()); };
    auto ec = for_each_pair(out.buffer_, [&](std::string_view name, std::string_view value) {
        out.entries_.push_back({offset(name), length(name), offset(value), length(value)});
    });
    if (ec) {
        out = param_set{};
        return ec;
    }
    out.merge_duplicates();
    return {};
}

void param_set::merge_duplicates() {
    by_name_.resize(entries_.size());
    for (std::uint32_t i = 0; i < by_name_.size(); ++i) by_name_[i] = i;
    auto name_of = [this](std::uint32_t i) { return view(entries_[i]).name; };
    std::stable_sort(by_name_.begin(), by_name_.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return name_of(a) < name_of(b); });

    std::vector<bool> dropped;
    for (std::size_t first = 0; first < by_name_.size();) {
        std::size_t last = first + 1;
        while (last < by_name_.size() && name_of(by_name_[last]) == name_of(by_name_[first])) ++last;
        if (last - first > 1) {
            const std::string_view separator = name_of(by_name_[first]) == "HTTP_COOKIE" ? "; " : ", ";
            std::string merged;
            for (std::size_t k = first; k < last; ++k) {
                if (k != first) merged += separator;
                merged += view(entries_[by_name_[k]]).value;
            }
            dropped.resize(entries_.size());
            for (std::size_t k = first + 1; k < last; ++k) dropped[by_name_[k]] = true;
            entry& keep = entries_[by_name_[first]];
            keep.value_offset = static_cast<std::uint32_t>(buffer_.size());
            keep.value_length = static_cast<std::uint32_t>(merged.size());
            buffer_ += merged;
        }
        first = last;
    }
    if (dropped.empty()) return;

    std::vector<entry> kept;
    kept.reserve(entries_.size());
    for (std::size_t i = 0; i < entries_.size(); ++i)
        if (!dropped[i]) kept.push_back(entries_[i]);
    entries_ = std::move(kept);
    by_name_.resize(entries_.size());
    for (std::uint32_t i = 0; i < by_name_.size(); ++i) by_name_[i] = i;
    std::sort(by_name_.begin(), by_name_.end(),
              [&](std::uint32_t a, std::uint32_t b) { return name_of(a) < name_of(b); });
}

std::optional<std::string_view> param_set::find(std::string_view name) const noexcept {
    auto it = std::lower_bound(by_name_.begin(), by_name_.end(), name,
                               [this](std::uint32_t i, std::string_view n) { return view(entries_[i]).name < n; });
    if (it == by_name_.end() || view(entries_[*it]).name != name) return std::nullopt;
    return view(entries_[*it]).value;
}

std::size_t param_set::memory_bytes() const noexcept {
    return buffer_.capacity() + entries_.capacity() * sizeof(entry) +
           by_name_.capacity() * sizeof(std::uint32_t);
}

}  // namespace isapi_fcgi::fcgi
