#include "iis_import/filter_reader.hpp"

#include <strings.h>

namespace isapi_fcgi::iis_import {

filter_section read_filter_section(const pugi::xml_node& node, const std::string& location,
                                   std::vector<std::string>& warnings) {
    filter_section section;
    section.location = location;
    const std::string where = location.empty() ? "" : " (location '" + location + "')";
    for (const auto& child : node.children()) {
        const std::string element = child.name();
        filter_section::step step;
        if (element == "clear") {
            step.what = filter_section::step::kind::clear;
        } else if (element == "remove") {
            step.what = filter_section::step::kind::remove;
            step.name = child.attribute("name").as_string();
        } else if (element == "filter") {
            step.name = child.attribute("name").as_string();
            step.path = child.attribute("path").as_string();
            if (const auto enabled = child.attribute("enabled")) step.enabled = ::strcasecmp(enabled.as_string(), "false") != 0;
            const std::string pre = child.attribute("preCondition").as_string();
            if (pre.find("bitness32") != std::string::npos) {
                warnings.push_back("ISAPI filter '" + step.name + "'" + where +
                                   " has preCondition bitness32: a 32-bit DLL must be rebuilt as a 64-bit Linux .so");
            }
            if (child.attribute("enableCache")) {
                warnings.push_back("ISAPI filter '" + step.name + "'" + where +
                                   ": enableCache (IIS's kernel cache) has no counterpart; ignored");
            }
        } else {
            continue;
        }
        section.steps.push_back(std::move(step));
    }
    return section;
}

}  // namespace isapi_fcgi::iis_import
