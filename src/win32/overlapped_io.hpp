#pragma once
// What libisapi-win32 remembers about file and socket handles beyond their fd: whether they
// were opened for overlapped I/O and the completion port they are associated with; and how an
// overlapped operation reports its end (OVERLAPPED fields, event, completion packet).
#include <memory>

#include <isapi/win32/windows.h>

namespace isapi_fcgi::win32 {

class completion_port;

/// A file HANDLE (the runtime's table) and a SOCKET (a descriptor) may have the same value:
/// their flags and ports are kept apart.
enum class handle_kind { file, socket };

/// `handle` (a file or socket handle) was opened with FILE_FLAG_OVERLAPPED / WSA_FLAG_OVERLAPPED.
void mark_overlapped(HANDLE handle, handle_kind kind = handle_kind::file);
bool is_overlapped(HANDLE handle, handle_kind kind = handle_kind::file);
/// The handle is being closed: forget its flags and its port.
void forget_handle(HANDLE handle, handle_kind kind = handle_kind::file);
/// Associates the handle with a port; false when it already has one.
bool associate(HANDLE handle, handle_kind kind, std::shared_ptr<completion_port> port, ULONG_PTR key);

/// Ends an overlapped operation on `handle`: Internal (an NTSTATUS) and InternalHigh (the byte
/// count) filled, hEvent set, and a packet queued on the handle's port (unless hEvent's low
/// bit asks not to). `error` is a Win32 code, ERROR_SUCCESS for success.
void complete_overlapped(HANDLE handle, OVERLAPPED* overlapped, DWORD error, DWORD bytes,
                         handle_kind kind = handle_kind::file);

/// The NTSTATUS stored in OVERLAPPED.Internal for a Win32 code, and back.
DWORD status_from_error(DWORD error);
DWORD error_from_status(DWORD status);

}  // namespace isapi_fcgi::win32
