#pragma once
// YAML configuration file -> settings, checked against the schema before anything starts.
// Every problem is a config_error whose what() is `FILE:LINE:COL: reason` (line and column
// 1-based), or `FILE: reason` for a file that cannot be read. `--check-config` runs this too.
#include <string>
#include <string_view>

#include "config/config_error.hpp"
#include "config/config_sources.hpp"
#include "config/settings.hpp"

namespace isapi_fcgi::config {

/// Largest configuration file read; anything bigger is surely the wrong file.
inline constexpr std::size_t max_file_size = 1U << 20;

/// Reads and checks the file at `path` and the files it includes; settings::source is `path`.
settings load_file(const std::string& path);

/// Parses and checks `text` as if it were read from a file named `source_name` (tests, stdin);
/// its `include` patterns are read from the file system, relative to `source_name`'s directory.
settings load_string(std::string_view text, const std::string& source_name);

/// Parses and checks files already read (config_sources.hpp), touching no file: what workers
/// do with the master's hand-over. Pools come in file order, the main file's first.
settings load_sources(const config_sources& sources);

}  // namespace isapi_fcgi::config
