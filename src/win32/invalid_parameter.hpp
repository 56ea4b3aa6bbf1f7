#pragma once
// The secure CRT's invalid-parameter path: the extension's handler if it set one
// (_set_invalid_parameter_handler); else the pool's policy (isapi_set_invalid_parameter_policy):
// `fail` logs a warning naming the extension, the request and the function (throttled per
// extension and function) and the calling *_s function returns its documented error, as MSVC's
// do when a handler returns; `abort` logs and ends the process, as MSVC's default handler does.
namespace isapi_fcgi::win32 {

/// Reports a violation by `function` ("strcpy_s") described by `what` ("buffer too small").
void invalid_parameter(const char* function, const char* what);

}  // namespace isapi_fcgi::win32
