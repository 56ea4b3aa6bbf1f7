#pragma once
// What the master and --single-process do first: read the configuration (keeping the texts of
// its files, which the master hands to its workers: config_sources.hpp), then set up logging.
// Errors go to stderr, once.
#include <optional>
#include <string>

#include "config/settings.hpp"

namespace isapi_fcgi::ops {

struct loaded_config {
    std::string text;  ///< the main file and the files it includes, as read (config::serialize)
    config::settings settings;
};

/// Reads and checks the file; throws config::config_error like config::load_file.
loaded_config read_config(const std::string& path);

/// read_config, then logging::setup; nullopt after printing the reason on stderr.
std::optional<loaded_config> load_and_set_up_logging(const std::string& path);

}  // namespace isapi_fcgi::ops
