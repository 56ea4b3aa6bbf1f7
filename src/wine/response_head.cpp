#include "wine/response_head.hpp"

#include <charconv>

namespace isapi_fcgi::wine {
namespace {

/// Longer than any header block the Linux worker lets a response have (max_response_header_bytes
/// is bounded far below this); beyond it the bytes are counted, not kept.
constexpr std::size_t max_head = 256 * 1024;

bool starts_with_field(std::string_view line, std::string_view name) {
    if (line.size() <= name.size() || line[name.size()] != ':') return false;
    for (std::size_t i = 0; i < name.size(); ++i)
        if ((line[i] | 0x20) != (name[i] | 0x20)) return false;
    return true;
}

}  // namespace

void response_head::add(std::string_view piece) {
    if (complete_ || abandoned_) {
        if (complete_) body_bytes_ += piece.size();
        return;
    }
    const std::size_t before = head_.size();
    head_.append(piece);
    // A block ends at an empty line; CGI allows bare LF as well as CRLF.
    std::size_t end = std::string_view::npos, length = 0;
    const std::size_t from = before >= 3 ? before - 3 : 0;
    if (const auto crlf = head_.find("\r\n\r\n", from); crlf != std::string::npos) end = crlf, length = 4;
    if (const auto lf = head_.find("\n\n", from); lf != std::string::npos && lf < end) end = lf, length = 2;
    if (end == std::string::npos) {
        if (head_.size() > max_head) {
            abandoned_ = true;
            head_.clear();
        }
        return;
    }
    complete_ = true;
    parse(std::string_view(head_).substr(0, end));
    body_bytes_ = head_.size() - end - length;
    head_.clear();
    head_.shrink_to_fit();
}

void response_head::parse(std::string_view block) {
    bool location = false;
    while (!block.empty()) {
        const auto nl = block.find('\n');
        std::string_view line = block.substr(0, nl);
        block = nl == std::string_view::npos ? std::string_view() : block.substr(nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (starts_with_field(line, "Status")) {
            auto value = line.substr(7);
            while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
            unsigned code = 0;
            const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), code);
            if (ec == std::errc() && end - value.data() == 3) status_ = code;
        } else if (starts_with_field(line, "Location")) {
            location = true;
        }
    }
    if (status_ == 0) status_ = location ? 302 : 200;
}

}  // namespace isapi_fcgi::wine
