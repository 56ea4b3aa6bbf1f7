#pragma once
// The `isapi-fcgi import-iis` command line: options, reading the file, writing the results.
// The conversion itself is import_iis() (pure).
namespace isapi_fcgi::iis_import {

/// argv[0] is the first argument after `import-iis`. Returns the process exit code: 0 done
/// (warnings go to stderr), 1 the file cannot be read or is not IIS configuration, 2 usage.
int run_import_command(int argc, char** argv);

}  // namespace isapi_fcgi::iis_import
