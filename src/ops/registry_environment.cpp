#include "ops/registry_environment.hpp"

#include <cstdlib>
#include <filesystem>
#include <string>

namespace isapi_fcgi::ops {

void export_registry_environment(const config::pool_settings& pool) {
    if (!pool.registry.enabled) {
        ::unsetenv("ISAPI_FCGI_REGISTRY_FILES");
        ::unsetenv("ISAPI_FCGI_REGISTRY_STORE");
        return;
    }
    std::string files;
    for (const auto& path : pool.registry.files) files += path + "\n";
    // Relative to the working directory: /var/lib/isapi-fcgi, the state directory, under systemd.
    const std::string store = pool.registry.store.empty() ? "registry-" + pool.name + ".reg"
                                                          : pool.registry.store;
    std::error_code ignored;
    const auto absolute = std::filesystem::absolute(store, ignored);
    ::setenv("ISAPI_FCGI_REGISTRY_FILES", files.c_str(), 1);
    ::setenv("ISAPI_FCGI_REGISTRY_STORE", absolute.empty() ? store.c_str() : absolute.c_str(), 1);
}

}  // namespace isapi_fcgi::ops
