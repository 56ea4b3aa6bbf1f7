#pragma once
// URL path -> file system path under the configured document root: PATH_TRANSLATED,
// APPL_PHYSICAL_PATH and HSE_REQ_MAP_URL_TO_PATH(_EX). Pure string work; the only file system
// question (is this a directory?) is asked through an optional callback.
//
// Choices (IIS is only partly documented here):
// - The input is a URL *path*, not percent-decoded (IIS's MapPath does not decode). A segment
//   that would decode to "." or ".." ("%2e%2e") is refused rather than read either way.
// - '\' is a separator as well as '/', since Windows code builds paths with it. Empty segments
//   merge; "." is dropped; ".." removes the previous segment. A ".." that would climb above the
//   document root is refused (IIS refuses parent paths out of the root rather than clamping).
// - The result uses '/' only. It ends with '/' when the input does (or is exactly "/"), or when
//   the is_directory callback says the mapped path is a directory (IIS: "/scripts" maps to
//   "...\scripts\"). The empty input maps to the root without a trailing '/'.
// - A NUL in the input is refused (a C caller could not have meant it).
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace isapi_fcgi::isapi {

enum class path_mapping_error {
    none,
    no_document_root,     // no root configured and none sent by the front end
    escapes_root,         // ".." above the document root
    encoded_dot_segment,  // "%2e%2e", ".%2E", ...
    nul_character,
};

struct mapped_path {
    std::string path;                     // "/srv/www/scripts/a.txt"
    std::size_t matching_url_length = 0;  // HSE_URL_MAPEX_INFO cchMatchingURL: the root
    std::size_t matching_path_length = 0;  // cchMatchingPath: the document root's length
};

struct path_mapping_result {
    path_mapping_error error = path_mapping_error::none;
    mapped_path value;  // valid when error == none
};

struct path_mapping_options {
    /// Asked once with the mapped path (no trailing '/') when the input has no trailing
    /// separator; may be empty. is_existing_directory() is the real one.
    std::function<bool(const std::string&)> is_directory;
};

/// "/srv/www/" -> "/srv/www"; "/" stays "/".
/// A relative root is returned as given; configuration validates roots at start-up.
std::string normalize_document_root(std::string_view root);

/// Maps `url_path` under `document_root` (normalised or not).
path_mapping_result map_url_to_path(std::string_view document_root, std::string_view url_path,
                                    const path_mapping_options& options = {});

/// APPL_PHYSICAL_PATH: the root with a trailing '/' (code appends file names to it), or "" when
/// there is no root.
std::string appl_physical_path(std::string_view document_root);

/// stat()-based directory test for path_mapping_options::is_directory.
bool is_existing_directory(const std::string& path);

}  // namespace isapi_fcgi::isapi
