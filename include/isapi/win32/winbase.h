/*
 * winbase.h - the kernel32 subset that ISAPI extensions call, implemented by libisapi-win32.so
 * with Windows semantics: the same return values, the same GetLastError codes (errno is
 * translated), the same treatment of NULL and of buffers that are too small.  What each group
 * does not cover is listed in docs/porting.md.
 *
 * HANDLEs of files, threads, events, semaphores and mutexes all come from libisapi-runtime's
 * table (isapi_runtime.h): a file handle is what HSE_REQ_TRANSMIT_FILE takes, fd 0 is a valid
 * file, INVALID_HANDLE_VALUE is (HANDLE)-1, and CloseHandle closes any of them.
 *
 * SPDX-License-Identifier: Apache-2.0. Extensions that include the isapi-fcgi headers or link
 * libisapi-runtime / libisapi-win32 may use any licence, proprietary ones included (see LICENSE
 * and docs/porting.md).
 */
#ifndef ISAPI_WIN32_WINBASE_H
#define ISAPI_WIN32_WINBASE_H

#include <stdarg.h>
#include <string.h>

#include "../isapi_runtime.h"
#include "windef.h"
#include "winerror.h"

#define ISAPI_WIN32_API __attribute__((visibility("default")))

#ifdef __cplusplus
extern "C" {
#endif

/* ---- more base types ----------------------------------------------------------------------- */
typedef HANDLE HLOCAL;
typedef HANDLE HGLOBAL;
typedef INT_PTR (WINAPI *FARPROC)(void);
typedef LONG NTSTATUS;
typedef WORD LANGID;

__extension__ typedef union _LARGE_INTEGER {
    __extension__ struct {
        DWORD LowPart;
        LONG HighPart;
    };
    struct {
        DWORD LowPart;
        LONG HighPart;
    } u;
    LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

__extension__ typedef union _ULARGE_INTEGER {
    __extension__ struct {
        DWORD LowPart;
        DWORD HighPart;
    };
    struct {
        DWORD LowPart;
        DWORD HighPart;
    } u;
    ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

typedef struct _SECURITY_ATTRIBUTES {
    DWORD nLength;
    LPVOID lpSecurityDescriptor;
    BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

typedef struct _OVERLAPPED {
    ULONG_PTR Internal;
    ULONG_PTR InternalHigh;
    __extension__ union {
        __extension__ struct {
            DWORD Offset;
            DWORD OffsetHigh;
        };
        PVOID Pointer;
    };
    HANDLE hEvent;
} OVERLAPPED, *LPOVERLAPPED;

typedef struct _FILETIME {
    DWORD dwLowDateTime;
    DWORD dwHighDateTime;
} FILETIME, *PFILETIME, *LPFILETIME;

typedef struct _SYSTEMTIME {
    WORD wYear;
    WORD wMonth;
    WORD wDayOfWeek;
    WORD wDay;
    WORD wHour;
    WORD wMinute;
    WORD wSecond;
    WORD wMilliseconds;
} SYSTEMTIME, *PSYSTEMTIME, *LPSYSTEMTIME;

/* ---- errors ---------------------------------------------------------------------------------- */
#define FORMAT_MESSAGE_ALLOCATE_BUFFER 0x00000100
#define FORMAT_MESSAGE_IGNORE_INSERTS 0x00000200
#define FORMAT_MESSAGE_FROM_STRING 0x00000400
#define FORMAT_MESSAGE_FROM_HMODULE 0x00000800
#define FORMAT_MESSAGE_FROM_SYSTEM 0x00001000
#define FORMAT_MESSAGE_ARGUMENT_ARRAY 0x00002000
#define FORMAT_MESSAGE_MAX_WIDTH_MASK 0x000000FF

#define LANG_NEUTRAL 0x00
#define LANG_ENGLISH 0x09
#define SUBLANG_NEUTRAL 0x00
#define SUBLANG_DEFAULT 0x01
#define SUBLANG_ENGLISH_US 0x01
#define MAKELANGID(p, s) ISAPI_SCAST_(WORD, (ISAPI_SCAST_(WORD, s) << 10) | ISAPI_SCAST_(WORD, p))

/*
 * FROM_SYSTEM knows the messages of every code isapi-fcgi sets (text of its own, ending in
 * "\r\n" as Windows messages do); other codes fail with ERROR_MR_MID_NOT_FOUND.  FROM_STRING
 * expands %1..%99 (with !printf-format!), %n, %%, %0; va_list arguments are read as
 * pointer-sized values (strings, integers), as on Win64.
 */
ISAPI_WIN32_API DWORD WINAPI FormatMessageA(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId,
                                            DWORD dwLanguageId, LPSTR lpBuffer, DWORD nSize,
                                            va_list *Arguments);
#define FormatMessage FormatMessageA

/* ---- memory ---------------------------------------------------------------------------------- */
#define LMEM_FIXED 0x0000
#define LMEM_MOVEABLE 0x0002
#define LMEM_ZEROINIT 0x0040
#define LPTR (LMEM_FIXED | LMEM_ZEROINIT)
#define LHND (LMEM_MOVEABLE | LMEM_ZEROINIT)
#define GMEM_FIXED 0x0000
#define GMEM_MOVEABLE 0x0002
#define GMEM_ZEROINIT 0x0040
#define GPTR (GMEM_FIXED | GMEM_ZEROINIT)
#define GHND (GMEM_MOVEABLE | GMEM_ZEROINIT)

ISAPI_WIN32_API HLOCAL WINAPI LocalAlloc(UINT uFlags, SIZE_T uBytes);
ISAPI_WIN32_API HLOCAL WINAPI LocalReAlloc(HLOCAL hMem, SIZE_T uBytes, UINT uFlags);
ISAPI_WIN32_API HLOCAL WINAPI LocalFree(HLOCAL hMem);
ISAPI_WIN32_API SIZE_T WINAPI LocalSize(HLOCAL hMem);
ISAPI_WIN32_API LPVOID WINAPI LocalLock(HLOCAL hMem);
ISAPI_WIN32_API BOOL WINAPI LocalUnlock(HLOCAL hMem);
ISAPI_WIN32_API HGLOBAL WINAPI GlobalAlloc(UINT uFlags, SIZE_T dwBytes);
ISAPI_WIN32_API HGLOBAL WINAPI GlobalReAlloc(HGLOBAL hMem, SIZE_T dwBytes, UINT uFlags);
ISAPI_WIN32_API HGLOBAL WINAPI GlobalFree(HGLOBAL hMem);
ISAPI_WIN32_API SIZE_T WINAPI GlobalSize(HGLOBAL hMem);
ISAPI_WIN32_API LPVOID WINAPI GlobalLock(HGLOBAL hMem);
ISAPI_WIN32_API BOOL WINAPI GlobalUnlock(HGLOBAL hMem);

#define HEAP_NO_SERIALIZE 0x00000001
#define HEAP_GENERATE_EXCEPTIONS 0x00000004
#define HEAP_ZERO_MEMORY 0x00000008
#define HEAP_REALLOC_IN_PLACE_ONLY 0x00000010

/* Heap handles are not kernel handles: CloseHandle does not take them, HeapDestroy does. */
ISAPI_WIN32_API HANDLE WINAPI GetProcessHeap(VOID);
ISAPI_WIN32_API HANDLE WINAPI HeapCreate(DWORD flOptions, SIZE_T dwInitialSize,
                                         SIZE_T dwMaximumSize);
ISAPI_WIN32_API BOOL WINAPI HeapDestroy(HANDLE hHeap);
ISAPI_WIN32_API LPVOID WINAPI HeapAlloc(HANDLE hHeap, DWORD dwFlags, SIZE_T dwBytes);
ISAPI_WIN32_API LPVOID WINAPI HeapReAlloc(HANDLE hHeap, DWORD dwFlags, LPVOID lpMem,
                                          SIZE_T dwBytes);
ISAPI_WIN32_API BOOL WINAPI HeapFree(HANDLE hHeap, DWORD dwFlags, LPVOID lpMem);
ISAPI_WIN32_API SIZE_T WINAPI HeapSize(HANDLE hHeap, DWORD dwFlags, LPCVOID lpMem);

#define MEM_COMMIT 0x00001000
#define MEM_RESERVE 0x00002000
#define MEM_DECOMMIT 0x00004000
#define MEM_RELEASE 0x00008000
#define PAGE_NOACCESS 0x01
#define PAGE_READONLY 0x02
#define PAGE_READWRITE 0x04
#define PAGE_EXECUTE 0x10
#define PAGE_EXECUTE_READ 0x20
#define PAGE_EXECUTE_READWRITE 0x40

ISAPI_WIN32_API LPVOID WINAPI VirtualAlloc(LPVOID lpAddress, SIZE_T dwSize,
                                           DWORD flAllocationType, DWORD flProtect);
ISAPI_WIN32_API BOOL WINAPI VirtualFree(LPVOID lpAddress, SIZE_T dwSize, DWORD dwFreeType);

#define UNREFERENCED_PARAMETER(P) ((void)(P))

#define ZeroMemory(dest, length) memset((dest), 0, (length))
#define SecureZeroMemory(dest, length) memset((dest), 0, (length))
#define FillMemory(dest, length, fill) memset((dest), (fill), (length))
#define CopyMemory(dest, src, length) memcpy((dest), (src), (length))
#define MoveMemory(dest, src, length) memmove((dest), (src), (length))

/* ---- strings (ANSI) -------------------------------------------------------------------------- */
ISAPI_WIN32_API int WINAPI lstrlenA(LPCSTR lpString);
ISAPI_WIN32_API int WINAPI lstrlenW(LPCWSTR lpString);
ISAPI_WIN32_API LPSTR WINAPI lstrcpyA(LPSTR lpString1, LPCSTR lpString2);
ISAPI_WIN32_API LPSTR WINAPI lstrcpynA(LPSTR lpString1, LPCSTR lpString2, int iMaxLength);
ISAPI_WIN32_API LPSTR WINAPI lstrcatA(LPSTR lpString1, LPCSTR lpString2);
/*
 * -1, 0 or 1.  The order of Windows' word sort for ASCII: letters compare alphabetically
 * first (lstrcmp puts "a" before "B" and, on a tie, lower case before upper case), digits
 * before letters; other characters by code.  Non-ASCII bytes compare by code.
 */
ISAPI_WIN32_API int WINAPI lstrcmpA(LPCSTR lpString1, LPCSTR lpString2);
ISAPI_WIN32_API int WINAPI lstrcmpiA(LPCSTR lpString1, LPCSTR lpString2);
/* Windows' own printf dialect (l = 32 bits, I64, %S wide); at most 1024 characters. */
ISAPI_WIN32_API int WINAPIV wsprintfA(LPSTR lpOut, LPCSTR lpFmt, ...);
ISAPI_WIN32_API int WINAPI wvsprintfA(LPSTR lpOut, LPCSTR lpFmt, va_list arglist);
#define lstrlen lstrlenA
#define lstrcpy lstrcpyA
#define lstrcpyn lstrcpynA
#define lstrcat lstrcatA
#define lstrcmp lstrcmpA
#define lstrcmpi lstrcmpiA
#define wsprintf wsprintfA
#define wvsprintf wvsprintfA

/* ---- threads and synchronisation ------------------------------------------------------------ */
#define INFINITE 0xFFFFFFFFu
#define WAIT_OBJECT_0 0x00000000u
#define WAIT_ABANDONED 0x00000080u
#define WAIT_ABANDONED_0 0x00000080u
#define WAIT_FAILED 0xFFFFFFFFu
#define MAXIMUM_WAIT_OBJECTS 64
#define STILL_ACTIVE 259
#define CREATE_SUSPENDED 0x00000004
#define STACK_SIZE_PARAM_IS_A_RESERVATION 0x00010000

typedef DWORD (WINAPI *PTHREAD_START_ROUTINE)(LPVOID lpThreadParameter);
typedef PTHREAD_START_ROUTINE LPTHREAD_START_ROUTINE;

/*
 * The thread notifies the runtime, so every attached DllMain sees DLL_THREAD_ATTACH when it
 * starts and DLL_THREAD_DETACH when it ends; the handle is signalled after that.
 */
ISAPI_WIN32_API HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES lpThreadAttributes,
                                           SIZE_T dwStackSize,
                                           LPTHREAD_START_ROUTINE lpStartAddress,
                                           LPVOID lpParameter, DWORD dwCreationFlags,
                                           LPDWORD lpThreadId);
ISAPI_WIN32_API DWORD WINAPI ResumeThread(HANDLE hThread);
/* Ends the calling thread (pthread_exit); meant for threads CreateThread started. */
ISAPI_WIN32_API __attribute__((noreturn)) VOID WINAPI ExitThread(DWORD dwExitCode);
ISAPI_WIN32_API BOOL WINAPI GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode);
ISAPI_WIN32_API DWORD WINAPI GetCurrentThreadId(VOID);
ISAPI_WIN32_API DWORD WINAPI GetCurrentProcessId(VOID);
ISAPI_WIN32_API HANDLE WINAPI GetCurrentThread(VOID);
ISAPI_WIN32_API HANDLE WINAPI GetCurrentProcess(VOID);
ISAPI_WIN32_API VOID WINAPI Sleep(DWORD dwMilliseconds);
/* No APCs exist here, so an alertable sleep is an ordinary one and returns 0. */
ISAPI_WIN32_API DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable);
ISAPI_WIN32_API BOOL WINAPI SwitchToThread(VOID);

/* Closes any handle of the runtime's table: files, threads, events, semaphores, mutexes. */
ISAPI_WIN32_API BOOL WINAPI CloseHandle(HANDLE hObject);

/*
 * Named objects live in one namespace per process (no sharing between processes): a second
 * Create* with the same name returns a new handle to the same object and sets
 * ERROR_ALREADY_EXISTS; a name held by another kind of object fails with ERROR_INVALID_HANDLE.
 */
ISAPI_WIN32_API HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes,
                                           BOOL bManualReset, BOOL bInitialState, LPCSTR lpName);
