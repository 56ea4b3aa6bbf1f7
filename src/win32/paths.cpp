#include "win32/paths.hpp"

#include <strings.h>

namespace isapi_fcgi::win32 {

std::string native_path(const char* path) {
    std::string out(path);
    for (char& c : out) {
        if (c == '\\') c = '/';
    }
    return out;
}

bool has_dll_suffix(const std::string& name) {
    return name.size() >= 4 && ::strcasecmp(name.c_str() + name.size() - 4, ".dll") == 0;
}

}  // namespace isapi_fcgi::win32
