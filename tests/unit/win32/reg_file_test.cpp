// The .reg parser: both regedit syntaxes and encodings, every value form, deletions,
// continuation lines, and errors with their line numbers; the serializer reads back.
#include "win32/reg_file.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace reg = isapi_fcgi::win32::reg;

namespace {

std::vector<std::uint8_t> bytes(std::string_view text) {
    return {text.begin(), text.end()};
}

std::vector<std::uint8_t> utf16le_with_bom(std::u16string_view text) {
    std::vector<std::uint8_t> out{0xFF, 0xFE};
    for (char16_t c : text) {
        out.push_back(static_cast<std::uint8_t>(c & 0xFF));
        out.push_back(static_cast<std::uint8_t>(c >> 8));
    }
    return out;
}

std::vector<std::uint8_t> wide(std::u16string_view text) {  // UTF-16LE data with terminator
    std::vector<std::uint8_t> out;
    for (char16_t c : text) {
        out.push_back(static_cast<std::uint8_t>(c & 0xFF));
        out.push_back(static_cast<std::uint8_t>(c >> 8));
    }
    out.insert(out.end(), {0, 0});
    return out;
}

const reg::value* find_value(const reg::key& tree, std::string_view path, const std::string& name) {
    const reg::key* at = &tree;
    auto parts = reg::split_path(path);
    parts.front() = reg::canonical_root(parts.front()).value_or(parts.front());  // HKLM too
    for (const auto& part : parts) {
        const auto it = at->subkeys.find(part);
        if (it == at->subkeys.end()) return nullptr;
        at = &it->second;
    }
    const auto it = at->values.find(name);
    return it == at->values.end() ? nullptr : &it->second.second;
}

reg::key tree_of(const std::vector<std::uint8_t>& file) {
    const auto parsed = reg::parse_reg_file(file);
    EXPECT_FALSE(parsed.error) << parsed.error->line << ": " << parsed.error->message;
    reg::key tree;
    reg::apply(tree, parsed.operations);
    return tree;
}

constexpr std::string_view version5_file =
    "Windows Registry Editor Version 5.00\r\n"
    "\r\n"
    "; exported from the IIS machine\r\n"
    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Gateway]\r\n"
    "@=\"default text\"\r\n"
    "\"Root\"=\"C:\\\\inetpub\\\\data\\\\\"\r\n"
    "\"Quote\"=\"say \\\"hi\\\"\"\r\n"
    "\"Threads\"=dword:00000010\r\n"
    "\"Blob\"=hex:de,ad,be,ef\r\n"
    "\"Path\"=hex(2):25,00,54,00,4d,00,50,00,25,00,00,00\r\n"
    "\"Hosts\"=hex(7):61,00,00,00,62,00,00,00,00,00\r\n"
    "\"Big\"=hex(b):01,00,00,00,00,00,00,80\r\n"
    "\"Long\"=hex:00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,10,11,12,13,14,15,\\\r\n"
    "  16,17,18,19\r\n"
    "\r\n"
    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Gateway\\Empty]\r\n";

TEST(reg_file, version5_values_of_every_kind) {
    const reg::key tree = tree_of(bytes(version5_file));
    const std::string key = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Gateway";
    EXPECT_EQ(find_value(tree, key, "")->data, wide(u"default text"));
    EXPECT_EQ(find_value(tree, key, "root")->data, wide(u"C:\\inetpub\\data\\"));  // any case
    EXPECT_EQ(find_value(tree, key, "Quote")->data, wide(u"say \"hi\""));
    const auto* threads = find_value(tree, key, "Threads");
    EXPECT_EQ(threads->type, reg::type_dword);
    EXPECT_EQ(threads->data, (std::vector<std::uint8_t>{0x10, 0, 0, 0}));
    EXPECT_EQ(find_value(tree, key, "Blob")->data, (std::vector<std::uint8_t>{0xde, 0xad, 0xbe, 0xef}));
    EXPECT_EQ(find_value(tree, key, "Path")->type, reg::type_expand_sz);
    EXPECT_EQ(find_value(tree, key, "Path")->data, wide(u"%TMP%"));
    EXPECT_EQ(find_value(tree, key, "Hosts")->type, reg::type_multi_sz);
    EXPECT_EQ(find_value(tree, key, "Big")->type, reg::type_qword);
    EXPECT_EQ(find_value(tree, key, "Long")->data.size(), 26u);  // the continuation line joined
    EXPECT_EQ(find_value(tree, key, "Long")->data.back(), 0x19);
    EXPECT_TRUE(tree.subkeys.at("HKEY_LOCAL_MACHINE").subkeys.at("software").subkeys.at("CONTOSO")
                    .subkeys.at("gateway").subkeys.count("Empty"));
}

TEST(reg_file, utf16_with_bom_as_regedit_writes_it) {
    std::u16string text;
    for (char c : version5_file) text.push_back(static_cast<unsigned char>(c));
    text += u"[HKEY_CURRENT_USER\\Software\\Caf\u00e9]\r\n\"Name\"=\"J\u00fcrgen \u20ac\"\r\n";
    const reg::key tree = tree_of(utf16le_with_bom(text));
    EXPECT_EQ(find_value(tree, "HKEY_CURRENT_USER\\Software\\Caf\xC3\xA9", "Name")->data,
              wide(u"J\u00fcrgen \u20ac"));
    EXPECT_EQ(find_value(tree, "HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Gateway", "Threads")->data[0], 0x10);
}

