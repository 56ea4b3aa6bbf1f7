#include "win32/reg_file.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "win32/unicode.hpp"

namespace isapi_fcgi::win32::reg {
namespace {

constexpr std::string_view header_v4 = "REGEDIT4";
constexpr std::string_view header_v5 = "Windows Registry Editor Version 5.00";

// The file as UTF-8 text, whatever regedit (or an editor after it) wrote.
std::string decode(std::span<const std::uint8_t> bytes) {
    if (bytes.size() >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE) {
        std::u16string units((bytes.size() - 2) / 2, u'\0');
        for (std::size_t i = 0; i < units.size(); ++i) {
            units[i] = static_cast<char16_t>(bytes[2 + 2 * i] | (bytes[3 + 2 * i] << 8));
        }
        return utf16_to_utf8(units, false).value_or(std::string());
    }
    std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    if (utf8_to_utf16(text, true)) return std::string(text);
    std::u16string units;  // not UTF-8: the ANSI code page of a western IIS machine
    for (unsigned char c : text) units.push_back(cp1252_to_utf16(c));
    return utf16_to_utf8(units, false).value_or(std::string());
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
            return false;
    }
    return true;
}

std::vector<std::uint8_t> utf16_bytes(std::u16string_view units) {
    std::vector<std::uint8_t> out;
    out.reserve(units.size() * 2);
    for (char16_t u : units) {
        out.push_back(static_cast<std::uint8_t>(u & 0xFF));
        out.push_back(static_cast<std::uint8_t>(u >> 8));
    }
    return out;
}

struct line_error {
    std::string message;
};

// A quoted string from `s` (just after the opening quote), "\\" and "\"" unescaped; `s` is
// left after the closing quote.
std::string quoted(std::string_view& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '\\' && i + 1 < s.size() && (s[i + 1] == '\\' || s[i + 1] == '"')) {
            out.push_back(s[++i]);
        } else if (c == '"') {
            s.remove_prefix(i + 1);
            return out;
        } else {
            out.push_back(c);
        }
    }
    throw line_error{"unterminated string"};
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::vector<std::uint8_t> hex_bytes(std::string_view s) {
    std::vector<std::uint8_t> out;
    std::size_t i = 0;
    const auto skip_blanks = [&] {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\\')) ++i;
    };
    skip_blanks();
    while (i < s.size()) {
        const int high = hex_digit(s[i]);
        const int low = i + 1 < s.size() ? hex_digit(s[i + 1]) : -1;
        if (high < 0 || low < 0) throw line_error{"bad hex byte near \"" + std::string(s.substr(i, 8)) + "\""};
        out.push_back(static_cast<std::uint8_t>(high * 16 + low));
        i += 2;
        skip_blanks();
        if (i < s.size()) {
            if (s[i] != ',') throw line_error{"expected ',' between hex bytes"};
            ++i;
            skip_blanks();
        }
    }
    return out;
}

value parse_data(std::string_view s, bool ansi_file) {
    value v;
    if (s.starts_with('"')) {
        s.remove_prefix(1);
        const std::string text = quoted(s);
        if (!trim(s).empty() && !trim(s).starts_with(';')) throw line_error{"text after the string"};
        const auto units = utf8_to_utf16(text, false).value_or(std::u16string());
        v.type = type_sz;
        v.data = utf16_bytes(units);
        v.data.insert(v.data.end(), {0, 0});
        return v;
    }
    if (starts_with_nocase(s, "dword:")) {
        const std::string_view digits = trim(s.substr(6));
        if (digits.empty() || digits.size() > 8
            || !std::all_of(digits.begin(), digits.end(), [](char c) { return hex_digit(c) >= 0; })) {
            throw line_error{"dword needs 1 to 8 hex digits"};
        }
        const auto number = static_cast<std::uint32_t>(std::stoul(std::string(digits), nullptr, 16));
        v.type = type_dword;
        for (int i = 0; i < 4; ++i) v.data.push_back(static_cast<std::uint8_t>(number >> (8 * i)));
        return v;
    }
    if (starts_with_nocase(s, "hex:")) {
        v.type = type_binary;
        v.data = hex_bytes(s.substr(4));
        return v;
    }
    if (starts_with_nocase(s, "hex(")) {
        const auto close = s.find("):");
        if (close == std::string_view::npos || close == 4 || close > 12) throw line_error{"bad hex(type): prefix"};
        std::uint32_t type = 0;
        for (char c : s.substr(4, close - 4)) {
            if (hex_digit(c) < 0) throw line_error{"bad hex(type): prefix"};
            type = type * 16 + static_cast<std::uint32_t>(hex_digit(c));
        }
        v.type = type;
        v.data = hex_bytes(s.substr(close + 2));
        // REGEDIT4 wrote expandable and multi strings in the ANSI code page: store them as
        // Windows does, in UTF-16.
        if (ansi_file && (type == type_expand_sz || type == type_multi_sz)) {
            std::u16string units;
            for (std::uint8_t b : v.data) units.push_back(cp1252_to_utf16(b));
            v.data = utf16_bytes(units);
        }
        return v;
    }
    throw line_error{"unrecognised value data \"" + std::string(s.substr(0, 16)) + "\""};
}

