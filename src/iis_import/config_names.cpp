#include "iis_import/config_names.hpp"

namespace isapi_fcgi::iis_import {

std::string sanitise(const std::string& text) {
    std::string out;
    for (const char c : text) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                        || c == '.' || c == '-';
        out += ok ? c : '-';
    }
    if (out.empty()) out = "default";
    return out.substr(0, 64);
}

std::string unique_name(const std::string& wanted, std::set<std::string>& taken) {
    std::string name = wanted;
    for (int n = 2; !taken.insert(name).second; ++n) name = wanted.substr(0, 60) + "-" + std::to_string(n);
    return name;
}

}  // namespace isapi_fcgi::iis_import
