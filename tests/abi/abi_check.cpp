// ABI fidelity check of include/isapi against mingw-w64's Windows headers (x86_64).
//
//   abi_check generate <mingw httpext.h> <our httpext.h> <our windef_subset.h> <probe.c> <manifest>
//     Parses the three headers and writes a probe source that, compiled for one target, turns
//     every size, alignment, offset, signedness, constant value and type identity into a
//     `const long long abi_N` object, plus a manifest naming each N. The list comes from the
//     headers themselves: every name in mingw's httpext.h must exist in ours (else this fails),
//     and every Windows name our two headers define is checked against mingw's <windows.h>.
//   abi_check compare <manifest> <accepted deviations> <name>=<windows.s>,<linux.s>...
//     Reads the values back from the assembly each compiler pair produced (mingw binaries
//     cannot run here; C is compared with mingw's C, C++ with mingw's C++) and fails, naming every differing item, unless a difference is listed with its
//     reason in the accepted-deviations file. A listed deviation that no longer differs fails
//     too, so the list stays true.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

[[noreturn]] void fail(const std::string& message) {
    throw std::runtime_error(message);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        fail("cannot read " + path);
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

std::string collapse_spaces(std::string_view text) {
    std::string out;
    bool space = false;
    for (const char c : text) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            space = true;
            continue;
        }
        if (space && !out.empty()) {
            out += ' ';
        }
        space = false;
        out += c;
    }
    return out;
}

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

bool is_ident_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

std::vector<std::string> split_top_level(std::string_view text, char separator) {
    std::vector<std::string> parts;
    int depth = 0;
    std::string current;
    for (const char c : text) {
        if (c == '(' || c == '[' || c == '{') {
            ++depth;
        } else if (c == ')' || c == ']' || c == '}') {
            --depth;
        }
        if (c == separator && depth == 0) {
            parts.push_back(trim(current));
            current.clear();
        } else {
            current += c;
        }
    }
    if (!trim(current).empty()) {
        parts.push_back(trim(current));
    }
    return parts;
}

// ---- header model -------------------------------------------------------------------------

struct macro {
    std::string name;
    std::string body;
    bool function_like = false;
};

struct field {
    std::string name;
    std::string type_text; // declaration with the name replaced by "@"
};

enum class type_kind { arithmetic, pointer, structure, opaque, function_pointer };

struct type_def {
    std::string name;
    type_kind kind = type_kind::arithmetic;
    std::string type_text; // declaration with the name replaced by "@"
    std::string tag;       // struct tag for structure/opaque
};

struct structure {
    std::string tag;
    std::string name;
    std::vector<field> fields;
};

struct function_decl {
    std::string name;
    std::string type_text; // "RET WINAPI @(params)"
};

struct header {
    std::string path;
    std::vector<macro> macros;
    std::vector<type_def> types;
    std::vector<structure> structures;
    std::vector<function_decl> functions;
    std::set<std::string> names;
};

std::string strip_comments(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        if (text.compare(i, 2, "/*") == 0) {
            const auto end = text.find("*/", i + 2);
            if (end == std::string::npos) {
                fail("unterminated comment");
            }
            out += ' ';
            for (std::size_t j = i; j < end; ++j) {
                if (text[j] == '\n') {
                    out += '\n'; // keep line structure for directives
                }
            }
            i = end + 2;
        } else if (text.compare(i, 2, "//") == 0) {
            i = text.find('\n', i);
            if (i == std::string::npos) {
                break;
            }
        } else {
            out += text[i++];
        }
    }
    return out;
}

std::string join_continuations(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '\n') {
            ++i;
            continue;
        }
        out += text[i];
    }
    return out;
}

// Replaces the identifier starting at `pos` (length `length`) with '@'.
std::string with_placeholder(const std::string& text, std::size_t pos, std::size_t length) {
    return text.substr(0, pos) + "@" + text.substr(pos + length);
}

