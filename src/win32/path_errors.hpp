#pragma once
// The Win32 code of a failed path operation: errno translated, except that ENOENT is
// ERROR_PATH_NOT_FOUND when a directory of the path is missing and ERROR_FILE_NOT_FOUND when
// only the last element is, as Windows tells them apart.
#include <sys/stat.h>

#include <cerrno>
#include <string>

#include "win32/win32_error.hpp"

namespace isapi_fcgi::win32 {

inline DWORD path_error(const std::string& path) {
    if (errno != ENOENT) return errno_code();
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos || slash == 0) return ERROR_FILE_NOT_FOUND;
    struct stat parent{};
    return ::stat(path.substr(0, slash).c_str(), &parent) == 0 ? ERROR_FILE_NOT_FOUND
                                                                : ERROR_PATH_NOT_FOUND;
}

}  // namespace isapi_fcgi::win32
