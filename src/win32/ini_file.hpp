#pragma once
// The .ini format as GetPrivateProfileString reads it, as a pure function over the file's
// text: [section] headers, key=value lines, ';' comments, names compared without regard to
// case, blanks around names and values dropped, one pair of matching quotes around a value
// removed. The first occurrence of a section or key wins.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace isapi_fcgi::win32 {

class ini_file {
public:
    explicit ini_file(std::string_view text);

    std::vector<std::string> sections() const;
    /// Keys of a section in file order (empty when it does not exist).
    std::vector<std::string> keys(std::string_view section) const;
    std::optional<std::string> value(std::string_view section, std::string_view key) const;

private:
    struct entry {
        std::string key;
        std::string value;
    };
    struct section_entries {
        std::string name;
        std::vector<entry> entries;
    };
    const section_entries* find(std::string_view section) const;

    std::vector<section_entries> sections_;
};

}  // namespace isapi_fcgi::win32
