#pragma once
// Win32 functions that Linux has no equivalent for (message boxes, version resources, Windows
// command lines...) fail the documented Windows way; each extension's first call of each such
// function is logged, so the operator learns what the port lacks without a log flood.
#include <isapi/win32/windows.h>

namespace isapi_fcgi::win32 {

/// Logs (warning, once per calling module and function) that `function` is not supported
/// here, with `detail`; `caller` is an address in the calling module
/// (__builtin_return_address(0) of the exported function).
void report_unsupported(const char* function, const void* caller, const char* detail);

/// The file name (without directory) of the module containing `address`, or "?".
const char* module_name_of(const void* address, char* buffer, unsigned size);

}  // namespace isapi_fcgi::win32
