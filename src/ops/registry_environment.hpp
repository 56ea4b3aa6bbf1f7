#pragma once
// How a pool's registry (config `registry`) reaches libisapi-win32 in the extension process:
// two environment variables the worker sets before it loads any extension, read by the first
// Reg* call (src/win32/registry.cpp). The environment is the seam because the host does not
// link libisapi-win32 (extensions do), and it needs no symbol either side must find.
#include "config/settings.hpp"

namespace isapi_fcgi::ops {

/// Sets ISAPI_FCGI_REGISTRY_FILES (the .reg paths, '\n'-separated) and
/// ISAPI_FCGI_REGISTRY_STORE (absolute) for `pool`; unsets them when it has no registry.
void export_registry_environment(const config::pool_settings& pool);

}  // namespace isapi_fcgi::ops