TEST(reg_file, regedit4_ansi_and_its_byte_strings) {
    // Windows-1252 "\xE9" (e acute) in a string; hex(2) in REGEDIT4 is ANSI bytes ("%A%\0").
    const reg::key tree = tree_of(bytes(
        "REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\Software\\Old]\r\n\"Caf\xE9\"=\"r\xE9sum\xE9\"\r\n"
        "\"Expand\"=hex(2):25,41,25,00\r\n"));
    EXPECT_EQ(find_value(tree, "HKLM\\Software\\Old", "Caf\xC3\xA9")->data, wide(u"r\u00e9sum\u00e9"));
    EXPECT_EQ(find_value(tree, "HKLM\\Software\\Old", "Expand")->data, wide(u"%A%"));
}

TEST(reg_file, utf8_with_bom_and_deletions) {
    const reg::key tree = tree_of(bytes(
        "\xEF\xBB\xBFWindows Registry Editor Version 5.00\n"
        "[HKEY_LOCAL_MACHINE\\Software\\A\\Gone]\n\"x\"=dword:1\n"
        "[HKEY_LOCAL_MACHINE\\Software\\A]\n\"keep\"=\"1\"\n\"drop\"=\"2\"\n"
        "\"drop\"=-\n"
        "[-HKEY_LOCAL_MACHINE\\Software\\A\\Gone]\n"));
    EXPECT_NE(find_value(tree, "HKLM\\Software\\A", "keep"), nullptr);
    EXPECT_EQ(find_value(tree, "HKLM\\Software\\A", "drop"), nullptr);
    EXPECT_EQ(find_value(tree, "HKLM\\Software\\A\\Gone", "x"), nullptr);
    EXPECT_EQ(tree.subkeys.at("HKEY_LOCAL_MACHINE").subkeys.at("Software").subkeys.at("A").subkeys.size(), 0u);
}

TEST(reg_file, a_path_is_only_names) {
    const reg::key tree = tree_of(bytes(
        "Windows Registry Editor Version 5.00\n[HKEY_LOCAL_MACHINE\\..\\..\\etc/passwd]\n\"v\"=\"x\"\n"));
    EXPECT_NE(find_value(tree, "HKEY_LOCAL_MACHINE\\..\\..\\etc/passwd", "v"), nullptr);
}

struct bad_file {
    std::string_view text;
    int line;
    std::string_view message_part;
};

TEST(reg_file, errors_name_their_line) {
    const bad_file cases[] = {
        {"REGEDIT5\n", 1, "first line"},
        {"", 1, "empty"},
        {"REGEDIT4\n\n[HKEY_NOWHERE\\x]\n", 3, "unknown root key"},
        {"REGEDIT4\n\"v\"=\"x\"\n", 2, "before any [key]"},
        {"REGEDIT4\n[HKLM\\a]\n\"v\"=dword:123456789\n", 3, "dword"},
        {"REGEDIT4\n[HKLM\\a]\n\"v\"=hex:1,zz\n", 3, "hex byte"},
        {"REGEDIT4\n[HKLM\\a]\n\"v\"=hex(2x):00\n", 3, "hex(type)"},
        {"REGEDIT4\n[HKLM\\a]\n\"v\"=\"open\n", 3, "unterminated"},
        {"REGEDIT4\n[HKLM\\a]\n\"v\" \"x\"\n", 3, "'='"},
        {"REGEDIT4\n[HKLM\\a]\n\"v\"=wat\n", 3, "unrecognised"},
        {"REGEDIT4\n[HKLM\\a\n", 2, "']'"},
        {"REGEDIT4\n[HKLM\\a]\n\"v\"=hex:00,01,\\\n  02,\\\n  zz\n\"w\"=dword:1\n", 3, "hex byte"},
        {"REGEDIT4\n[HKLM\\a]\nstray text\n", 3, "unexpected line"},
    };
    for (const auto& c : cases) {
        const auto parsed = reg::parse_reg_file(bytes(c.text));
        ASSERT_TRUE(parsed.error) << c.text;
        EXPECT_EQ(parsed.error->line, c.line) << c.text;
        EXPECT_NE(parsed.error->message.find(c.message_part), std::string::npos)
            << c.text << " -> " << parsed.error->message;
    }
}

TEST(reg_file, serialize_reads_back_to_the_same_tree) {
    reg::key tree = tree_of(bytes(version5_file));
    reg::operation odd;
    odd.what = reg::operation::kind::set_value;
    odd.key = "HKEY_USERS\\x\\\"quoted\" [name]";
    odd.value_name = "line\\break";
    odd.data = {reg::type_sz, wide(u"two\nlines")};  // only hex keeps a line break
    reg::apply(tree, {odd});
    const std::string text = reg::serialize(tree);
    const reg::key again = tree_of(bytes(text));
    EXPECT_EQ(reg::serialize(again), text);
    EXPECT_EQ(find_value(again, odd.key, "line\\break")->data, wide(u"two\nlines"));
    EXPECT_EQ(find_value(again, "HKLM\\SOFTWARE\\Contoso\\Gateway", "Big")->type, reg::type_qword);
}

}  // namespace
