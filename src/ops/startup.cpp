#include "ops/startup.hpp"

#include <cstdio>

#include "config/loader.hpp"
#include "logging/logging.hpp"
#include "ops/log_options.hpp"

namespace isapi_fcgi::ops {

loaded_config read_config(const std::string& path) {
    const auto sources = config::read_sources(path);
    auto parsed = config::load_sources(sources);
    return {config::serialize(sources), std::move(parsed)};
}

std::optional<loaded_config> load_and_set_up_logging(const std::string& path) {
    loaded_config loaded;
    try {
        loaded = read_config(path);
        logging::setup(logging_options(loaded.settings.log));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "isapi-fcgi: %s\n", e.what());
        return std::nullopt;
    }
    return loaded;
}

}  // namespace isapi_fcgi::ops
