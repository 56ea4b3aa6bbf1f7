#include "iis_import/registry_import.hpp"

#include <string_view>

#include "win32/reg_file.hpp"
#include "win32/unicode.hpp"

namespace isapi_fcgi::iis_import {
namespace {

namespace reg = win32::reg;

/// A REG_SZ / REG_EXPAND_SZ value's text (UTF-16LE with its terminator in the .reg model).
std::string string_value(const reg::value& v) {
    std::u16string units;
    for (std::size_t i = 0; i + 1 < v.data.size(); i += 2) {
        units.push_back(static_cast<char16_t>(v.data[i] | (v.data[i + 1] << 8)));
    }
    while (!units.empty() && units.back() == u'\0') units.pop_back();
    return win32::utf16_to_utf8(units, false).value_or(std::string());
}

/// The start of a drive-letter Windows path ("C:\..." or "C:/...") in a value, or npos.
std::size_t windows_path_start(std::string_view text) {
    for (std::size_t i = 0; i + 2 < text.size(); ++i) {
        const char c = text[i];
        const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        const bool starts_word = i == 0 || text[i - 1] == '"' || text[i - 1] == ' ' || text[i - 1] == '=';
        if (letter && starts_word && text[i + 1] == ':' && (text[i + 2] == '\\' || text[i + 2] == '/')) return i;
    }
    return std::string_view::npos;
}

std::string value_label(const reg::operation& op) {
    return op.key + "\\" + (op.value_name.empty() ? std::string("(default)") : op.value_name);
}

void warn_about_windows_paths(import_plan& plan, const std::string& file, const std::vector<reg::operation>& ops,
                              const import_options& options) {
    for (const auto& op : ops) {
        if (op.what != reg::operation::kind::set_value) continue;
        if (op.data.type != reg::type_sz && op.data.type != reg::type_expand_sz) continue;
        const std::string text = string_value(op.data);
        const std::size_t start = windows_path_start(text);
        if (start == std::string::npos) continue;
        std::string windows_path = text.substr(start);
        if (const auto end = windows_path.find_first_of("\";"); end != std::string::npos) windows_path.resize(end);
        const auto mapped = map_windows_path(windows_path, options.maps, options.default_root);
        plan.warnings.push_back(file + ":" + std::to_string(op.line) + ": registry value " + value_label(op)
                                + " holds the Windows path '" + windows_path + "', which is '" + mapped.path
                                + "' here: the extension reads the value as it is; edit it in the .reg file "
                                  "(the sidecar's registry does not translate paths)");
    }
}

}  // namespace

bool plan_registry(import_plan& plan, const import_options& options, std::string& error) {
    if (options.registry.empty()) return true;
    std::vector<std::string> files;
    for (const auto& source : options.registry) {
        const auto parsed = reg::parse_reg_file(source.bytes);
        if (parsed.error) {
            error = source.path + ":" + std::to_string(parsed.error->line) + ": " + parsed.error->message;
            return false;
        }
        warn_about_windows_paths(plan, source.path, parsed.operations, options);
        files.push_back(source.path);
    }
    for (auto& pool : plan.pools) pool.registry_files = files;
    return true;
}

}  // namespace isapi_fcgi::iis_import
