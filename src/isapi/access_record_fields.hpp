#pragma once
// The access-log facts a request's FastCGI params give (client, request line, headers the
// formats name), shared by the native host and the Wine relay so both log the same fields.
#include "fcgi/param_set.hpp"
#include "logging/access_log_line.hpp"

namespace isapi_fcgi::isapi {

/// Fills the params' fields of `r` (views into `params`, which must outlive `r`).
void fill_from_params(logging::access_record& r, const fcgi::param_set& params);

}  // namespace isapi_fcgi::isapi
