#pragma once
// applicationHost.config / web.config text -> iis_config, through pugixml. Everything the
// importer does not use is reported as a warning naming the element, once per element name and
// location, so nothing is dropped silently.
#include <string>
#include <string_view>
#include <vector>

#include "iis_import/iis_model.hpp"

namespace isapi_fcgi::iis_import {

struct read_result {
    bool ok = false;
    std::string error;  ///< "line L: reason" when the text is not an IIS configuration
    iis_config config;
    std::vector<std::string> warnings;
};

read_result read_iis_config(std::string_view xml_text);

}  // namespace isapi_fcgi::iis_import
