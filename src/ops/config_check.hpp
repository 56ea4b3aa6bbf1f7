#pragma once
// `isapi-fcgi --check-config`: everything that would stop a start or a reload, found before
// either. Beyond the file's own rules (config::load_file) it checks what depends on this
// machine: the directories of unix sockets, running as root without a pool `user`, and, in a
// child process per pool that takes the pool's user and group as a worker does, each
// extension's load (dlopen with RTLD_NOW, DllMain, GetExtensionVersion) and the document root.
// A load that crashes or hangs the child is reported as that extension's failure and the
// remaining extensions are tried in a fresh child.
#include <string>
#include <vector>

#include "config/settings.hpp"

namespace isapi_fcgi::ops {

/// One problem, `FILE:LINE:COL: reason` (or `FILE: reason` when it has no place in the file).
struct check_problem {
    std::string file;  ///< the file the place is in; empty: the main configuration file
    int line = 0;
    int column = 0;
    std::string reason;
};

/// The machine-dependent problems of `settings` (already loaded and valid), in file order.
std::vector<check_problem> check_environment(const config::settings& settings);

/// The whole check as the command line runs it: the messages on stderr, 0 when the
/// configuration would start, 1 otherwise.
int run_config_check(const std::string& path);

}  // namespace isapi_fcgi::ops