ISAPI_WIN32_API BOOL WINAPI SetEvent(HANDLE hEvent);
ISAPI_WIN32_API BOOL WINAPI ResetEvent(HANDLE hEvent);
ISAPI_WIN32_API HANDLE WINAPI CreateSemaphoreA(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
                                               LONG lInitialCount, LONG lMaximumCount,
                                               LPCSTR lpName);
ISAPI_WIN32_API BOOL WINAPI ReleaseSemaphore(HANDLE hSemaphore, LONG lReleaseCount,
                                             LPLONG lpPreviousCount);
ISAPI_WIN32_API HANDLE WINAPI CreateMutexA(LPSECURITY_ATTRIBUTES lpMutexAttributes,
                                           BOOL bInitialOwner, LPCSTR lpName);
ISAPI_WIN32_API BOOL WINAPI ReleaseMutex(HANDLE hMutex);
ISAPI_WIN32_API DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds);
ISAPI_WIN32_API DWORD WINAPI WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds,
                                                   BOOL bAlertable);
ISAPI_WIN32_API DWORD WINAPI WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles,
                                                    BOOL bWaitAll, DWORD dwMilliseconds);
ISAPI_WIN32_API DWORD WINAPI WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles,
                                                      BOOL bWaitAll, DWORD dwMilliseconds,
                                                      BOOL bAlertable);
