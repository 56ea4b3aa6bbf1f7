#include "iis_import/windows_paths.hpp"

#include <strings.h>

#include <algorithm>
#include <cctype>

namespace isapi_fcgi::iis_import {
namespace {

/// Backslashes, no trailing separator (except a bare drive "C:\").
std::string normalised(std::string_view path) {
    std::string out(path);
    std::replace(out.begin(), out.end(), '/', '\\');
    while (out.size() > 1 && out.back() == '\\' && !(out.size() == 3 && out[1] == ':')) out.pop_back();
    return out;
}

bool iequal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::string expand_variables(std::string_view path, std::string& unknown_variable) {
    std::string out;
    for (std::size_t i = 0; i < path.size();) {
        if (path[i] == '%') {
            const auto close = path.find('%', i + 1);
            if (close != std::string_view::npos) {
                const auto name = path.substr(i + 1, close - i - 1);
                if (iequal(name, "SystemDrive")) {
                    out += "C:";
                } else if (iequal(name, "SystemRoot") || iequal(name, "windir")) {
                    out += "C:\\Windows";
                } else {
                    if (unknown_variable.empty()) unknown_variable = std::string(name);
                    out += path.substr(i, close - i + 1);
                }
                i = close + 1;
                continue;
            }
        }
        out += path[i++];
    }
    return out;
}

bool windows_path_under(std::string_view path, std::string_view dir) {
    const std::string p = normalised(path);
    const std::string d = normalised(dir);
    // An empty directory (an <add path=""> in isapiCgiRestriction, an empty mapping) holds nothing.
    if (d.empty()) return false;
    if (p.size() < d.size() || !iequal(std::string_view(p).substr(0, d.size()), d)) return false;
    return p.size() == d.size() || d.back() == '\\' || p[d.size()] == '\\';
}

std::string windows_relative(std::string_view path, std::string_view dir) {
    const std::string p = normalised(path);
    const std::string d = normalised(dir);
    std::string rest = p.substr(std::min(d.size(), p.size()));
    if (!rest.empty() && rest.front() == '\\') rest.erase(0, 1);
    std::replace(rest.begin(), rest.end(), '\\', '/');
    return rest;
}

mapped_path map_windows_path(std::string_view windows_path, const std::vector<path_mapping>& maps,
                             const std::string& default_root) {
    mapped_path result;
    const std::string path = expand_variables(windows_path, result.unknown_variable);
    const path_mapping* best = nullptr;
    for (const auto& m : maps) {
        if (windows_path_under(path, m.windows_dir)
            && (best == nullptr || normalised(m.windows_dir).size() > normalised(best->windows_dir).size())) {
            best = &m;
        }
    }
    if (best != nullptr) {
        const std::string rest = windows_relative(path, best->windows_dir);
        std::string base = best->linux_dir;
        while (base.size() > 1 && base.back() == '/') base.pop_back();
        result.path = rest.empty() ? base : base + (base == "/" ? "" : "/") + rest;
        return result;
    }
    result.defaulted = true;
    std::string rest = normalised(path);
    std::string drive;
    if (rest.size() >= 2 && rest[1] == ':') {
        drive = std::string(1, static_cast<char>(std::tolower(static_cast<unsigned char>(rest[0]))));
        rest.erase(0, 2);
    }
    std::replace(rest.begin(), rest.end(), '\\', '/');
    if (!rest.empty() && rest.front() == '/') rest.erase(0, 1);
    std::string root = default_root;
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    result.path = root + (drive.empty() ? "" : "/" + drive) + (rest.empty() ? "" : "/" + rest);
    return result;
}

std::string dll_to_so(const std::string& path) {
    if (path.size() >= 4 && ::strcasecmp(path.c_str() + path.size() - 4, ".dll") == 0) {
        return path.substr(0, path.size() - 4) + ".so";
    }
    return path;
}

std::string file_name(std::string_view path) {
    const auto slash = path.find_last_of("/\\");
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace isapi_fcgi::iis_import
