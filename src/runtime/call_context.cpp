// Which extension call the current thread is in (isapi_set_call_context), and the process's
// secure CRT policy: what lets a message about extension code name its extension and URL.
#include <atomic>

#include <isapi/isapi_runtime.h>

namespace {

struct call_context {
    const char* extension = nullptr;
    const char* url = nullptr;
};

thread_local call_context current;
std::atomic<int> invalid_parameter_policy{ISAPI_INVALID_PARAMETER_FAIL};

}  // namespace

extern "C" {

void isapi_set_call_context(const char* extension, const char* url) {
    current.extension = extension;
    current.url = url;
}

const char* isapi_call_extension(void) { return current.extension; }
const char* isapi_call_url(void) { return current.url; }

void isapi_set_invalid_parameter_policy(int policy) {
    invalid_parameter_policy.store(policy == ISAPI_INVALID_PARAMETER_ABORT ? ISAPI_INVALID_PARAMETER_ABORT
                                                                           : ISAPI_INVALID_PARAMETER_FAIL,
                                   std::memory_order_relaxed);
}

int isapi_get_invalid_parameter_policy(void) { return invalid_parameter_policy.load(std::memory_order_relaxed); }

}  // extern "C"
