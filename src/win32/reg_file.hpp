#pragma once
// .reg files as regedit exports them (REGEDIT4 and "Windows Registry Editor Version 5.00";
// UTF-16LE with BOM, UTF-8 with or without BOM, or ANSI read as Windows-1252), parsed into the
// list of changes they make, and the registry tree those changes apply to. Pure: bytes in,
// operations and trees out; file I/O is the caller's.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace isapi_fcgi::win32::reg {

// REG_* types, numbered as Windows numbers them.
inline constexpr std::uint32_t type_none = 0, type_sz = 1, type_expand_sz = 2, type_binary = 3,
                               type_dword = 4, type_dword_big_endian = 5, type_multi_sz = 7,
                               type_qword = 11;

/// A value as Windows stores it: string types are UTF-16LE bytes with their terminator(s).
struct value {
    std::uint32_t type = type_none;
    std::vector<std::uint8_t> data;
    bool operator==(const value&) const = default;
};

/// One change a .reg file makes. `key` is the full path with its root spelled out
/// ("HKEY_LOCAL_MACHINE\\Software\\App"), components separated by '\\'.
struct operation {
    enum class kind { create_key, delete_key, set_value, delete_value };
    kind what = kind::create_key;
    std::string key;
    std::string value_name;  ///< "" is the default value ('@')
    value data;
    int line = 0;
};

struct parse_error {
    int line = 0;
    std::string message;
};

struct parse_result {
    std::vector<operation> operations;
    std::optional<parse_error> error;  ///< set: the file is refused, operations incomplete
};

parse_result parse_reg_file(std::span<const std::uint8_t> bytes);

/// Case-insensitive for ASCII letters, case-preserving. Names are UTF-8: non-ASCII letters compare
/// exactly (Windows would fold them too; key names in ISAPI settings are ASCII in practice).
struct name_less {
    bool operator()(const std::string& a, const std::string& b) const;
};

struct key {
    std::string name;  ///< as first spelled
    std::map<std::string, key, name_less> subkeys;
    std::map<std::string, std::pair<std::string, value>, name_less> values;  ///< folded -> (name, value)
};

/// The root spellings .reg files and HKEYs use ("HKEY_LOCAL_MACHINE"...; "HKLM" also accepted).
std::optional<std::string> canonical_root(std::string_view root);

/// Splits a path at '\\' (empty components dropped). A component is only ever a name: ".."
/// and "/" mean nothing here.
std::vector<std::string> split_path(std::string_view path);

/// Applies the operations in order to `tree` (whose subkeys are the roots).
void apply(key& tree, const std::vector<operation>& operations);

/// The tree as a "Windows Registry Editor Version 5.00" file in UTF-8, which parse_reg_file
/// reads back to the same tree.
std::string serialize(const key& tree);

}  // namespace isapi_fcgi::win32::reg