#define CreateEvent CreateEventA
#define CreateSemaphore CreateSemaphoreA
#define CreateMutex CreateMutexA

#define MUTEX_MODIFY_STATE 0x0001
#define MUTEX_ALL_ACCESS 0x001F0001
/* A new handle to the named mutex of this process: ERROR_FILE_NOT_FOUND when no mutex has the
 * name, ERROR_INVALID_HANDLE when another kind of object has it. */
ISAPI_WIN32_API HANDLE WINAPI OpenMutexA(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName);
#define OpenMutex OpenMutexA

/* Recursive, as on Windows.  The fields keep their Windows names; only their meaning here
 * (LockCount is the lock word) differs. */
typedef struct _RTL_CRITICAL_SECTION {
    PVOID DebugInfo;
    LONG LockCount;
    LONG RecursionCount;
    HANDLE OwningThread;
    HANDLE LockSemaphore;
    ULONG_PTR SpinCount;
} RTL_CRITICAL_SECTION, *PRTL_CRITICAL_SECTION, CRITICAL_SECTION, *PCRITICAL_SECTION,
    *LPCRITICAL_SECTION;

ISAPI_WIN32_API VOID WINAPI InitializeCriticalSection(LPCRITICAL_SECTION lpCriticalSection);
ISAPI_WIN32_API BOOL WINAPI InitializeCriticalSectionAndSpinCount(
    LPCRITICAL_SECTION lpCriticalSection, DWORD dwSpinCount);