// The name of a function-pointer declarator: the identifier after '*' in "(WINAPI *NAME)".
std::optional<std::pair<std::size_t, std::size_t>> function_pointer_name(const std::string& text) {
    static const std::regex pattern(R"(\(\s*(?:\w+\s+)*\*\s*(\w+)\s*\))");
    std::smatch match;
    if (!std::regex_search(text, match, pattern)) {
        return std::nullopt;
    }
    return std::make_pair(static_cast<std::size_t>(match.position(1)),
                          static_cast<std::size_t>(match.length(1)));
}

// The declared name of a plain declarator: the last identifier, before any array suffix.
std::pair<std::size_t, std::size_t> plain_name(const std::string& text) {
    std::size_t end = text.size();
    if (const auto bracket = text.find('['); bracket != std::string::npos) {
        end = bracket;
    }
    while (end > 0 && !is_ident_char(text[end - 1])) {
        --end;
    }
    std::size_t begin = end;
    while (begin > 0 && is_ident_char(text[begin - 1])) {
        --begin;
    }
    if (begin == end) {
        fail("no declarator name in: " + text);
    }
    return {begin, end - begin};
}

bool ignored_name(const std::string& name) {
    return starts_with(name, "ISAPI_") || starts_with(name, "isapi_") || name == "_HTTPEXT_H_"
           || name == "_HTTPFILT_H_";
}

const std::set<std::string>& arithmetic_words() {
    static const std::set<std::string> words{
        "signed", "unsigned", "char", "short", "int", "long", "float", "double", "const",
        "char16_t", "uint16_t", "int32_t", "uint32_t", "intptr_t", "uintptr_t", "int64_t",
        "uint64_t"};
    return words;
}

class header_parser {
public:
    /// `strict`: every typedef base must be a C type or a typedef seen before (our headers);
    /// Windows' httpext.h builds on <windows.h>, which is not parsed, so its kinds stay unknown.
    header_parser(header& out, bool strict) : out_(out), strict_(strict) {}

    void parse(const std::string& raw) {
        const std::string text = join_continuations(strip_comments(raw));
        std::string code;
        std::istringstream lines(text);
        // One entry per open #if: true while the lines belong to a C++-only branch. The probe
        // is C first, so `#ifdef __cplusplus` branches are skipped and their #else taken;
        // every other conditional is read in all its branches.
        std::vector<bool> cplusplus_branch;
        for (std::string line; std::getline(lines, line);) {
            const std::string stripped = collapse_spaces(line);
            if (starts_with(stripped, "#")) {
                const std::string directive_text = collapse_spaces(stripped.substr(1));
                if (starts_with(directive_text, "if")) {
                    const bool test = directive_text == "ifdef __cplusplus"
                                      || directive_text == "if defined(__cplusplus)";
                    cplusplus_branch.push_back(test);
                } else if (starts_with(directive_text, "el") && !cplusplus_branch.empty()) {
                    cplusplus_branch.back() = false;
                } else if (starts_with(directive_text, "endif") && !cplusplus_branch.empty()) {
                    cplusplus_branch.pop_back();
                }
                if (std::find(cplusplus_branch.begin(), cplusplus_branch.end(), true)
                    == cplusplus_branch.end()) {
                    directive(stripped);
                }
                continue;
            }
            if (std::find(cplusplus_branch.begin(), cplusplus_branch.end(), true)
                == cplusplus_branch.end()) {
                code += line;
                code += '\n';
            }
        }
        statements(code);
    }

private:
    void directive(const std::string& line) {
        static const std::regex define(R"(^#\s*define\s+(\w+)(\()?(.*)$)");
        std::smatch match;
        if (!std::regex_match(line, match, define)) {
            return;
        }
        macro m{match[1].str(), trim(match[3].str()), match[2].matched};
        if (m.function_like) {
            const auto close = m.body.find(')');
            m.body = close == std::string::npos ? m.body : trim(m.body.substr(close + 1));
        }
        if (ignored_name(m.name) || starts_with(m.name, "ISAPI_DECLSPEC_")) {
            return;
        }
        if (out_.names.insert(m.name).second) {
            out_.macros.push_back(m);
        }
    }

