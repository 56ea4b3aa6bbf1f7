#include "isapi/normalize_url.hpp"

#include <vector>

#include "isapi/percent_decoding.hpp"

namespace isapi_fcgi::isapi {

std::optional<std::string> normalize_url(std::string_view url) {
    const std::size_t query = url.find('?');
    const std::string_view path = url.substr(0, query);
    if (path.empty() || (path.front() != '/' && path.front() != '\\')) return std::nullopt;
    std::string decoded;
    if (!percent_decode(path, decoded) || decoded.find('\0') != std::string::npos) return std::nullopt;

    std::vector<std::string_view> segments;
    bool trailing = false;
    std::string_view rest(decoded);
    rest.remove_prefix(1);
    while (true) {
        const std::size_t end = rest.find_first_of("/\\");
        const std::string_view piece = rest.substr(0, end);
        const bool last = end == std::string_view::npos;
        if (piece == "..") {
            if (segments.empty()) return std::nullopt;
            segments.pop_back();
            trailing = true;
        } else if (piece.empty() || piece == ".") {
            trailing = true;
        } else {
            segments.push_back(piece);
            trailing = false;
        }
        if (last) break;
        rest.remove_prefix(end + 1);
    }
    std::string out;
    for (const auto piece : segments) {
        out += '/';
        out += piece;
    }
    if (out.empty() || trailing) out += '/';
    if (query != std::string_view::npos) out += url.substr(query);
    return out;
}

}  // namespace isapi_fcgi::isapi
