#pragma once
// Routes libisapi-runtime's log (isapi_log, and through it OutputDebugString and the other
// messages of libisapi-win32) into the process's spdlog logger, at the level spdlog has.
namespace isapi_fcgi::isapi {

/// Idempotent; call before extensions load so their DllMain output lands in the log too.
void route_runtime_log_to_spdlog();

}  // namespace isapi_fcgi::isapi
