#pragma once
// What logging::setup takes for the process's own log. src/ops maps the configuration's `log`
// section onto it (ops/log_options), so logging reads no configuration.
#include <cstdint>
#include <string>

namespace isapi_fcgi::logging {

struct log_options {
    std::string level = "info";   ///< trace, debug, info, warn, error, critical, off
    std::string file;             ///< empty or "stderr": the console
    std::string format = "text";  ///< "text" or "json" (one object a line)
    std::uint32_t mode = 0640;    ///< the mode log files are created with
};

}  // namespace isapi_fcgi::logging
