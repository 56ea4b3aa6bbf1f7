#pragma once
// Whether a user or group named in the configuration exists, checked at load time so a typo
// fails `--check-config` instead of the chown after the socket is bound.
#include <string_view>

namespace isapi_fcgi::config {

/// True for an existing user name, or for any numeric id (ids need no /etc/passwd entry).
bool user_exists(std::string_view name_or_id);

/// True when the user (name or numeric id) has a passwd entry, which names its primary group.
bool user_has_primary_group(std::string_view name_or_id);

/// True for an existing group name, or for any numeric id.
bool group_exists(std::string_view name_or_id);

}  // namespace isapi_fcgi::config
