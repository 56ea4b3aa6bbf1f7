#pragma once
// The registry keys an IIS machine's extensions read, carried into the imported pools: the
// operator exports them there (`reg export HKLM\SOFTWARE\Vendor\App app.reg`) and names the
// files with `import-iis --registry`. Each file is parsed as the sidecar will parse it (a syntax
// error stops the import with file:line), every pool gets the files as `registry.files`, and a
// string value holding a Windows path is warned about with the Linux path the --map rules give.
// Pure: the files' bytes come in through import_options.
#include <string>

#include "iis_import/import_plan.hpp"

namespace isapi_fcgi::iis_import {

/// Adds options.registry to every pool of `plan` and its warnings; false with `error` set
/// ("app.reg:12: ...") when a file is not a .reg file the sidecar would load.
bool plan_registry(import_plan& plan, const import_options& options, std::string& error);

}  // namespace isapi_fcgi::iis_import