std::string checked_key_path(std::string_view path) {
    const auto parts = split_path(path);
    if (parts.empty()) throw line_error{"empty key path"};
    const auto root = canonical_root(parts.front());
    if (!root) throw line_error{"unknown root key \"" + parts.front() + "\""};
    std::string out = *root;
    for (std::size_t i = 1; i < parts.size(); ++i) out += "\\" + parts[i];
    return out;
}

unsigned char fold(unsigned char c) {
    return static_cast<unsigned char>(std::tolower(c));
}

}  // namespace

bool name_less::operator()(const std::string& a, const std::string& b) const {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return fold(static_cast<unsigned char>(x)) < fold(static_cast<unsigned char>(y));
    });
}

std::optional<std::string> canonical_root(std::string_view root) {
    static const std::pair<std::string_view, std::string_view> roots[] = {
        {"HKEY_LOCAL_MACHINE", "HKLM"}, {"HKEY_CURRENT_USER", "HKCU"},
        {"HKEY_CLASSES_ROOT", "HKCR"},  {"HKEY_USERS", "HKU"},
        {"HKEY_CURRENT_CONFIG", "HKCC"}};
    const name_less less;
    const std::string r(root);
    for (const auto& [full, shorthand] : roots) {
        const std::string f(full), s(shorthand);
        if (!less(r, f) && !less(f, r)) return f;
        if (!less(r, s) && !less(s, r)) return f;
    }
    return std::nullopt;
}

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto end = std::min(path.find('\\', start), path.size());
        if (end > start) parts.emplace_back(path.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

parse_result parse_reg_file(std::span<const std::uint8_t> bytes) {
    parse_result result;
    const std::string text = decode(bytes);
    std::vector<std::pair<int, std::string>> lines;  // logical lines with their first line number
    {
        int number = 0;
        std::size_t start = 0;
        bool continuing = false;
        while (start < text.size()) {
            auto end = text.find('\n', start);
            if (end == std::string::npos) end = text.size();
            ++number;
            std::string_view line = trim(std::string_view(text).substr(start, end - start));
            start = end + 1;
            if (continuing) {
                lines.back().second += std::string(line);
            } else {
                lines.emplace_back(number, std::string(line));
            }
            // regedit wraps long hex lists with a trailing backslash.
            const std::string& joined = lines.back().second;
            continuing = joined.ends_with('\\') && joined.find("=hex") != std::string::npos;
        }
    }
    bool header_seen = false;
    bool ansi = false;
    std::string current_key;
    for (const auto& [number, line] : lines) {
        try {
            if (line.empty() || line.starts_with(';')) continue;
            if (!header_seen) {
                if (line == header_v4) {
                    ansi = true;
                } else if (line != header_v5) {
                    throw line_error{"not a .reg file: the first line must be \"REGEDIT4\" or \"" +
                                     std::string(header_v5) + "\""};
                }
                header_seen = true;
                continue;
            }
            if (line.starts_with('[')) {
                const auto close = line.rfind(']');
                if (close == std::string::npos) throw line_error{"key line without ']'"};
                std::string_view path = std::string_view(line).substr(1, close - 1);
                operation op;
                op.line = number;
                if (path.starts_with('-')) {
                    op.what = operation::kind::delete_key;
                    op.key = checked_key_path(path.substr(1));
                    current_key.clear();
                } else {
                    op.what = operation::kind::create_key;
                    op.key = checked_key_path(path);
                    current_key = op.key;
                }
                result.operations.push_back(std::move(op));
                continue;
            }
            if (line.starts_with('@') || line.starts_with('"')) {
                if (current_key.empty()) throw line_error{"a value line before any [key] line"};
                std::string_view rest(line);
                operation op;
                op.line = number;
                op.key = current_key;
                if (rest.starts_with('@')) {
                    rest.remove_prefix(1);
                } else {
                    rest.remove_prefix(1);
                    op.value_name = quoted(rest);
                }
                rest = trim(rest);
                if (!rest.starts_with('=')) throw line_error{"expected '=' after the value name"};
                rest = trim(rest.substr(1));
                if (rest == "-") {
                    op.what = operation::kind::delete_value;
                } else {
                    op.what = operation::kind::set_value;
                    op.data = parse_data(rest, ansi);
                }
                result.operations.push_back(std::move(op));
                continue;
            }
            throw line_error{"unexpected line \"" + line.substr(0, 32) + "\""};
        } catch (const line_error& e) {
            result.error = parse_error{number, e.message};
            return result;
        }
    }
    if (!header_seen) result.error = parse_error{1, "empty file: no REGEDIT4 or Windows Registry Editor header"};
    return result;
}

namespace {

key* walk(key& tree, const std::vector<std::string>& parts, bool create) {
    key* at = &tree;
    for (const auto& part : parts) {
        auto it = at->subkeys.find(part);
        if (it == at->subkeys.end()) {
            if (!create) return nullptr;
            it = at->subkeys.emplace(part, key{part, {}, {}}).first;
        }
        at = &it->second;
    }
    return at;
}

std::string escaped(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '\\' || c == '"') out.push_back('\\');
        out.push_back(c);
    }
    return out;
}