    void statements(std::string code) {
        for (const char* linkage : {"extern \"C\" {", "extern \"C\"{"}) {
            for (auto pos = code.find(linkage); pos != std::string::npos;
                 pos = code.find(linkage)) {
                code.erase(pos, std::string_view(linkage).size());
            }
        }
        int depth = 0;
        std::string current;
        for (const char c : code) {
            if (c == '}' && depth == 0) {
                continue; // the close of an extern "C" block
            }
            if (c == '{') {
                ++depth;
            } else if (c == '}') {
                --depth;
            }
            if (c == ';' && depth == 0) {
                statement(collapse_spaces(current));
                current.clear();
            } else {
                current += c;
            }
        }
        if (!trim(current).empty()) {
            fail(out_.path + ": trailing text: " + collapse_spaces(current));
        }
    }

    void statement(std::string s) {
        if (s.empty()) {
            return;
        }
        // mingw marks its 64-bit integer typedefs so -pedantic accepts __int64.
        if (starts_with(s, "__MINGW_EXTENSION ")) {
            s = s.substr(18);
        }
        if (starts_with(s, "enum ") && s.find('{') != std::string::npos) {
            enumeration(s.substr(5));
        } else if (starts_with(s, "typedef struct ")) {
            struct_typedef(s.substr(15));
        } else if (starts_with(s, "typedef ")) {
            plain_typedef(s.substr(8));
        } else if (s.find('(') != std::string::npos) {
            function(s);
        } else {
            fail(out_.path + ": statement not understood: " + s);
        }
    }

    void struct_typedef(const std::string& rest) {
        const auto space = rest.find(' ');
        const std::string tag = rest.substr(0, space);
        const auto open = rest.find('{');
        const auto close = rest.rfind('}');
        std::string declarators;
        std::vector<field> fields;
        const bool has_body = open != std::string::npos;
        if (has_body) {
            for (const auto& decl : split_top_level(rest.substr(open + 1, close - open - 1), ';')) {
                fields.push_back(make_field(collapse_spaces(decl)));
            }
            declarators = rest.substr(close + 1);
        } else {
            declarators = rest.substr(space + 1);
        }
        std::string main_name;
        for (const auto& decl : split_top_level(declarators, ',')) {
            const auto stars = static_cast<std::size_t>(std::count(decl.begin(), decl.end(), '*'));
            std::string name = decl;
            name.erase(std::remove(name.begin(), name.end(), '*'), name.end());
            name = trim(name);
            if (stars == 0) {
                main_name = name;
                type_def t{name, has_body ? type_kind::structure : type_kind::opaque,
                           "struct " + tag + " @", tag};
                add_type(t);
            } else {
                add_type({name, type_kind::pointer,
                          (main_name.empty() ? "struct " + tag : main_name) + " "
                              + std::string(stars, '*') + "@",
                          {}});
            }
        }
        if (has_body && !out_.names.count("struct " + tag)) {
            out_.names.insert("struct " + tag);
            out_.structures.push_back({tag, main_name, std::move(fields)});
        }
    }

    // `enum TAG { A, B = 3 }`: the tag is a type (its size is compared), every enumerator a
    // value, as a macro's would be.
    void enumeration(const std::string& rest) {
        const auto open = rest.find('{');
        const auto close = rest.rfind('}');
        const std::string tag = trim(rest.substr(0, open));
        add_type({"enum " + tag, type_kind::structure, "enum " + tag + " @", tag});
        for (const auto& enumerator : split_top_level(rest.substr(open + 1, close - open - 1), ',')) {
            const std::string name = trim(enumerator.substr(0, enumerator.find('=')));
            if (out_.names.insert(name).second) {
                out_.macros.push_back({name, name, false});
            }
        }
    }

