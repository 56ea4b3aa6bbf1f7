#include "support/cgi_response.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace isapi_fcgi::test {

namespace {

std::string trim(std::string_view text)
{
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!text.empty() && is_space(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_space(text.back())) {
        text.remove_suffix(1);
    }
    return std::string(text);
}

bool iequals(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x))
                      == std::tolower(static_cast<unsigned char>(y));
           });
}

std::optional<int> leading_number(std::string_view text)
{
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end == text.data()) {
        return std::nullopt;
    }
    return value;
}

std::vector<std::string_view> split_lines(std::string_view block)
{
    std::vector<std::string_view> lines;
    while (!block.empty()) {
        auto end = block.find('\n');
        auto line = block.substr(0, end);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        lines.push_back(line);
        if (end == std::string_view::npos) {
            break;
        }
        block.remove_prefix(end + 1);
    }
    return lines;
}

void parse_header_lines(const std::vector<std::string_view>& lines, cgi_response& response)
{
    for (auto line : lines) {
        auto colon = line.find(':');
        if (colon == std::string_view::npos) {
            continue;
        }
        response.headers.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
    }
}

}  // namespace

std::optional<std::string> cgi_response::header(std::string_view name) const
{
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) {
            return value;
        }
    }
    return std::nullopt;
}

cgi_response parse_cgi_response(std::string_view text)
{
    cgi_response response;
    std::size_t crlf = text.find("\r\n\r\n");
    std::size_t lf = text.find("\n\n");
    std::size_t head_end = std::string_view::npos;
    std::size_t body_start = 0;
    if (crlf != std::string_view::npos && (lf == std::string_view::npos || crlf < lf)) {
        head_end = crlf;
        body_start = crlf + 4;
    } else if (lf != std::string_view::npos) {
        head_end = lf;
        body_start = lf + 2;
    }
    if (head_end == std::string_view::npos) {
        parse_header_lines(split_lines(text), response);
    } else {
        response.header_complete = true;
        parse_header_lines(split_lines(text.substr(0, head_end)), response);
        response.body = std::string(text.substr(body_start));
    }
    if (auto status = response.header("Status")) {
        response.status = leading_number(*status);
    }
    return response;
}

cgi_response parse_http_head(std::string_view head)
{
    cgi_response response;
    auto lines = split_lines(head);
    // curl -D writes every head it saw (100 Continue included); the last one is the answer.
    std::size_t last_status = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].substr(0, 5) == "HTTP/") {
            last_status = i;
        }
    }
    if (last_status < lines.size() && lines[last_status].substr(0, 5) == "HTTP/") {
        auto line = lines[last_status];
        auto space = line.find(' ');
        if (space != std::string_view::npos) {
            response.status = leading_number(line.substr(space + 1));
        }
        std::vector<std::string_view> rest(lines.begin() + static_cast<long>(last_status) + 1,
                                           lines.end());
        parse_header_lines(rest, response);
        response.header_complete = true;
    }
    return response;
}

}  // namespace isapi_fcgi::test