// A REG_SZ that reads back from a quoted string: one terminator, no NUL or line break inside.
std::optional<std::string> plain_string(const value& v) {
    if (v.type != type_sz || v.data.size() < 2 || v.data.size() % 2 != 0) return std::nullopt;
    std::u16string units;
    for (std::size_t i = 0; i + 1 < v.data.size(); i += 2) {
        units.push_back(static_cast<char16_t>(v.data[i] | (v.data[i + 1] << 8)));
    }
    if (units.back() != u'\0') return std::nullopt;
    units.pop_back();
    if (units.find_first_of(u"\0\r\n", 0, 3) != std::u16string::npos) return std::nullopt;
    return utf16_to_utf8(units, true);
}

void serialize_key(const key& k, const std::string& path, std::string& out) {
    out += "[" + path + "]\r\n";
    for (const auto& [folded, named] : k.values) {
        const auto& [name, v] = named;
        out += name.empty() ? std::string("@") : "\"" + escaped(name) + "\"";
        out += "=";
        if (auto text = plain_string(v)) {
            out += "\"" + escaped(*text) + "\"";
        } else if (v.type == type_dword && v.data.size() == 4) {
            char digits[9];
            std::snprintf(digits, sizeof(digits), "%08x",
                          v.data[0] | (v.data[1] << 8) | (v.data[2] << 16) | (static_cast<unsigned>(v.data[3]) << 24));
            out += "dword:";
            out += digits;
        } else {
            char prefix[16];
            if (v.type == type_binary) std::snprintf(prefix, sizeof(prefix), "hex:");
            else std::snprintf(prefix, sizeof(prefix), "hex(%x):", v.type);
            out += prefix;
            for (std::size_t i = 0; i < v.data.size(); ++i) {
                char byte[4];
                std::snprintf(byte, sizeof(byte), i == 0 ? "%02x" : ",%02x", v.data[i]);
                out += byte;
            }
        }
        out += "\r\n";
    }
    out += "\r\n";
    for (const auto& [folded, sub] : k.subkeys) serialize_key(sub, path + "\\" + sub.name, out);
}

}  // namespace

void apply(key& tree, const std::vector<operation>& operations) {
    for (const auto& op : operations) {
        auto parts = split_path(op.key);
        switch (op.what) {
            case operation::kind::create_key: walk(tree, parts, true); break;
            case operation::kind::delete_key: {
                const std::string last = parts.back();
                parts.pop_back();
                if (key* parent = walk(tree, parts, false)) parent->subkeys.erase(last);
                break;
            }
            case operation::kind::set_value: {
                key* k = walk(tree, parts, true);
                k->values[op.value_name] = {op.value_name, op.data};
                break;
            }
            case operation::kind::delete_value:
                if (key* k = walk(tree, parts, false)) k->values.erase(op.value_name);
                break;
        }
    }
}

std::string serialize(const key& tree) {
    std::string out = std::string(header_v5) + "\r\n\r\n";
    for (const auto& [folded, root] : tree.subkeys) serialize_key(root, root.name, out);
    return out;
}

}  // namespace isapi_fcgi::win32::reg
