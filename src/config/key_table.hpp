#pragma once
// The declarative part of the schema: a scope's keys as a table of {path, type, default, store},
// and the one routine that checks a YAML map against such a table (unknown keys, duplicates,
// sections) and hands each value to its key's store function.
#include <algorithm>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/field.hpp"

namespace isapi_fcgi::config {

template <typename Target>
struct key_spec {
    std::string_view path;          ///< dotted within its scope: "limits.max_params_bytes"
    std::string_view type;          ///< for docs: "size", "duration", "section", ...
    std::string_view default_text;  ///< for docs; the value itself lives in settings.hpp
    /// Parses, checks and stores the value; fails through field. nullptr marks a section: a map
    /// whose keys are listed in the same table under "path.".
    void (*store)(const field& value, Target& target) = nullptr;
};

/// Reads the map `map` (an empty value counts as an empty map) against `keys`. `where` ends
/// the unknown- and duplicate-key messages, e.g. " in pool 'default'".
template <typename Target>
void read_keys(const field& map, std::span<const key_spec<Target>> keys, std::string_view where,
               Target& target) {
    if (map.node().IsNull()) return;
    if (!map.node().IsMap()) {
        map.fail("expected a map of keys, got " + std::string(describe(map.node())));
    }
    std::vector<std::string> seen;
    for (const auto& entry : map.node()) {
        const YAML::Node& key = entry.first;
        if (!key.IsScalar()) map.fail_at(key, "a key must be a plain name" + std::string(where));
        const std::string path =
            map.path().empty() ? key.Scalar() : map.path() + '.' + key.Scalar();
        if (std::find(seen.begin(), seen.end(), path) != seen.end()) {
            map.fail_at(key, "duplicate key '" + path + "'" + std::string(where));
        }
        seen.push_back(path);
        // A dotted key ("limits.max_connections: 5") would match a nested path; one spelling only.
        const bool dotted = key.Scalar().find('.') != std::string::npos;
        const auto spec = std::find_if(keys.begin(), keys.end(),
                                       [&](const key_spec<Target>& k) { return k.path == path; });
        if (dotted || spec == keys.end()) {
            map.fail_at(key, "unknown key '" + path + "'" + std::string(where));
        }
        const field value = map.child(key, entry.second, path);
        if (spec->store != nullptr) {
            spec->store(value, target);
        } else {
            read_keys(value, keys, where, target);
        }
    }
}

}  // namespace isapi_fcgi::config
