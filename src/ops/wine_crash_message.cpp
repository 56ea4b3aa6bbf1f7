#include "ops/wine_crash_message.hpp"

#include <charconv>

#include <fmt/format.h>

namespace isapi_fcgi::ops {
namespace {

std::string one_line(std::string_view text) {
    std::string out(text);
    for (auto& c : out)
        if (c == '\n' || c == '\r') c = ' ';
    return out;
}

template <typename Number>
bool take_number(std::string_view& text, Number& value) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end == text.data()) return false;
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    if (text.empty() || text.front() != ' ') return false;
    text.remove_prefix(1);
    return true;
}

}  // namespace

std::string encode(const wine_crash_message& message, std::size_t limit) {
    std::string out = fmt::format("{}{} {} {}", wine_crash_prefix, message.extension, message.pid, one_line(message.how));
    if (out.size() > limit) out.resize(limit);
    for (const auto& r : message.in_flight) {
        const auto line = fmt::format("\n{} {}", r.quarantine_key, one_line(r.line));
        if (out.size() + line.size() > limit) break;
        out += line;
    }
    return out;
}

std::optional<wine_crash_message> decode_wine_crash(std::string_view text) {
    if (!text.starts_with(wine_crash_prefix)) return std::nullopt;
    text.remove_prefix(wine_crash_prefix.size());
    wine_crash_message message;
    const auto first_end = text.find('\n');
    std::string_view first = text.substr(0, first_end);
    if (!take_number(first, message.extension) || !take_number(first, message.pid)) return std::nullopt;
    message.how = std::string(first);
    text = first_end == std::string_view::npos ? std::string_view() : text.substr(first_end + 1);
    while (!text.empty()) {
        const auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        wine_crash_message::request r;
        if (!take_number(line, r.quarantine_key)) return std::nullopt;
        r.line = std::string(line);
        message.in_flight.push_back(std::move(r));
    }
    return message;
}

}  // namespace isapi_fcgi::ops
