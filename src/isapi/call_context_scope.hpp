#pragma once
// Names the extension and the request around one call into extension code, in the runtime's
// per-thread call context (isapi_set_call_context), so that what the Win32 layer logs about the
// call (a secure CRT violation) says whose it was. Restores the outer context on exit: a
// completion callback may run inside HttpExtensionProc on the same thread.
#include <string>

#include <isapi/isapi_runtime.h>

namespace isapi_fcgi::isapi {

class call_context_scope {
public:
    /// Both strings must outlive the scope.
    call_context_scope(const std::string& extension, const char* url) noexcept
        : outer_extension_(isapi_call_extension()), outer_url_(isapi_call_url()) {
        isapi_set_call_context(extension.c_str(), url);
    }
    ~call_context_scope() { isapi_set_call_context(outer_extension_, outer_url_); }
    call_context_scope(const call_context_scope&) = delete;
    call_context_scope& operator=(const call_context_scope&) = delete;

private:
    const char* outer_extension_;
    const char* outer_url_;
};

}  // namespace isapi_fcgi::isapi
