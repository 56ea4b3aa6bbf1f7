#pragma once
// --single-process: every pool served by this one process in the foreground, with no master and
// no workers, for debugging an extension under gdb or valgrind and as the ThreadSanitizer
// target. Sockets, status, metrics and signals work as with workers; crash isolation,
// recycling and reload do not exist here (SIGHUP is ignored, recycling requests are logged).
#include <string>

namespace isapi_fcgi::ops {

int run_single_process(const std::string& config_path);

}  // namespace isapi_fcgi::ops
