#pragma once
// Windows spellings of file names in extension source, made usable on Linux.
#include <string>

namespace isapi_fcgi::win32 {

/// `path` with every '\\' turned into '/' (Windows accepts both; Linux only the second).
std::string native_path(const char* path);

/// True when `name` ends in ".dll", in any case.
bool has_dll_suffix(const std::string& name);

}  // namespace isapi_fcgi::win32
