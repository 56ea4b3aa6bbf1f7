#include "filters/response_head.hpp"

#include <algorithm>

#include "isapi/ascii.hpp"
#include "isapi/http_status.hpp"

namespace isapi_fcgi::filters {
namespace {

namespace ascii = isapi::ascii;

// "Name:" -> "Name"; nullopt when it is no token followed by its colon.
std::optional<std::string_view> bare_name(std::string_view name) noexcept {
    if (name.size() < 2 || name.back() != ':') return std::nullopt;
    name.remove_suffix(1);
    if (!ascii::is_token(name)) return std::nullopt;
    return name;
}

bool is_safe_value(std::string_view s) noexcept {
    return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

std::optional<response_head> response_head::parse(std::string_view block) {
    response_head head;
    while (true) {
        const auto end = block.find("\r\n");
        if (end == std::string_view::npos) return std::nullopt;
        const auto line = block.substr(0, end);
        block.remove_prefix(end + 2);
        if (line.empty()) break;
        const auto colon = line.find(':');
        if (colon == 0 || colon == std::string_view::npos) return std::nullopt;
        const auto name = line.substr(0, colon);
        const auto value = trim(line.substr(colon + 1));
        if (ascii::iequals(name, "Status")) {
            if (head.set_status(value) != ERROR_SUCCESS) return std::nullopt;
        } else {
            head.fields_.push_back({std::string(name), std::string(value)});
        }
    }
    return head;
}

response_head::field* response_head::find(std::string_view name) {
    const auto it = std::find_if(fields_.begin(), fields_.end(), [&](const field& f) { return ascii::iequals(f.name, name); });
    return it == fields_.end() ? nullptr : &*it;
}

const response_head::field* response_head::find(std::string_view name) const {
    return const_cast<response_head*>(this)->find(name);
}

std::optional<std::string_view> response_head::get(std::string_view name) const {
    if (ascii::iequals(name, "status") || ascii::iequals(name, "status:")) return std::string_view(status_);
    const auto bare = bare_name(name);
    if (!bare) return std::nullopt;
    const field* f = find(*bare);
    if (!f) return std::nullopt;
    return std::string_view(f->value);
}

DWORD response_head::set_status(std::string_view text) {
    const auto parsed = isapi::parse_status(text);
    if (!parsed) return ERROR_INVALID_PARAMETER;
    status_code_ = parsed->code;
    status_ = parsed->text();
    return ERROR_SUCCESS;
}

bool response_head::set_status_code(unsigned code) {
    if (code < 100 || code > 999) return false;
    if (code == status_code_) return true;
    status_code_ = code;
    status_ = isapi::http_status{code, std::string(isapi::reason_phrase(code))}.text();
    return true;
}

DWORD response_head::set(std::string_view name, std::string_view value) {
    if (ascii::iequals(name, "status") || ascii::iequals(name, "status:")) return set_status(value);
    const auto bare = bare_name(name);
    if (!bare || !is_safe_value(value)) return ERROR_INVALID_PARAMETER;
    if (value.empty()) {
        remove(*bare);
    } else if (field* f = find(*bare)) {
        f->value = value;
    } else {
        fields_.push_back({std::string(*bare), std::string(value)});
    }
    return ERROR_SUCCESS;
}

DWORD response_head::add(std::string_view name, std::string_view value) {
    const auto bare = bare_name(name);
    if (!bare || value.empty() || !is_safe_value(value)) return ERROR_INVALID_PARAMETER;
    // Set-Cookie cannot be folded into one line: each value is a header of its own.
    if (field* f = find(*bare); f && !ascii::iequals(*bare, "Set-Cookie")) {
        f->value += ", ";
        f->value += value;
    } else {
        fields_.push_back({std::string(*bare), std::string(value)});
    }
    return ERROR_SUCCESS;
}

void response_head::add_lines(std::string_view lines) {
    while (!lines.empty()) {
        const auto end = lines.find("\r\n");
        const auto line = lines.substr(0, end);
        lines.remove_prefix(end == std::string_view::npos ? lines.size() : end + 2);
        const auto colon = line.find(':');
        if (colon == 0 || colon == std::string_view::npos) continue;
        fields_.push_back({std::string(line.substr(0, colon)), std::string(trim(line.substr(colon + 1)))});
    }
}

void response_head::remove(std::string_view name) {
    std::erase_if(fields_, [&](const field& f) { return ascii::iequals(f.name, name); });
}

std::string response_head::to_block() const {
    std::string block;
    for (const auto& f : fields_) {
        block += f.name;
        block += ": ";
        block += f.value;
        block += "\r\n";
    }
    // Status last, as the translator sends it (HAProxy reads a Location before it as a 302).
    block += "Status: ";
    block += status_;
    block += "\r\n\r\n";
    return block;
}

}  // namespace isapi_fcgi::filters
