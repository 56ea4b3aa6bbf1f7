#pragma once
// `isapi-fcgi import-iis`: an IIS configuration file's text in, the sidecar's YAML, the nginx
// configuration and the warnings out. Pure: no files, no output; main.cpp does those.
#include <string>
#include <string_view>
#include <vector>

#include "iis_import/import_plan.hpp"

namespace isapi_fcgi::iis_import {

struct import_result {
    bool ok = false;
    std::string error;  ///< set when !ok: the text is not readable IIS configuration XML
    std::string yaml;
    std::string nginx;
    std::vector<std::string> warnings;
};

import_result import_iis(std::string_view xml_text, const import_options& options);

}  // namespace isapi_fcgi::iis_import
