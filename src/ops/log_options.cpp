#include "ops/log_options.hpp"

#include <algorithm>

namespace isapi_fcgi::ops {

logging::log_options logging_options(const config::log_settings& log) {
    return {.level = log.level, .file = log.file, .format = log.format, .mode = log.mode};
}

std::vector<std::string> log_file_paths(const config::settings& settings) {
    std::vector<std::string> paths;
    for (const auto* target : {&settings.log.file, &settings.access_log})
        if (!target->empty() && *target != "stderr" &&
            std::find(paths.begin(), paths.end(), *target) == paths.end())
            paths.push_back(*target);
    return paths;
}

}  // namespace isapi_fcgi::ops
