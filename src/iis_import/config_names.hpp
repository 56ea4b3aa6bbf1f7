#pragma once
// Names the sidecar's configuration accepts (pools, extensions, filters: 1 to 64 of
// A-Z a-z 0-9 _ . -), made from IIS names that may hold anything.
#include <set>
#include <string>

namespace isapi_fcgi::iis_import {

/// `text` with every other character replaced by '-', cut to 64; "default" when empty.
std::string sanitise(const std::string& text);
/// `wanted`, or `wanted-2`, `wanted-3`... whichever is not in `taken` yet; adds it there.
std::string unique_name(const std::string& wanted, std::set<std::string>& taken);

}  // namespace isapi_fcgi::iis_import
