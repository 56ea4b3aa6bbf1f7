#pragma once
// The configuration's log settings as logging takes them (logging/log_options.hpp): the one
// place that knows both vocabularies on logging's side.
#include <string>
#include <vector>

#include "config/settings.hpp"
#include "logging/log_options.hpp"

namespace isapi_fcgi::ops {

logging::log_options logging_options(const config::log_settings& log);

/// Every file the configuration makes the process write (main log, access log), for the master
/// to open and hand to its workers.
std::vector<std::string> log_file_paths(const config::settings& settings);

}  // namespace isapi_fcgi::ops
