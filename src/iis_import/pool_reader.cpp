#include "iis_import/pool_reader.hpp"

#include <strings.h>

namespace isapi_fcgi::iis_import {
namespace {

constexpr const char* schedule_path = "recycling/periodicRestart/schedule";
/// IIS's pool settings are at most three elements deep (recycling/periodicRestart/schedule);
/// anything deeper is named, not walked, so a hostile file cannot exhaust the stack.
constexpr int deepest = 3;

/// Every attribute below `element` into `settings` ("path@attribute"); `<add>` entries of a
/// collection become the restart schedule or one key naming the collection.
void collect(const pugi::xml_node& element, const std::string& path, application_pool& pool, int depth = 0) {
    for (const auto& attribute : element.attributes()) {
        if (path.empty() && std::string_view(attribute.name()) == "name") continue;
        pool.settings[path + "@" + attribute.name()] = attribute.value();
    }
    bool schedule_started = false;
    for (const auto& child : element.children()) {
        if (child.type() != pugi::node_element) continue;
        const std::string name = child.name();
        if (name == "add" || name == "clear" || name == "remove") {
            if (path == schedule_path) {
                // A lower level's schedule replaces the inherited one as a whole.
                if (!schedule_started) pool.restart_schedule.clear();
                schedule_started = true;
                if (name == "add") pool.restart_schedule.push_back(child.attribute("value").as_string());
            } else {
                pool.settings[path] = "";
            }
            continue;
        }
        const std::string child_path = path.empty() ? name : path + "/" + name;
        if (depth == deepest) pool.settings[child_path] = "";
        else collect(child, child_path, pool, depth + 1);
    }
}

bool truthy(const char* text) {
    return ::strcasecmp(text, "true") == 0;
}

}  // namespace

std::vector<application_pool> read_application_pools(const pugi::xml_node& pools, std::vector<std::string>& warnings) {
    application_pool defaults;
    if (const auto element = pools.child("applicationPoolDefaults")) collect(element, "", defaults);
    std::vector<application_pool> out;
    for (const auto& p : pools.children("add")) {
        application_pool pool = defaults;
        pool.name = p.attribute("name").as_string();
        collect(p, "", pool);
        if (truthy(p.attribute("enable32BitAppOnWin64").as_string())) {
            warnings.push_back("application pool '" + pool.name +
                               "' runs 32-bit code (enable32BitAppOnWin64): rebuild its "
                               "DLLs as 64-bit Linux .so files; sizes of long differ (docs/porting.md)");
        }
        if (const auto identity = p.child("processModel").attribute("identityType")) {
            warnings.push_back("application pool '" + pool.name + "' identity (" + identity.as_string() +
                               ") is not carried over: the pool runs as the sidecar's user");
        }
        out.push_back(std::move(pool));
    }
    return out;
}

}  // namespace isapi_fcgi::iis_import
