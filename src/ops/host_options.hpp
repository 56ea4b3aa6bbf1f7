#pragma once
// The configuration's pool settings as the ISAPI host takes them (isapi/pool_options.hpp,
// isapi/isapi_host.hpp): the one place that knows both vocabularies on the host's side.
#include "config/settings.hpp"
#include "isapi/isapi_host.hpp"
#include "isapi/pool_options.hpp"

namespace isapi_fcgi::ops {

isapi::extension_options isapi_extension_options(const config::extension_settings& extension);

isapi::pool_options isapi_pool_options(const config::pool_settings& pool);

/// The host of one pool of `settings` (a process serves each pool with its own host).
isapi::host_options isapi_host_options(const config::settings& settings, const config::pool_settings& pool);

}  // namespace isapi_fcgi::ops
