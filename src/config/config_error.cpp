#include "config/config_error.hpp"

#include <utility>

namespace isapi_fcgi::config {

config_error::config_error(std::string source, int line, int column, std::string reason)
    : std::runtime_error(source + ':' + std::to_string(line) + ':' + std::to_string(column) + ": " +
                         reason),
      source_(std::move(source)),
      line_(line),
      column_(column),
      reason_(std::move(reason)) {}

config_error::config_error(std::string source, std::string reason)
    : std::runtime_error(source + ": " + reason),
      source_(std::move(source)),
      reason_(std::move(reason)) {}

}  // namespace isapi_fcgi::config
