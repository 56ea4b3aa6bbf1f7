#include "config/config_sources.hpp"

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "config/config_error.hpp"
#include "config/field.hpp"
#include "config/yaml_document.hpp"

namespace isapi_fcgi::config {
namespace {

constexpr std::string_view bundle_magic = "isapi-fcgi-config-sources 1\n";

bool has_wildcard(std::string_view pattern) {
    return pattern.find_first_of("*?[") != std::string_view::npos;
}

struct glob_result {
    glob_t value{};
    ~glob_result() { ::globfree(&value); }
};

// The files `item`'s pattern matches, in byte order; config_error at the item when its
// directory (or, without wildcards, the file) is missing or cannot be read.
std::vector<std::string> expand(const field& item, const std::filesystem::path& base) {
    const std::string written = item.text("a glob pattern");
    if (written.empty()) item.fail("an empty pattern");
    const std::filesystem::path pattern = std::filesystem::path(written).is_absolute() ? std::filesystem::path(written) : base / written;
    const std::string dir = pattern.parent_path().string();
    struct stat info {};
    if (!has_wildcard(dir) && (::stat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)))
        item.fail("the directory " + dir + " does not exist (create it, or remove the pattern)");
    glob_result found;
    const int rc = ::glob(pattern.c_str(), GLOB_ERR, nullptr, &found.value);
    if (rc == GLOB_NOMATCH) {
        if (!has_wildcard(pattern.string())) item.fail("the file " + pattern.string() + " does not exist");
        return {};
    }
    if (rc != 0) item.fail("cannot read the directory of " + pattern.string());
    std::vector<std::string> paths(found.value.gl_pathv, found.value.gl_pathv + found.value.gl_pathc);
    // Not glob's own order, which follows the locale's collation.
    std::sort(paths.begin(), paths.end());
    return paths;
}

bool same_file(const std::string& a, const std::string& b) {
    struct stat x {}, y {};
    return ::stat(a.c_str(), &x) == 0 && ::stat(b.c_str(), &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

}  // namespace

config_sources read_sources(const std::string& path) {
    return read_sources_of(read_config_file(path), path);
}

config_sources read_sources_of(std::string main_text, const std::string& source_name) {
    config_sources out;
    out.push_back({source_name, std::move(main_text)});
    const YAML::Node root = parse_single_document(out.front().text, source_name);
    if (!root.IsMap()) return out;  // the loader says what is wrong with it
    const field top(root, "", YAML::Mark(), source_name);
    const std::filesystem::path base = std::filesystem::path(source_name).parent_path();
    std::vector<std::string> seen;
    for (const auto& entry : root) {
        if (!entry.first.IsScalar() || entry.first.Scalar() != "include") continue;
        const field value = top.child(entry.first, entry.second, "include");
        for (const field& item : value.items("a glob pattern or a list of them", true)) {
            for (auto& match : expand(item, base)) {
                if (std::find(seen.begin(), seen.end(), match) != seen.end()) continue;
                if (same_file(match, source_name))
                    item.fail("matches the main configuration file itself (" + match + ")");
                if (seen.size() == max_included_files)
                    item.fail("more than " + std::to_string(max_included_files) + " files included");
                seen.push_back(match);
                std::string text = read_config_file(match);
                out.push_back({std::move(match), std::move(text)});
            }
        }
    }
    return out;
}

std::string serialize(const config_sources& sources) {
    std::string out(bundle_magic);
    for (const auto& file : sources) {
        out += std::to_string(file.path.size()) + ' ' + std::to_string(file.text.size()) + '\n';
        out += file.path;
        out += file.text;
    }
    return out;
}

config_sources deserialize(std::string_view bundle) {
    const auto broken = [] { return config_error("(from the master)", "malformed configuration hand-over"); };
    if (!bundle.starts_with(bundle_magic)) throw broken();
    bundle.remove_prefix(bundle_magic.size());
    config_sources out;
    while (!bundle.empty()) {
        const auto newline = bundle.find('\n');
        if (newline == std::string_view::npos) throw broken();
        std::size_t path_size = 0;
        std::size_t text_size = 0;
        const std::string head(bundle.substr(0, newline));
        if (std::sscanf(head.c_str(), "%zu %zu", &path_size, &text_size) != 2) throw broken();
        bundle.remove_prefix(newline + 1);
        if (path_size > bundle.size() || text_size > bundle.size() - path_size) throw broken();
        out.push_back({std::string(bundle.substr(0, path_size)), std::string(bundle.substr(path_size, text_size))});
        bundle.remove_prefix(path_size + text_size);
    }
    if (out.empty()) throw broken();
    return out;
}

}  // namespace isapi_fcgi::config
