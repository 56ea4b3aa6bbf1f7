#pragma once
// Windows paths of an IIS configuration turned into Linux paths for the sidecar: environment
// variables IIS knows (%SystemDrive%, %SystemRoot%, %windir%) expanded, the user's
// WINDOWS_DIR=LINUX_DIR mappings applied (longest prefix, case-insensitive, on whole
// components), and a default root under which unmapped paths land (/srv/iis/c/...).
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace isapi_fcgi::iis_import {

struct path_mapping {
    std::string windows_dir;  ///< e.g. C:\inetpub (either separator)
    std::string linux_dir;    ///< e.g. /srv/www
};

struct mapped_path {
    std::string path;      ///< absolute Linux path
    bool defaulted = false;  ///< no mapping matched: placed under the default root
    std::string unknown_variable;  ///< a %VAR% that could not be expanded, if any
};

/// "%SystemDrive%\inetpub\app.dll" -> "C:\inetpub\app.dll"; unknown variables are left as they
/// are and the first one is reported.
std::string expand_variables(std::string_view path, std::string& unknown_variable);

/// The Linux path of a Windows path (after expand_variables).
mapped_path map_windows_path(std::string_view windows_path, const std::vector<path_mapping>& maps,
                             const std::string& default_root);

/// "x/app.DLL" -> "x/app.so"; other names unchanged.
std::string dll_to_so(const std::string& path);

/// Last component of a Windows or Linux path.
std::string file_name(std::string_view path);

/// True when `path` is `dir` or lies under it (Windows comparison: case-insensitive, `\`/`/`).
bool windows_path_under(std::string_view path, std::string_view dir);

/// `path` below `dir` with '/' separators ("" when equal); call only when windows_path_under.
std::string windows_relative(std::string_view path, std::string_view dir);

}  // namespace isapi_fcgi::iis_import
