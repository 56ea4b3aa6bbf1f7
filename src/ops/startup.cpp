#include "ops/startup.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "config/loader.hpp"
#include "logging/logging.hpp"

namespace isapi_fcgi::ops {

loaded_config read_config(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    if (in) text << in.rdbuf();
    // load_file names what is wrong (missing, not a regular file, too large) the usual way.
    if (!in || text.str().size() > config::max_file_size) return {std::string(), config::load_file(path)};
    auto parsed = config::load_string(text.str(), path);
    return {text.str(), std::move(parsed)};
}

std::optional<loaded_config> load_and_set_up_logging(const std::string& path) {
    loaded_config loaded;
    try {
        loaded = read_config(path);
        logging::setup(loaded.settings.log);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "isapi-fcgi: %s\n", e.what());
        return std::nullopt;
    }
    return loaded;
}

}  // namespace isapi_fcgi::ops