ISAPI_WIN32_API VOID WINAPI EnterCriticalSection(LPCRITICAL_SECTION lpCriticalSection);
ISAPI_WIN32_API BOOL WINAPI TryEnterCriticalSection(LPCRITICAL_SECTION lpCriticalSection);
ISAPI_WIN32_API VOID WINAPI LeaveCriticalSection(LPCRITICAL_SECTION lpCriticalSection);
ISAPI_WIN32_API VOID WINAPI DeleteCriticalSection(LPCRITICAL_SECTION lpCriticalSection);

/* Interlocked*: full barriers, as on Windows; they return the new value (Increment, Decrement)
 * or the old one (Exchange, CompareExchange, ExchangeAdd). */
static inline LONG InterlockedIncrement(LONG volatile *Addend) {
    return __atomic_add_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
static inline LONG InterlockedDecrement(LONG volatile *Addend) {
    return __atomic_sub_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
static inline LONG InterlockedExchange(LONG volatile *Target, LONG Value) {
    return __atomic_exchange_n(Target, Value, __ATOMIC_SEQ_CST);
}
static inline LONG InterlockedExchangeAdd(LONG volatile *Addend, LONG Value) {
    return __atomic_fetch_add(Addend, Value, __ATOMIC_SEQ_CST);
}
static inline LONG InterlockedCompareExchange(LONG volatile *Destination, LONG Exchange,
                                              LONG Comparand) {
    __atomic_compare_exchange_n(Destination, &Comparand, Exchange, 0, __ATOMIC_SEQ_CST,
                                __ATOMIC_SEQ_CST);
    return Comparand;
}
static inline LONGLONG InterlockedIncrement64(LONGLONG volatile *Addend) {
    return __atomic_add_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
static inline LONGLONG InterlockedDecrement64(LONGLONG volatile *Addend) {
    return __atomic_sub_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
static inline PVOID InterlockedExchangePointer(PVOID volatile *Target, PVOID Value) {
    return __atomic_exchange_n(Target, Value, __ATOMIC_SEQ_CST);
}
static inline PVOID InterlockedCompareExchangePointer(PVOID volatile *Destination,
                                                      PVOID Exchange, PVOID Comparand) {
    __atomic_compare_exchange_n(Destination, &Comparand, Exchange, 0, __ATOMIC_SEQ_CST,
                                __ATOMIC_SEQ_CST);
    return Comparand;
}

#define TLS_OUT_OF_INDEXES 0xFFFFFFFFu
ISAPI_WIN32_API DWORD WINAPI TlsAlloc(VOID);
ISAPI_WIN32_API LPVOID WINAPI TlsGetValue(DWORD dwTlsIndex);
ISAPI_WIN32_API BOOL WINAPI TlsSetValue(DWORD dwTlsIndex, LPVOID lpTlsValue);
ISAPI_WIN32_API BOOL WINAPI TlsFree(DWORD dwTlsIndex);

#define WT_EXECUTEDEFAULT 0x00000000
#define WT_EXECUTEINIOTHREAD 0x00000001
#define WT_EXECUTELONGFUNCTION 0x00000010
/*
 * Runs Function(Context) on a pool of up to 64 threads (started on demand; they notify the
 * runtime as CreateThread's do).  At most 65536 items wait at once; beyond, FALSE with
 * ERROR_NOT_ENOUGH_MEMORY.
 */
ISAPI_WIN32_API BOOL WINAPI QueueUserWorkItem(LPTHREAD_START_ROUTINE Function, PVOID Context,
                                              ULONG Flags);

/* ---- files ----------------------------------------------------------------------------------- */
#define GENERIC_READ 0x80000000u
#define GENERIC_WRITE 0x40000000u
#define GENERIC_EXECUTE 0x20000000u
#define GENERIC_ALL 0x10000000u
#define FILE_READ_DATA 0x0001
#define FILE_WRITE_DATA 0x0002
#define FILE_APPEND_DATA 0x0004
#define FILE_SHARE_READ 0x00000001
#define FILE_SHARE_WRITE 0x00000002
#define FILE_SHARE_DELETE 0x00000004
#define CREATE_NEW 1
#define CREATE_ALWAYS 2
#define OPEN_EXISTING 3
#define OPEN_ALWAYS 4
#define TRUNCATE_EXISTING 5
#define FILE_ATTRIBUTE_READONLY 0x00000001
#define FILE_ATTRIBUTE_HIDDEN 0x00000002
#define FILE_ATTRIBUTE_DIRECTORY 0x00000010
#define FILE_ATTRIBUTE_ARCHIVE 0x00000020
#define FILE_ATTRIBUTE_NORMAL 0x00000080
#define FILE_ATTRIBUTE_TEMPORARY 0x00000100
#define FILE_FLAG_WRITE_THROUGH 0x80000000u
#define FILE_FLAG_OVERLAPPED 0x40000000
#define FILE_FLAG_NO_BUFFERING 0x20000000
#define FILE_FLAG_RANDOM_ACCESS 0x10000000
#define FILE_FLAG_SEQUENTIAL_SCAN 0x08000000
#define FILE_FLAG_DELETE_ON_CLOSE 0x04000000
#define FILE_FLAG_BACKUP_SEMANTICS 0x02000000
#define FILE_BEGIN 0
#define FILE_CURRENT 1
#define FILE_END 2
#define INVALID_SET_FILE_POINTER 0xFFFFFFFFu
#define INVALID_FILE_SIZE 0xFFFFFFFFu

/*
 * lpFileName may use '\\' as separator (it becomes '/'); a drive letter is not understood.
 * dwShareMode is accepted and not enforced (Linux has no mandatory sharing modes);
 * FILE_FLAG_OVERLAPPED gives a handle without a file position whose ReadFile/WriteFile need
 * an OVERLAPPED (see overlapped_io.h).
 * The handle is one of the runtime's file handles: pass it to HSE_REQ_TRANSMIT_FILE as it is.
 */
ISAPI_WIN32_API HANDLE WINAPI CreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess,
                                          DWORD dwShareMode,
                                          LPSECURITY_ATTRIBUTES lpSecurityAttributes,
                                          DWORD dwCreationDisposition,
                                          DWORD dwFlagsAndAttributes, HANDLE hTemplateFile);
/* With lpOverlapped, Offset/OffsetHigh give the position (a synchronous read there); on a
 * handle opened FILE_FLAG_OVERLAPPED, see overlapped_io.h. */
ISAPI_WIN32_API BOOL WINAPI ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
                                     LPDWORD lpNumberOfBytesRead, LPOVERLAPPED lpOverlapped);
ISAPI_WIN32_API BOOL WINAPI WriteFile(HANDLE hFile, LPCVOID lpBuffer,
                                      DWORD nNumberOfBytesToWrite,
                                      LPDWORD lpNumberOfBytesWritten,
                                      LPOVERLAPPED lpOverlapped);
ISAPI_WIN32_API DWORD WINAPI SetFilePointer(HANDLE hFile, LONG lDistanceToMove,
                                            PLONG lpDistanceToMoveHigh, DWORD dwMoveMethod);
ISAPI_WIN32_API BOOL WINAPI SetFilePointerEx(HANDLE hFile, LARGE_INTEGER liDistanceToMove,
                                             PLARGE_INTEGER lpNewFilePointer,
                                             DWORD dwMoveMethod);
ISAPI_WIN32_API DWORD WINAPI GetFileSize(HANDLE hFile, LPDWORD lpFileSizeHigh);
ISAPI_WIN32_API BOOL WINAPI GetFileSizeEx(HANDLE hFile, PLARGE_INTEGER lpFileSize);
ISAPI_WIN32_API BOOL WINAPI FlushFileBuffers(HANDLE hFile);
ISAPI_WIN32_API BOOL WINAPI DeleteFileA(LPCSTR lpFileName);
/* $TMPDIR or /tmp, with a trailing '/'. */
ISAPI_WIN32_API DWORD WINAPI GetTempPathA(DWORD nBufferLength, LPSTR lpBuffer);
#define CreateFile CreateFileA
#define DeleteFile DeleteFileA
#define GetTempPath GetTempPathA

/* ---- modules ----------------------------------------------------------------------------------- */
#define GET_MODULE_HANDLE_EX_FLAG_PIN 0x00000001
#define GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT 0x00000002
#define GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS 0x00000004

/*
 * An HMODULE is a dlopen handle: the hinstDLL the host passes to DllMain, GetModuleHandle's
 * and LoadLibrary's results.  NULL means the executable (isapi-fcgi).  Module names compare
 * without regard to case, and "name.dll" also finds "name.so".
 */
ISAPI_WIN32_API DWORD WINAPI GetModuleFileNameA(HMODULE hModule, LPSTR lpFilename, DWORD nSize);
ISAPI_WIN32_API HMODULE WINAPI GetModuleHandleA(LPCSTR lpModuleName);
ISAPI_WIN32_API BOOL WINAPI GetModuleHandleExA(DWORD dwFlags, LPCSTR lpModuleName,
                                               HMODULE *phModule);
/*
 * dlopen(RTLD_NOW | RTLD_LOCAL) then DllMain(DLL_PROCESS_ATTACH) if the library exports one;
 * "x.dll" or "x" also tries "x.so", '\\' becomes '/'.
 */
ISAPI_WIN32_API HMODULE WINAPI LoadLibraryA(LPCSTR lpLibFileName);
ISAPI_WIN32_API FARPROC WINAPI GetProcAddress(HMODULE hModule, LPCSTR lpProcName);
ISAPI_WIN32_API BOOL WINAPI FreeLibrary(HMODULE hLibModule);
/* No notifications for this module's threads any more; TRUE. */
ISAPI_WIN32_API BOOL WINAPI DisableThreadLibraryCalls(HMODULE hLibModule);
#define GetModuleFileName GetModuleFileNameA
#define GetModuleHandle GetModuleHandleA
#define GetModuleHandleEx GetModuleHandleExA
#define LoadLibrary LoadLibraryA

/* ---- time -------------------------------------------------------------------------------------- */
ISAPI_WIN32_API DWORD WINAPI GetTickCount(VOID);
ISAPI_WIN32_API ULONGLONG WINAPI GetTickCount64(VOID);
ISAPI_WIN32_API VOID WINAPI GetSystemTime(LPSYSTEMTIME lpSystemTime);
ISAPI_WIN32_API VOID WINAPI GetLocalTime(LPSYSTEMTIME lpSystemTime);
ISAPI_WIN32_API VOID WINAPI GetSystemTimeAsFileTime(LPFILETIME lpSystemTimeAsFileTime);
ISAPI_WIN32_API BOOL WINAPI SystemTimeToFileTime(const SYSTEMTIME *lpSystemTime,
                                                 LPFILETIME lpFileTime);
ISAPI_WIN32_API BOOL WINAPI FileTimeToSystemTime(const FILETIME *lpFileTime,
                                                 LPSYSTEMTIME lpSystemTime);
ISAPI_WIN32_API BOOL WINAPI FileTimeToLocalFileTime(const FILETIME *lpFileTime,
                                                    LPFILETIME lpLocalFileTime);
ISAPI_WIN32_API LONG WINAPI CompareFileTime(const FILETIME *lpFileTime1,
                                            const FILETIME *lpFileTime2);
ISAPI_WIN32_API BOOL WINAPI QueryPerformanceCounter(LARGE_INTEGER *lpPerformanceCount);
ISAPI_WIN32_API BOOL WINAPI QueryPerformanceFrequency(LARGE_INTEGER *lpFrequency);

/* ---- configuration ----------------------------------------------------------------------------- */
/*
 * Read from the file on every call (no cache).  A relative lpFileName is relative to the
 * current directory, not to the Windows directory: build the path from GetModuleFileName.
 * Sections and keys match without regard to case; CRLF and LF files both work.
 */
ISAPI_WIN32_API DWORD WINAPI GetPrivateProfileStringA(LPCSTR lpAppName, LPCSTR lpKeyName,
                                                      LPCSTR lpDefault, LPSTR lpReturnedString,
                                                      DWORD nSize, LPCSTR lpFileName);
ISAPI_WIN32_API UINT WINAPI GetPrivateProfileIntA(LPCSTR lpAppName, LPCSTR lpKeyName,
                                                  INT nDefault, LPCSTR lpFileName);
ISAPI_WIN32_API DWORD WINAPI GetEnvironmentVariableA(LPCSTR lpName, LPSTR lpBuffer,
                                                     DWORD nSize);
ISAPI_WIN32_API BOOL WINAPI SetEnvironmentVariableA(LPCSTR lpName, LPCSTR lpValue);
/* The sections' names (lpAppName NULL) are not listed; a section's "key=value" lines, each
 * NUL-terminated, the list ended by a second NUL; truncated to nSize - 2 with the double NUL. */
ISAPI_WIN32_API DWORD WINAPI GetPrivateProfileSectionA(LPCSTR lpAppName, LPSTR lpReturnedString,
                                                       DWORD nSize, LPCSTR lpFileName);
/* The wide forms: UTF-16 in and out, the file read as UTF-8 (or UTF-16 with a BOM). */
ISAPI_WIN32_API DWORD WINAPI GetPrivateProfileStringW(LPCWSTR lpAppName, LPCWSTR lpKeyName,
                                                      LPCWSTR lpDefault, LPWSTR lpReturnedString,
                                                      DWORD nSize, LPCWSTR lpFileName);
ISAPI_WIN32_API UINT WINAPI GetPrivateProfileIntW(LPCWSTR lpAppName, LPCWSTR lpKeyName,
                                                  INT nDefault, LPCWSTR lpFileName);
#define GetPrivateProfileSection GetPrivateProfileSectionA
#define GetPrivateProfileString GetPrivateProfileStringA
#define GetPrivateProfileInt GetPrivateProfileIntA
#define GetEnvironmentVariable GetEnvironmentVariableA
#define SetEnvironmentVariable SetEnvironmentVariableA

/* ---- debugging --------------------------------------------------------------------------------- */
/* One line in the sidecar's log at debug level, tagged with the calling module's file name. */
ISAPI_WIN32_API VOID WINAPI OutputDebugStringA(LPCSTR lpOutputString);
#define OutputDebugString OutputDebugStringA

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_WINBASE_H */
