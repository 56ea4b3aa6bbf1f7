#pragma once
// One YAML value being read for one configuration key. It knows the key's dotted path and where
// the value sits in which file, so every check can fail as `FILE:LINE:COL: PATH: reason`.
#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>
#include <vector>

#include "config/value_error.hpp"

namespace isapi_fcgi::config {

class field {
public:
    /// `value` may be null (`key:` with nothing after it); then errors point at `key_mark`.
    /// `source` is borrowed and must outlive the field.
    field(const YAML::Node& value, std::string path, const YAML::Mark& key_mark,
          const std::string& source);

    const YAML::Node& node() const noexcept { return value_; }
    const std::string& path() const noexcept { return path_; }
    const std::string& source() const noexcept { return *source_; }
    /// 1-based position of the value (of its key when the value is empty).
    int line() const noexcept { return mark_.line + 1; }
    int column() const noexcept { return mark_.column + 1; }

    /// The scalar's text; a map, a list or an empty value fails as "expected `expected`".
    std::string text(std::string_view expected) const;
    /// As text(), but an empty value (`key:` or `~`) reads as "".
    std::string text_or_empty(std::string_view expected) const;
    /// A list's items, each a field at its own position with this field's path. A single
    /// scalar counts as a one-item list when `scalar_ok`; an empty value is an empty list.
    std::vector<field> items(std::string_view expected, bool scalar_ok) const;
    /// A child of this map, for the value `value` of the key `key`.
    field child(const YAML::Node& key, const YAML::Node& value, std::string path) const;

    /// Runs `parse` on text(expected) and turns its value_error into a located config_error.
    template <typename Parse>
    auto parse(std::string_view expected, Parse&& parse) const {
        const std::string raw = text(expected);
        try {
            return parse(raw);
        } catch (const value_error& e) {
            fail(e.what());
        }
    }

    /// Throws config_error at this value: `FILE:LINE:COL: PATH: reason` (no `PATH: ` at the
    /// top level, whose path is empty).
    [[noreturn]] void fail(std::string_view reason) const;
    /// Throws config_error at `at` (a key or item inside this value) without the path prefix.
    [[noreturn]] void fail_at(const YAML::Node& at, std::string_view reason) const;

private:
    YAML::Node value_;
    std::string path_;
    YAML::Mark mark_;
    const std::string* source_;
};

/// "a map", "a list", "nothing" or "a value": what a node is, for "expected X, got Y" messages.
std::string_view describe(const YAML::Node& node);

/// The node's mark, or `fallback` for a node without one (empty values, empty documents).
YAML::Mark position_of(const YAML::Node& node, const YAML::Mark& fallback);

}  // namespace isapi_fcgi::config