    field make_field(const std::string& decl) {
        if (decl.find('(') != std::string::npos) {
            const auto name = function_pointer_name(decl);
            if (!name) {
                fail(out_.path + ": field not understood: " + decl);
            }
            return {decl.substr(name->first, name->second),
                    with_placeholder(decl, name->first, name->second)};
        }
        const auto [pos, length] = plain_name(decl);
        return {decl.substr(pos, length), with_placeholder(decl, pos, length)};
    }

    void plain_typedef(const std::string& rest) {
        if (rest.find('(') != std::string::npos) {
            const auto name = function_pointer_name(rest);
            if (!name) {
                fail(out_.path + ": typedef not understood: " + rest);
            }
            add_type({rest.substr(name->first, name->second), type_kind::function_pointer,
                      with_placeholder(rest, name->first, name->second), {}});
            return;
        }
        const auto parts = split_top_level(rest, ',');
        const auto [pos, length] = plain_name(parts.front());
        std::string base = trim(parts.front().substr(0, pos));
        std::size_t stars = 0;
        while (!base.empty() && base.back() == '*') {
            ++stars;
            base = trim(base.substr(0, base.size() - 1));
        }
        add_declared(base, stars, parts.front().substr(pos, length));
        for (std::size_t i = 1; i < parts.size(); ++i) {
            const auto more = static_cast<std::size_t>(std::count(parts[i].begin(), parts[i].end(), '*'));
            std::string name = parts[i];
            name.erase(std::remove(name.begin(), name.end(), '*'), name.end());
            add_declared(base, more, trim(name));
        }
    }

    void add_declared(const std::string& base, std::size_t stars, const std::string& name) {
        type_kind kind = type_kind::pointer;
        if (stars == 0) {
            kind = base_kind(base);
        }
        add_type({name, kind, base + " " + std::string(stars, '*') + "@", {}});
    }

    type_kind base_kind(const std::string& base) const {
        std::istringstream words(base);
        for (std::string word; words >> word;) {
            if (arithmetic_words().count(word) != 0) {
                continue;
            }
            const auto known = std::find_if(out_.types.begin(), out_.types.end(),
                                            [&](const type_def& t) { return t.name == word; });
            if (known == out_.types.end()) {
                if (!strict_) {
                    return type_kind::opaque;
                }
                fail(out_.path + ": cannot classify typedef base '" + base + "'");
            }
            return known->kind;
        }
        return type_kind::arithmetic;
    }

    void add_type(type_def t) {
        if (ignored_name(t.name)) {
            return;
        }
        if (out_.names.insert(t.name).second) {
            out_.types.push_back(std::move(t));
        }
    }

    void function(const std::string& s) {
        const auto paren = s.find('(');
        std::size_t end = paren;
        while (end > 0 && s[end - 1] == ' ') {
            --end;
        }
        std::size_t begin = end;
        while (begin > 0 && is_ident_char(s[begin - 1])) {
            --begin;
        }
        const std::string name = s.substr(begin, end - begin);
        if (ignored_name(name)) {
            return; // ISAPI_LAYOUT_CHECK_(...)
        }
        std::string text = with_placeholder(s, begin, end - begin);
        for (const char* attribute : {"ISAPI_EXTENSION_API ", "ISAPI_RUNTIME_API "}) {
            if (starts_with(text, attribute)) {
                text = text.substr(std::string_view(attribute).size());
            }
        }
        if (out_.names.insert(name).second) {
            out_.functions.push_back({name, text});
        }
    }

    header& out_;
    bool strict_;
};

header parse_header(const std::string& path, bool strict) {
    header h;
    h.path = path;
    header_parser(h, strict).parse(read_file(path));
    return h;
}

// ---- probe generation ------------------------------------------------------------------------

