#pragma once
// `isapi-fcgi -T`: the configuration in force, every key with its value (defaults included), as
// YAML the loader reads back unchanged.
#include <string>

#include "config/settings.hpp"

namespace isapi_fcgi::config {

std::string effective_yaml(const settings& s);

}  // namespace isapi_fcgi::config
