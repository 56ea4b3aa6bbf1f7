#include "win32/command_line.hpp"

namespace isapi_fcgi::win32 {
namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

}  // namespace

std::vector<std::string> split_command_line(std::string_view line) {
    std::vector<std::string> argv;
    std::size_t i = 0;
    while (i < line.size() && is_blank(line[i])) ++i;
    std::string program;
    if (i < line.size() && line[i] == '"') {
        const std::size_t end = line.find('"', i + 1);
        program = line.substr(i + 1, end == std::string_view::npos ? std::string_view::npos : end - i - 1);
        i = end == std::string_view::npos ? line.size() : end + 1;
    }
    while (i < line.size() && !is_blank(line[i])) program += line[i++];
    argv.push_back(std::move(program));

    for (;;) {
        while (i < line.size() && is_blank(line[i])) ++i;
        if (i >= line.size()) break;
        std::string argument;
        bool quoted = false;
        while (i < line.size() && (quoted || !is_blank(line[i]))) {
            std::size_t backslashes = 0;
            while (i < line.size() && line[i] == '\\') {
                ++backslashes;
                ++i;
            }
            if (i < line.size() && line[i] == '"') {
                argument.append(backslashes / 2, '\\');
                if (backslashes % 2 == 1) {
                    argument += '"';
                } else if (quoted && i + 1 < line.size() && line[i + 1] == '"') {
                    argument += '"';  // "" inside quotes: a literal quote, still quoted
                    ++i;
                } else {
                    quoted = !quoted;
                }
                ++i;
                continue;
            }
            argument.append(backslashes, '\\');
            if (i < line.size() && (quoted || !is_blank(line[i]))) argument += line[i++];
        }
        argv.push_back(std::move(argument));
    }
    return argv;
}

std::vector<std::string> program_candidates(std::string_view line) {
    std::size_t start = 0;
    while (start < line.size() && is_blank(line[start])) ++start;
    line.remove_prefix(start);
    if (!line.empty() && line[0] == '"') return {split_command_line(line).front()};
    std::vector<std::string> candidates;
    for (std::size_t i = 0; i <= line.size(); ++i) {
        if (i == line.size() || is_blank(line[i])) {
            if (i > 0 && !is_blank(line[i - 1])) candidates.emplace_back(line.substr(0, i));
        }
    }
    if (candidates.empty()) candidates.emplace_back();
    return candidates;
}

}  // namespace isapi_fcgi::win32
