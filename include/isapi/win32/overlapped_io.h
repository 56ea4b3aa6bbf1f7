/*
 * overlapped_io.h - overlapped file I/O and I/O completion ports (included by windows.h).
 *
 * How it behaves here (docs/porting.md, "Overlapped I/O"): a file opened with
 * FILE_FLAG_OVERLAPPED is an ordinary file handle of the runtime's table (HSE_REQ_TRANSMIT_FILE
 * takes it as it is) that keeps no file position.  ReadFile/WriteFile with an OVERLAPPED read or
 * write at Offset/OffsetHigh and complete before they return, as Windows does when the data is
 * in the cache: TRUE with the byte count, OVERLAPPED.Internal/InternalHigh filled, the hEvent
 * set, and a completion packet queued when the handle is associated with a completion port
 * (unless the low bit of hEvent is set).  A read at or past the end fails with
 * ERROR_HANDLE_EOF, as an overlapped read does on Windows.  So callers written for
 * ERROR_IO_PENDING work unchanged: they take the TRUE path (or GetOverlappedResult returns at
 * once), and completion-port callers get exactly one packet per operation.
 */
#ifndef ISAPI_WIN32_OVERLAPPED_IO_H
#define ISAPI_WIN32_OVERLAPPED_IO_H

#include "winbase.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef STATUS_PENDING
#define STATUS_PENDING ISAPI_SCAST_(DWORD, 0x00000103L)
#endif
#ifndef STATUS_END_OF_FILE
#define STATUS_END_OF_FILE ISAPI_SCAST_(DWORD, 0xC0000011L)
#endif
#ifndef ERROR_ABANDONED_WAIT_0
#define ERROR_ABANDONED_WAIT_0 735
#endif

#define HasOverlappedIoCompleted(lpOverlapped) \
    (ISAPI_SCAST_(DWORD, (lpOverlapped)->Internal) != STATUS_PENDING)

/*
 * The result of an operation on lpOverlapped: TRUE with the byte count, or FALSE with its
 * error (ERROR_HANDLE_EOF...).  Still pending (Internal == STATUS_PENDING, which only a caller
 * can set here): ERROR_IO_INCOMPLETE without bWait; with bWait it waits for hEvent.
 */
ISAPI_WIN32_API BOOL WINAPI GetOverlappedResult(HANDLE hFile, LPOVERLAPPED lpOverlapped,
                                                LPDWORD lpNumberOfBytesTransferred, BOOL bWait);
ISAPI_WIN32_API BOOL WINAPI GetOverlappedResultEx(HANDLE hFile, LPOVERLAPPED lpOverlapped,
                                                  LPDWORD lpNumberOfBytesTransferred,
                                                  DWORD dwMilliseconds, BOOL bAlertable);
/* Nothing is ever in flight: TRUE for a valid handle (ERROR_NOT_FOUND for CancelIoEx). */
ISAPI_WIN32_API BOOL WINAPI CancelIo(HANDLE hFile);
ISAPI_WIN32_API BOOL WINAPI CancelIoEx(HANDLE hFile, LPOVERLAPPED lpOverlapped);

/*
 * A port: FileHandle INVALID_HANDLE_VALUE and ExistingCompletionPort NULL makes a new one;
 * a file or socket handle opened overlapped is associated (once: a second association fails
 * with ERROR_INVALID_PARAMETER) with ExistingCompletionPort, or with a new port when that is
 * NULL.  NumberOfConcurrentThreads is accepted and not enforced.  CloseHandle closes a port;
 * threads blocked in GetQueuedCompletionStatus then fail with ERROR_ABANDONED_WAIT_0.
 */
ISAPI_WIN32_API HANDLE WINAPI CreateIoCompletionPort(HANDLE FileHandle,
                                                     HANDLE ExistingCompletionPort,
                                                     ULONG_PTR CompletionKey,
                                                     DWORD NumberOfConcurrentThreads);
/*
 * The oldest packet, waiting up to dwMilliseconds (INFINITE: for ever).  Timeout: FALSE,
 * WAIT_TIMEOUT, *lpOverlapped NULL.  A packet of a failed operation: FALSE with its error and
 * *lpOverlapped set.
 */
ISAPI_WIN32_API BOOL WINAPI GetQueuedCompletionStatus(HANDLE CompletionPort,
                                                      LPDWORD lpNumberOfBytesTransferred,
                                                      PULONG_PTR lpCompletionKey,
                                                      LPOVERLAPPED *lpOverlapped,
                                                      DWORD dwMilliseconds);
ISAPI_WIN32_API BOOL WINAPI PostQueuedCompletionStatus(HANDLE CompletionPort,
                                                       DWORD dwNumberOfBytesTransferred,
                                                       ULONG_PTR dwCompletionKey,
                                                       LPOVERLAPPED lpOverlapped);

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_OVERLAPPED_IO_H */
