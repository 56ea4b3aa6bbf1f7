#include "isapi/path_mapping.hpp"

#include <sys/stat.h>

#include <vector>

#include "isapi/percent_decoding.hpp"

namespace isapi_fcgi::isapi {

std::string normalize_document_root(std::string_view root) {
    while (root.size() > 1 && (root.back() == '/' || root.back() == '\\')) root.remove_suffix(1);
    return std::string(root);
}

path_mapping_result map_url_to_path(std::string_view document_root, std::string_view url_path,
                                    const path_mapping_options& options) {
    path_mapping_result result;
    if (document_root.empty()) {
        result.error = path_mapping_error::no_document_root;
        return result;
    }
    if (url_path.find('\0') != std::string_view::npos) {
        result.error = path_mapping_error::nul_character;
        return result;
    }
    std::string root = normalize_document_root(document_root);
    if (root == "/") root.clear();  // so that root + "/x" never doubles the '/'
    if (url_path.empty()) {  // the root itself (PATH_TRANSLATED of a request without PATH_INFO)
        result.value.matching_path_length = root.size();
        result.value.path = root.empty() ? std::string("/") : std::move(root);
        return result;
    }

    std::vector<std::string_view> segments;
    bool trailing_separator = false;
    std::size_t start = 0;
    while (start <= url_path.size()) {
        std::size_t end = url_path.find_first_of("/\\", start);
        if (end == std::string_view::npos) end = url_path.size();
        const std::string_view piece = url_path.substr(start, end - start);
        const bool last = end == url_path.size();
        start = end + 1;
        if (piece.empty() || piece == ".") {
            if (last) trailing_separator = !url_path.empty();
            continue;
        }
        if (piece == "..") {
            if (segments.empty()) {
                result.error = path_mapping_error::escapes_root;
                return result;
            }
            segments.pop_back();
            if (last) trailing_separator = true;
            continue;
        }
        if (is_dot_segment(piece)) {
            result.error = path_mapping_error::encoded_dot_segment;
            return result;
        }
        segments.push_back(piece);
        trailing_separator = false;
    }

    std::string& path = result.value.path;
    path = root;
    for (const auto piece : segments) {
        path += '/';
        path += piece;
    }
    if (trailing_separator) {
        path += '/';
    } else if (!url_path.empty() && options.is_directory &&
               options.is_directory(path.empty() ? std::string("/") : path)) {
        path += '/';
    }
    if (path.empty()) path.push_back('/');  // root "/" and an empty URL path
    result.value.matching_url_length = 0;
    result.value.matching_path_length = root.size();
    return result;
}

std::string appl_physical_path(std::string_view document_root) {
    if (document_root.empty()) return {};
    std::string root = normalize_document_root(document_root);
    if (root.back() != '/') root += '/';
    return root;
}

bool is_existing_directory(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace isapi_fcgi::isapi
