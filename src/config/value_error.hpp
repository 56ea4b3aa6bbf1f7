#pragma once
// Thrown by the value parsers with a reason only ("'12XB' is not a size ..."): they see text, not
// the file, so the schema adds the key path and the loader adds file, line and column.
#include <stdexcept>
#include <string>

namespace isapi_fcgi::config {

class value_error : public std::invalid_argument {
public:
    explicit value_error(const std::string& reason) : std::invalid_argument(reason) {}
};

}  // namespace isapi_fcgi::config
