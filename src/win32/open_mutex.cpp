// OpenMutex over the process-wide namespace of named objects, and _endthread.
#include <isapi/win32/windows.h>
#include <isapi/win32/process.h>

#include "win32/kernel_objects.hpp"
#include "win32/win32_error.hpp"

namespace {

// Called only when no object holds the name: OpenMutex creates nothing, it notes the fact.
std::shared_ptr<isapi_fcgi::win32::kernel_object> note_missing(void* missing) {
    *static_cast<bool*>(missing) = true;
    return nullptr;
}

}  // namespace

extern "C" {

HANDLE WINAPI OpenMutexA(DWORD, BOOL, LPCSTR lpName) {
    using isapi_fcgi::win32::kernel_object;
    if (lpName == nullptr || lpName[0] == '\0') return isapi_fcgi::win32::fail(ERROR_INVALID_PARAMETER, HANDLE{nullptr});
    bool existed = false;
    bool missing = false;
    auto object = isapi_fcgi::win32::named_object(lpName, kernel_object::kind::mutex, existed,
                                                  note_missing, &missing);
    if (!object) {
        return isapi_fcgi::win32::fail(missing ? DWORD{ERROR_FILE_NOT_FOUND} : DWORD{ERROR_INVALID_HANDLE},
                                       HANDLE{nullptr});
    }
    return isapi_fcgi::win32::register_object(std::move(object));
}

void _endthread(void) {
    _endthreadex(0);
}

}  // extern "C"