// Sample arguments for the function-like macros our headers define; a new macro must be added
// here, or generation fails.
const std::map<std::string, std::vector<std::string>>& macro_samples() {
    static const std::map<std::string, std::vector<std::string>> samples{
        {"MAKEWORD", {"MAKEWORD(0x12, 0x34)", "MAKEWORD(0x1FF, -1)"}},
        {"MAKELONG", {"MAKELONG(0x1234, 0xABCD)", "MAKELONG(-1, -1)", "MAKELONG(0x12345, 7)"}},
        {"LOWORD", {"LOWORD(0x12345678)", "LOWORD(-1)"}},
        {"HIWORD", {"HIWORD(0x87654321)", "HIWORD(-1)"}},
        {"LOBYTE", {"LOBYTE(0x1234)", "LOBYTE(-1)"}},
        {"HIBYTE", {"HIBYTE(0x1234)", "HIBYTE(0xFFFF)"}},
        {"SUCCEEDED", {"SUCCEEDED(0)", "SUCCEEDED(1)", "SUCCEEDED(-1)", "SUCCEEDED(0x80004005)"}},
        {"FAILED", {"FAILED(0)", "FAILED(-1)", "FAILED(0x80004005)"}},
        {"TEXT", {"sizeof(TEXT(\"ab\"))", "TEXT(\"ab\")[1]"}},
    };
    return samples;
}

// Macros that are not values: compared only for being defined.
bool defined_only(const macro& m) {
    static const std::set<std::string> keywords{"const", "void"};
    return m.body.empty() || keywords.count(m.body) != 0 || m.name == "__declspec"
           || starts_with(m.body, "__attribute__");
}

class probe_writer {
public:
    void item(const std::string& label, const std::string& expression) {
        const std::size_t id = labels_.size();
        labels_.push_back(label);
        body_ << "ABI_ITEM(" << id << ", " << expression << ")\n";
    }

    std::string new_typedef(const std::string& type_text) {
        std::string name = "abi_type_" + std::to_string(typedef_count_++);
        std::string text = type_text;
        const auto at = text.find('@');
        text.replace(at, 1, name);
        body_ << "typedef " << text << ";\n";
        return name;
    }

    void raw(const std::string& line) { body_ << line << '\n'; }

    /// Another header the probe includes after httpext.h, on both sides.
    void include(const std::string& header_name) { includes_ += "#include <" + header_name + ">\n"; }

