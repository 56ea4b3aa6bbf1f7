#include "config/loader.hpp"

#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/field.hpp"
#include "config/schema.hpp"
#include "config/validate.hpp"
#include "config/yaml_document.hpp"

namespace isapi_fcgi::config {
namespace {

// The mark of `name`'s key in `map`, or `fallback`: an empty value has no useful mark of its own.
YAML::Mark key_position(const YAML::Node& map, std::string_view name, const YAML::Mark& fallback) {
    if (!map.IsDefined() || !map.IsMap()) return fallback;
    for (const auto& entry : map) {
        if (entry.first.IsScalar() && entry.first.Scalar() == name) {
            return position_of(entry.first, fallback);
        }
    }
    return fallback;
}

// One pool as written: its file and its node, to point at problems found after reading.
struct pool_origin {
    const std::string* source;
    YAML::Node node;
};

void collect_pool_origins(const YAML::Node& root, const std::string& source, std::vector<pool_origin>& out) {
    const YAML::Node pools = root.IsMap() ? root["pools"] : YAML::Node();
    if (!pools.IsDefined() || !pools.IsSequence()) return;
    for (const auto& pool : pools) out.push_back({&source, pool});
}

// Where to point for a rule broken across keys: the `pools` key of the main file, the pool's
// name (or the pool itself when it has none), or the offending listen entry (or the pool, for
// the default one), in the file that holds the pool.
std::pair<const std::string*, YAML::Mark> problem_position(const YAML::Node& root, const std::string& main_source,
                                                           const std::vector<pool_origin>& origins, const problem& p) {
    const YAML::Mark root_mark = position_of(root, YAML::Mark());
    if (p.about == problem::subject::pools || p.pool >= origins.size()) {
        return {&main_source, key_position(root, "pools", root_mark)};
    }
    const YAML::Node& pool = origins[p.pool].node;
    const YAML::Mark pool_mark = position_of(pool, root_mark);
    if (p.about == problem::subject::pool_name) return {origins[p.pool].source, position_of(pool["name"], pool_mark)};
    const YAML::Node listen = pool["listen"];
    if (listen.IsDefined() && listen.IsSequence() && p.listen < listen.size()) {
        return {origins[p.pool].source, position_of(listen[p.listen], pool_mark)};
    }
    return {origins[p.pool].source, position_of(listen, pool_mark)};
}

std::string location(const std::string& source, const YAML::Mark& mark) {
    return source + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

// A pool name used twice: the message names the first place too, which may be another file.
void add_first_definition(const settings& s, const std::vector<pool_origin>& origins, problem& p) {
    if (p.about != problem::subject::pool_name || p.pool >= s.pools.size() || p.pool >= origins.size()) return;
    for (std::size_t i = 0; i < p.pool; ++i) {
        if (s.pools[i].name != s.pools[p.pool].name) continue;
        const YAML::Node& first = origins[i].node;
        p.reason += " (first defined at " +
                    location(*origins[i].source, position_of(first["name"], position_of(first, YAML::Mark()))) + ")";
        return;
    }
}

}  // namespace

settings load_file(const std::string& path) {
    return load_sources(read_sources(path));
}

settings load_string(std::string_view text, const std::string& source_name) {
    return load_sources(read_sources_of(std::string(text), source_name));
}

settings load_sources(const config_sources& sources) {
    if (sources.empty()) throw config_error("(none)", "no configuration file");
    const std::string& main_source = sources.front().path;
    const YAML::Node root = parse_single_document(sources.front().text, main_source);
    settings out;
    out.source = main_source;
    read_document(field(root, "", YAML::Mark(), main_source), out);
    std::vector<pool_origin> origins;
    collect_pool_origins(root, main_source, origins);
    for (std::size_t i = 1; i < sources.size(); ++i) {
        const YAML::Node included = parse_single_document(sources[i].text, sources[i].path);
        read_included_document(field(included, "", YAML::Mark(), sources[i].path), out);
        collect_pool_origins(included, sources[i].path, origins);
        out.included_files.push_back(sources[i].path);
    }
    if (auto found = find_problem(out)) {
        add_first_definition(out, origins, *found);
        if (found->about == problem::subject::pools && !out.include.empty() && out.included_files.empty())
            found->reason += " (the include patterns match no file)";
        const auto [source, mark] = problem_position(root, main_source, origins, *found);
        fail_at(*source, mark, std::move(found->reason));
    }
    return out;
}

}  // namespace isapi_fcgi::config
