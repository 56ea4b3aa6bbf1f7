#pragma once
// The secure CRT's invalid-parameter path: the extension's handler if it set one
// (_set_invalid_parameter_handler), else a warning in the sidecar's log. Either way the
// calling *_s function then returns its documented error, as MSVC's do when a handler
// returns (MSVC's own default handler would end the process).
namespace isapi_fcgi::win32 {

/// Reports a violation by `function` ("strcpy_s") described by `what` ("buffer too small").
void invalid_parameter(const char* function, const char* what);

}  // namespace isapi_fcgi::win32
