#pragma once
// What the master and --single-process do first: read the configuration (keeping its text, which
// the master hands to its workers), then set up logging. Errors go to stderr, once.
#include <optional>
#include <string>

#include "config/settings.hpp"

namespace isapi_fcgi::ops {

struct loaded_config {
    std::string text;  ///< the file as read
    config::settings settings;
};

/// Reads and checks the file; throws config::config_error like config::load_file.
loaded_config read_config(const std::string& path);

/// read_config, then logging::setup; nullopt after printing the reason on stderr.
std::optional<loaded_config> load_and_set_up_logging(const std::string& path);

}  // namespace isapi_fcgi::ops
