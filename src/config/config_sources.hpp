#pragma once
// The files a configuration is made of: the main file, then the files its top-level `include`
// patterns match (each contributing pools, as php-fpm's pool.d/), read once, in a fixed order.
//
// The master reads them (at start and at each reload) and hands the same texts to its workers
// (serialize / deserialize), so a worker parses exactly what the master checked, with the same
// file names in its messages, and never globs or reads the configuration directory itself: a
// file added or changed between the master's read and a worker's start cannot split a
// generation.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace isapi_fcgi::config {

struct source_file {
    std::string path;  ///< as named: the main file's path, or an include pattern's match
    std::string text;
};

/// [0] is the main file; the rest are the included files in include order.
using config_sources = std::vector<source_file>;

/// More included files than this is surely a wrong pattern (`include: /etc/*`).
inline constexpr std::size_t max_included_files = 256;

/// Reads the file at `path` and every file its `include` patterns match. Patterns are glob(7)
/// patterns; relative ones are relative to the main file's directory. Each pattern's matches are
/// taken in byte order of their paths, patterns in the order written; a file matched twice is
/// read once. A pattern that matches nothing is fine (an empty conf.d/), but its directory must
/// exist and be readable, and a pattern without wildcards must name an existing file. Problems
/// throw config_error at the `include` value (`FILE:LINE:COL: include: ...`), or for the file
/// that cannot be read.
config_sources read_sources(const std::string& path);

/// As read_sources, for a main file whose text is already at hand (tests; `source_name` is its
/// path, and relative patterns are relative to its directory).
config_sources read_sources_of(std::string main_text, const std::string& source_name);

/// One string holding every file's path and text, for the master to hand to its workers.
std::string serialize(const config_sources& sources);

/// The inverse of serialize; config_error on anything else.
config_sources deserialize(std::string_view bundle);

}  // namespace isapi_fcgi::config
