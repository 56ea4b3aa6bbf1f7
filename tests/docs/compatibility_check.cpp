// The CI check of docs/compatibility.md: every row whose isapi-fcgi cell claims support (it starts
// with "✓" or "~") names at least one test in its Test cell, and every test named anywhere exists.
// A test is named in backticks as `suite.test`, the GoogleTest name, and exists when a
// TEST/TEST_F/TEST_P(suite, test) is defined in a .cpp file under the tests directory (grepping the
// sources rather than asking CTest keeps the check independent of which suites this build
// configured, e.g. the Wine ones).
// Usage: compatibility_check DOC.md TESTS_DIR
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::set<std::string> defined_tests(const std::filesystem::path& root) {
    std::set<std::string> names;
    const std::regex definition(R"(\bTEST(?:_F|_P)?\(\s*(\w+)\s*,\s*(\w+)\s*\))");
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (!entry.is_regular_file() || entry.path().extension() != ".cpp") continue;
        const std::string text = read_file(entry.path());
        for (std::sregex_iterator it(text.begin(), text.end(), definition), end; it != end; ++it)
            names.insert((*it)[1].str() + "." + (*it)[2].str());
    }
    return names;
}

std::vector<std::string> cells_of(const std::string& line) {
    std::vector<std::string> cells;
    std::string current;
    bool in_code = false;
    for (std::size_t i = 1; i < line.size(); ++i) {
        const char c = line[i];
        if (c == '`') in_code = !in_code;
        if (c == '|' && !in_code && line[i - 1] != '\\') {
            const auto first = current.find_first_not_of(' ');
            const auto last = current.find_last_not_of(' ');
            cells.push_back(first == std::string::npos ? "" : current.substr(first, last - first + 1));
            current.clear();
        } else {
            current += c;
        }
    }
    return cells;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: compatibility_check DOC.md TESTS_DIR\n";
        return 2;
    }
    const auto tests = defined_tests(argv[2]);
    std::ifstream doc(argv[1]);
    if (!doc) {
        std::cerr << argv[1] << ": cannot read\n";
        return 2;
    }
    const std::regex named(R"(`([A-Za-z_]\w*)\.(\w+)`)");
    int problems = 0, rows = 0, claimed = 0;
    int support_column = -1, test_column = -1;
    std::string line;
    for (int number = 1; std::getline(doc, line); ++number) {
        if (!line.starts_with("|")) {
            support_column = test_column = -1;  // a table ended
            continue;
        }
        const auto cells = cells_of(line);
        if (support_column < 0) {  // the header row
            for (std::size_t i = 0; i < cells.size(); ++i) {
                if (cells[i] == "isapi-fcgi") support_column = static_cast<int>(i);
                if (cells[i] == "Test") test_column = static_cast<int>(i);
            }
            if (support_column < 0 || test_column < 0) support_column = test_column = -2;  // not a matrix table
            continue;
        }
        if (support_column == -2 || line.starts_with("|---") || line.starts_with("| ---")) continue;
        if (static_cast<int>(cells.size()) <= std::max(support_column, test_column)) {
            std::cout << argv[1] << ":" << number << ": row has too few cells\n";
            ++problems;
            continue;
        }
        ++rows;
        const std::string& support = cells[static_cast<std::size_t>(support_column)];
        const std::string& test_cell = cells[static_cast<std::size_t>(test_column)];
        const bool claims = support.starts_with("✓") || support.starts_with("~");
        int named_tests = 0;
        for (std::sregex_iterator it(test_cell.begin(), test_cell.end(), named), end; it != end; ++it) {
            ++named_tests;
            const std::string name = (*it)[1].str() + "." + (*it)[2].str();
            if (!tests.count(name)) {
                std::cout << argv[1] << ":" << number << ": names test " << name << ", which does not exist\n";
                ++problems;
            }
        }
        if (claims) {
            ++claimed;
            if (named_tests == 0) {
                std::cout << argv[1] << ":" << number << ": row claims support but names no test: " << cells[0] << "\n";
                ++problems;
            }
        }
    }
    std::cout << argv[1] << ": " << rows << " rows, " << claimed << " claiming support, " << problems
              << " problems\n";
    return problems == 0 && rows > 0 ? 0 : 1;
}
