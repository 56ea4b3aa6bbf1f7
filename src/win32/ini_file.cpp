#include "win32/ini_file.hpp"

#include <strings.h>

namespace isapi_fcgi::win32 {
namespace {

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t\r");
    return text.substr(first, last - first + 1);
}

bool same_name(std::string_view a, std::string_view b) {
    return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

ini_file::ini_file(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte-order mark
    section_entries* current = nullptr;
    while (!text.empty()) {
        const auto end = text.find('\n');
        std::string_view line = trim(text.substr(0, end));
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        if (line.empty() || line.front() == ';') continue;
        if (line.front() == '[') {
            const auto close = line.find(']');
            const auto name = trim(line.substr(1, close == std::string_view::npos ? line.npos : close - 1));
            current = nullptr;
            for (auto& s : sections_) {
                if (same_name(s.name, name)) current = &s;
            }
            if (current == nullptr) {
                sections_.push_back({std::string(name), {}});
                current = &sections_.back();
            }
            continue;
        }
        if (current == nullptr) continue;  // lines before the first section are ignored
        const auto equals = line.find('=');
        const auto key = trim(line.substr(0, equals));
        std::string_view value = equals == std::string_view::npos ? std::string_view{}
                                                                 : trim(line.substr(equals + 1));
        if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')
            && value.back() == value.front()) {
            value = value.substr(1, value.size() - 2);
        }
        bool known = false;
        for (const auto& e : current->entries) known = known || same_name(e.key, key);
        if (!known) current->entries.push_back({std::string(key), std::string(value)});
    }
}

const ini_file::section_entries* ini_file::find(std::string_view section) const {
    for (const auto& s : sections_) {
        if (same_name(s.name, section)) return &s;
    }
    return nullptr;
}

std::vector<std::string> ini_file::sections() const {
    std::vector<std::string> names;
    for (const auto& s : sections_) names.push_back(s.name);
    return names;
}

std::vector<std::string> ini_file::keys(std::string_view section) const {
    std::vector<std::string> names;
    if (const auto* s = find(section)) {
        for (const auto& e : s->entries) names.push_back(e.key);
    }
    return names;
}

std::optional<std::string> ini_file::value(std::string_view section, std::string_view key) const {
    if (const auto* s = find(section)) {
        for (const auto& e : s->entries) {
            if (same_name(e.key, key)) return e.value;
        }
    }
    return std::nullopt;
}

}  // namespace isapi_fcgi::win32