    std::string source() const {
        return std::string(R"(/* Generated by abi_check: do not edit. */
#ifdef ABI_PROBE_WINDOWS
#define _DECL_DLLMAIN /* mingw's <process.h> declares DllMain only on request */
#include <windows.h>
#include <process.h>
#include <httpext.h>
#else
#include <httpext.h>
#endif
)") + includes_ + R"(#include <stddef.h>
#include <stdint.h>
#ifdef __cplusplus
#include <type_traits>
#define ABI_SAME(a, b) (std::is_same<a, b>::value)
#define ABI_FIELD_TYPE(t, f) decltype(t::f)
#define ABI_TYPEOF(x) decltype(x)
#define ABI_ITEM(id, expr) extern "C" const long long abi_##id = (long long)(expr);
extern "C" {
#else
#define ABI_SAME(a, b) __builtin_types_compatible_p(a, b)
#define ABI_FIELD_TYPE(t, f) __typeof__(((t *)0)->f)
#define ABI_TYPEOF(x) __typeof__(x)
#define ABI_ITEM(id, expr) const long long abi_##id = (long long)(expr);
#endif
)" + body_.str() + "#ifdef __cplusplus\n}\n#endif\n";
    }

    std::string manifest() const {
        std::string out;
        for (std::size_t i = 0; i < labels_.size(); ++i) {
            out += std::to_string(i) + '\t' + labels_[i] + '\n';
        }
        return out;
    }

private:
    std::ostringstream body_;
    std::vector<std::string> labels_;
    std::size_t typedef_count_ = 0;
    std::string includes_;
};

void emit_macro(probe_writer& probe, const macro& m) {
    if (defined_only(m)) {
        const std::string flag = "ABI_DEFINED_" + m.name;
        probe.raw("#ifdef " + m.name + "\n#define " + flag + " 1\n#else\n#define " + flag
                  + " 0\n#endif");
        probe.item("defined(" + m.name + ")", flag);
        return;
    }
    if (m.function_like) {
        const auto samples = macro_samples().find(m.name);
        if (samples == macro_samples().end()) {
            fail("no sample arguments for function-like macro " + m.name
                 + ": add them to macro_samples() in tests/abi/abi_check.cpp");
        }
        for (const auto& sample : samples->second) {
            probe.item("value(" + sample + ")", sample);
            probe.item("sizeof(" + sample + ")", "sizeof(" + sample + ")");
            probe.item("signed(" + sample + ")", "(" + sample + ") * 0 - 1 < 0");
        }
        return;
    }
    if (m.name == "INVALID_HANDLE_VALUE") {
        probe.item("value(" + m.name + ")", "(LONG_PTR)" + m.name);
        probe.item("sizeof(" + m.name + ")", "sizeof(" + m.name + ")");
        return;
    }
    probe.item("value(" + m.name + ")", m.name);
    probe.item("sizeof(" + m.name + ")", "sizeof(" + m.name + ")");
    probe.item("signed(" + m.name + ")", "(" + m.name + ") * 0 - 1 < 0");
}

void emit_type(probe_writer& probe, const type_def& t) {
    const std::string reference = probe.new_typedef(t.type_text);
    probe.item("same_type(" + t.name + ")", "ABI_SAME(" + t.name + ", " + reference + ")");
    if (t.kind == type_kind::opaque) {
        return;
    }
    probe.item("sizeof(" + t.name + ")", "sizeof(" + t.name + ")");
    probe.item("alignof(" + t.name + ")", "__alignof__(" + t.name + ")");
    if (t.kind == type_kind::arithmetic) {
        probe.item("signed(" + t.name + ")", "(" + t.name + ")-1 < (" + t.name + ")0");
    }
}

void emit_structure(probe_writer& probe, const structure& s) {
    for (const auto& f : s.fields) {
        const std::string where = s.name + ", " + f.name;
        probe.item("offsetof(" + where + ")", "offsetof(" + s.name + ", " + f.name + ")");
        probe.item("sizeof(" + s.name + "." + f.name + ")",
                   "sizeof(ABI_FIELD_TYPE(" + s.name + ", " + f.name + "))");
        const std::string reference = probe.new_typedef(f.type_text);
        probe.item("same_type(" + s.name + "." + f.name + ")",
                   "ABI_SAME(ABI_FIELD_TYPE(" + s.name + ", " + f.name + "), " + reference + ")");
    }
}

void emit_function(probe_writer& probe, const function_decl& f) {
    const std::string reference = probe.new_typedef(f.type_text);
    probe.item("same_type(" + f.name + ")",
               "ABI_SAME(ABI_TYPEOF(" + f.name + "), " + reference + ")");
}

// Adds one more header to a parsed model, as if it were appended to the ones before.
void parse_into(header& model, const std::string& path, bool strict) {
    model.path = path;
    header_parser(model, strict).parse(read_file(path));
}

// windows.h types that a mingw header re-typedefs for itself (httpfilt.h: ULONG_PTR in its
// __int64 spelling). They are compared through windef_subset.h with mingw's <windows.h>.
void drop_windows_base_types(header& windows) {
    static const std::set<std::string> base{"ULONG_PTR", "PULONG_PTR"};
    windows.types.erase(std::remove_if(windows.types.begin(), windows.types.end(),
                                       [](const type_def& t) { return base.count(t.name) != 0; }),
                        windows.types.end());
    for (const auto& name : base) {
        windows.names.erase(name);
    }
}

int generate(const std::vector<std::string>& args) {
    if (args.size() < 5 || (args.size() - 5) % 2 != 0) {
        fail("usage: abi_check generate <mingw httpext.h> <our httpext.h> "
             "<our windef_subset.h> <probe.c> <manifest> [<mingw X.h> <our X.h>]...");
    }
    header windows = parse_header(args[0], false);
    header ours = parse_header(args[2], true); // windef_subset first: httpext.h builds on it
    parse_into(ours, args[1], true);
    probe_writer probe;
    // Further SDK headers (httpfilt.h), each after httpext.h in both models and in the probe.
    for (std::size_t i = 5; i + 1 < args.size(); i += 2) {
        parse_into(windows, args[i], false);
        drop_windows_base_types(windows);
        parse_into(ours, args[i + 1], true);
        const auto slash = args[i + 1].find_last_of('/');
        probe.include(args[i + 1].substr(slash == std::string::npos ? 0 : slash + 1));
    }

    std::vector<std::string> missing;
    for (const auto& name : windows.names) {
        if (ours.names.count(name) == 0) {
            missing.push_back(name);
        }
    }
    if (!missing.empty()) {
        std::cerr << "names in mingw's headers that include/isapi lacks:\n";
        for (const auto& name : missing) {
            std::cerr << "  " << name << '\n';
        }
        return 1;
    }

    // Windows' own text wherever the name is in its httpext.h; ours for the rest.
    const auto pick_macro = [&](const macro& m) {
        for (const auto& w : windows.macros) {
            if (w.name == m.name) {
                return w;
            }
        }
        return m;
    };
    for (const auto& m : ours.macros) {
        emit_macro(probe, pick_macro(m));
    }
    for (const auto& t : ours.types) {
        const auto w = std::find_if(windows.types.begin(), windows.types.end(),
                                    [&](const type_def& x) { return x.name == t.name; });
        // Our kind decides which checks apply; Windows' text is the reference type.
        type_def reference = t;
        if (w != windows.types.end()) {
            reference.type_text = w->type_text;
        }
        emit_type(probe, reference);
    }
    for (const auto& s : ours.structures) {
        const auto w = std::find_if(windows.structures.begin(), windows.structures.end(),
                                    [&](const structure& x) { return x.tag == s.tag; });
        const structure& reference = w != windows.structures.end() ? *w : s;
        // Our field list must be Windows' field list, in order.
        std::vector<std::string> ours_fields, windows_fields;
        for (const auto& f : s.fields) {
            ours_fields.push_back(f.name);
        }
        for (const auto& f : reference.fields) {
            windows_fields.push_back(f.name);
        }
        if (ours_fields != windows_fields) {
            std::cerr << "struct " << s.tag << ": fields differ from mingw's\n";
            return 1;
        }
        emit_structure(probe, reference);
    }
    for (const auto& f : ours.functions) {
        const auto w = std::find_if(windows.functions.begin(), windows.functions.end(),
                                    [&](const function_decl& x) { return x.name == f.name; });
        emit_function(probe, w != windows.functions.end() ? *w : f);
    }

    std::ofstream(args[3]) << probe.source();
    std::ofstream(args[4]) << probe.manifest();
    std::cout << "abi_check: " << windows.names.size() << " names from " << args[0] << ", "
              << ours.names.size() << " from include/isapi\n";
    return 0;
}

// ---- comparison ----------------------------------------------------------------------------

// abi_N values from GNU assembler output: gcc, clang and mingw all emit `abi_N:` followed by
// `.quad V`, or `.zero 8` / `.space 8` for 0 (clang adds `# comments`).
std::map<std::size_t, long long> read_values(const std::string& path) {
    std::map<std::size_t, long long> values;
    static const std::regex label(R"(^abi_(\d+):\s*(?:#.*)?$)");
    static const std::regex quad(R"(^\s*\.(?:quad|8byte)\s+(-?\d+)\s*(?:#.*)?$)");
    static const std::regex zero(R"(^\s*\.(?:zero|space)\s+8\s*(?:#.*)?$)");
    std::istringstream lines(read_file(path));
    // The label whose value comes next; none = SIZE_MAX (gcc 12 misreads std::optional here
    // as maybe-uninitialized).
    constexpr std::size_t none = static_cast<std::size_t>(-1);
    std::size_t pending = none;
    for (std::string line; std::getline(lines, line);) {
        std::smatch match;
        if (std::regex_match(line, match, label)) {
            pending = std::stoul(match[1].str());
        } else if (pending != none && std::regex_match(line, match, quad)) {
            values[pending] = std::stoll(match[1].str());
            pending = none;
        } else if (pending != none && std::regex_match(line, zero)) {
            values[pending] = 0;
            pending = none;
        }
    }
    return values;
}

int compare(const std::vector<std::string>& args) {
    if (args.size() < 3) {
        fail("usage: abi_check compare <manifest> <accepted> <name>=<windows.s>,<linux.s>...");
    }
    std::vector<std::string> labels;
    {
        std::istringstream lines(read_file(args[0]));
        for (std::string line; std::getline(lines, line);) {
            const auto tab = line.find('\t');
            if (tab != std::string::npos) {
                labels.push_back(line.substr(tab + 1));
            }
        }
    }
    std::map<std::string, std::string> accepted; // label -> reason
    {
        std::istringstream lines(read_file(args[1]));
        for (std::string line; std::getline(lines, line);) {
            line = trim(line);
            if (line.empty() || line[0] == '#') {
                continue;
            }
            const auto bar = line.find(" | ");
            if (bar == std::string::npos) {
                fail(args[1] + ": expected 'label | reason': " + line);
            }
            accepted[trim(line.substr(0, bar))] = trim(line.substr(bar + 3));
        }
    }

    int failures = 0;
    std::set<std::string> deviations_seen;
    for (std::size_t a = 2; a < args.size(); ++a) {
        const auto eq = args[a].find('=');
        const auto comma = args[a].find(',', eq);
        if (eq == std::string::npos || comma == std::string::npos) {
            fail("expected <name>=<windows.s>,<linux.s>: " + args[a]);
        }
        const std::string variant = args[a].substr(0, eq);
        const auto windows = read_values(args[a].substr(eq + 1, comma - eq - 1));
        const auto linux_values = read_values(args[a].substr(comma + 1));
        std::size_t compared = 0;
        for (std::size_t id = 0; id < labels.size(); ++id) {
            const auto w = windows.find(id);
            const auto l = linux_values.find(id);
            if (w == windows.end() || l == linux_values.end()) {
                std::cout << "FAIL [" << variant << "] " << labels[id] << ": no value from "
                          << (w == windows.end() ? "mingw" : variant) << '\n';
                ++failures;
                continue;
            }
            ++compared;
            if (w->second == l->second) {
                continue;
            }
            const auto reason = accepted.find(labels[id]);
            if (reason != accepted.end()) {
                deviations_seen.insert(labels[id]);
                continue;
            }
            std::cout << "FAIL [" << variant << "] " << labels[id] << ": windows " << w->second
                      << ", linux " << l->second << '\n';
            ++failures;
        }
        std::cout << "abi_check [" << variant << "]: " << compared << " of " << labels.size()
                  << " items compared\n";
    }
    for (const auto& [label, reason] : accepted) {
        if (deviations_seen.count(label) == 0) {
            std::cout << "FAIL accepted deviation no longer differs (remove it): " << label
                      << '\n';
            ++failures;
        } else {
            std::cout << "accepted: " << label << " -- " << reason << '\n';
        }
    }
    if (failures != 0) {
        std::cout << "abi_check: " << failures << " mismatches\n";
        return 1;
    }
    std::cout << "abi_check: OK\n";
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    try {
        const std::vector<std::string> args(argv + 1, argv + argc);
        if (!args.empty() && args[0] == "generate") {
            return generate({args.begin() + 1, args.end()});
        }
        if (!args.empty() && args[0] == "compare") {
            return compare({args.begin() + 1, args.end()});
        }
        std::cerr << "usage: abi_check generate|compare ...\n";
        return 2;
    } catch (const std::exception& error) {
        std::cerr << "abi_check: " << error.what() << '\n';
        return 2;
    }
}
