// Every relative link of the given Markdown files resolves to a file or directory of the tree:
//   link_check FILE.md...
// Inline links [text](target) and reference definitions [label]: target count; web addresses
// (scheme:), in-page anchors (#...) and anything inside code spans or fenced blocks do not.
// Prints each broken link as file:line and a summary; exit 1 when any is broken.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <string>

namespace {

bool is_relative_file_link(const std::string& target) {
    static const std::regex scheme("^[A-Za-z][A-Za-z0-9+.-]*:");
    return !target.empty() && target.front() != '#' && !std::regex_search(target, scheme);
}

}  // namespace

int main(int argc, char** argv) {
    const std::regex inline_link(R"(\]\(([^)\s]+)(?:\s+"[^"]*")?\))");
    const std::regex reference(R"(^\s*\[[^\]]+\]:\s+(\S+))");
    const std::regex code_span("`[^`]*`");
    int checked = 0, broken = 0;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path file = argv[i];
        std::ifstream in(file);
        if (!in) {
            std::cout << file.string() << ": cannot read\n";
            ++broken;
            continue;
        }
        bool in_block = false;
        int number = 0;
        for (std::string line; std::getline(in, line);) {
            ++number;
            if (line.find("```") != std::string::npos && line.find_first_not_of(' ') == line.find("```")) {
                in_block = !in_block;
                continue;
            }
            if (in_block) continue;
            const std::string text = std::regex_replace(line, code_span, "");
            std::vector<std::string> targets;
            for (std::sregex_iterator m(text.begin(), text.end(), inline_link), end; m != end; ++m)
                targets.push_back((*m)[1]);
            if (std::smatch m; std::regex_search(text, m, reference)) targets.push_back(m[1]);
            for (const auto& target : targets) {
                if (!is_relative_file_link(target)) continue;
                ++checked;
                const auto path = file.parent_path() / target.substr(0, target.find('#'));
                if (!std::filesystem::exists(path)) {
                    std::cout << file.string() << ":" << number << ": link to " << target << ": " << path.string()
                              << " does not exist\n";
                    ++broken;
                }
            }
        }
    }
    std::cout << argc - 1 << " files, " << checked << " relative links, " << broken << " broken\n";
    return broken == 0 ? 0 : 1;
}
