#pragma once
// Reading one configuration file and parsing it as exactly one YAML document, with every
// problem a located config_error (shared by the loader and the include resolution).
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

namespace isapi_fcgi::config {

/// The whole file (a regular file of at most max_file_size bytes), or config_error.
std::string read_config_file(const std::string& path);

/// `text` as one YAML document (null for an empty text); config_error at the place of a syntax
/// error or of a second document.
YAML::Node parse_single_document(std::string_view text, const std::string& source);

/// Throws config_error(`source`, the mark's 1-based line and column, `reason`).
[[noreturn]] void fail_at(const std::string& source, const YAML::Mark& mark, std::string reason);

}  // namespace isapi_fcgi::config
