#pragma once
// Which handles a child process inherits (HANDLE_FLAG_INHERIT) and which are protected from
// close (HANDLE_FLAG_PROTECT_FROM_CLOSE, reported only): flags Linux descriptors do not carry
// in a form CreateProcess can use (every descriptor here is close-on-exec; the inheritable ones
// are kept open for the child by CreateProcess itself).
#include <vector>

#include <isapi/win32/windows.h>

namespace isapi_fcgi::win32 {

void set_handle_flags(HANDLE handle, DWORD mask, DWORD flags);
DWORD handle_flags(HANDLE handle);
/// The handle is being closed: its flags go with it.
void forget_handle_flags(HANDLE handle);
/// The handles marked HANDLE_FLAG_INHERIT.
std::vector<HANDLE> inheritable_handles();

}  // namespace isapi_fcgi::win32
