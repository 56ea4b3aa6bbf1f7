/*
 * windef_subset.h - the slice of the Win32 base API that ISAPI extension code expects
 * around httpext.h, sized as on 64-bit Windows (LLP64) but compiled on x86-64 Linux (LP64).
 *
 * Sizes, alignments, signedness and constant values are checked against mingw-w64's
 * <windows.h> compiled for x86_64 Windows by the test in tests/abi. The rules:
 *  - DWORD, ULONG, LONG, HRESULT and BOOL are 32 bits.  Linux `long` is 64 bits, so none of
 *    them may be built from `long`.
 *  - WCHAR is a 16-bit UTF-16 code unit (uint16_t in C, char16_t in C++), never wchar_t.
 *  - Calling-convention macros (WINAPI, CALLBACK, __stdcall...) are empty: x86-64 has one
 *    convention and the host and the extension are built by the same Linux compiler.
 *  - HANDLE, HINSTANCE and HMODULE are all `void *` (no STRICT handle types), so that DllMain
 *    written with any of them has one prototype and keeps the C linkage declared here.
 *
 * On Windows this header is only a forwarder to the real <windows.h>.
 *
 * SPDX-License-Identifier: Apache-2.0. Extensions that include the isapi-fcgi headers or link
 * libisapi-runtime / libisapi-win32 may use any licence, proprietary ones included (see LICENSE
 * and docs/porting.md).
 */
#ifndef ISAPI_WINDEF_SUBSET_H
#define ISAPI_WINDEF_SUBSET_H

#if defined(_WIN32)
#include <windows.h>
#else

#include <stddef.h>
#include <stdint.h>

/* Symbols the runtime library defines and every extension imports. */
#define ISAPI_RUNTIME_API __attribute__((visibility("default")))

/* Casts usable in macros: the C++ spellings keep -Wold-style-cast quiet in C++ callers. */
#ifdef __cplusplus
#define ISAPI_SCAST_(type, value) (static_cast<type>(value))
#define ISAPI_RCAST_(type, value) (reinterpret_cast<type>(value))
#else
#define ISAPI_SCAST_(type, value) ((type)(value))
#define ISAPI_RCAST_(type, value) ((type)(value))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- calling conventions and decoration: all empty on x86-64 Linux -------------------- */
#define WINAPI
#define WINAPIV
#define APIENTRY
#define CALLBACK
#define PASCAL
#define FAR
#define NEAR
#define CONST const
#define VOID void

#ifndef __stdcall
#define __stdcall
#endif
#ifndef __cdecl
#define __cdecl
#endif

/*
 * __declspec(x) as IIS-era code writes it.  dllexport makes a symbol visible even when the
 * extension is built with -fvisibility=hidden; the others map to their GCC equivalents.
 * Compilers that understand __declspec natively (clang -fms-extensions) keep their own, and
 * ISAPI_NO_DECLSPEC turns the mapping off.
 */
#if !defined(__declspec) && !defined(_MSC_EXTENSIONS) && !defined(ISAPI_NO_DECLSPEC)
#define __declspec(spec) ISAPI_DECLSPEC_##spec
#define ISAPI_DECLSPEC_dllexport __attribute__((visibility("default")))
#define ISAPI_DECLSPEC_dllimport
#define ISAPI_DECLSPEC_thread __thread
#define ISAPI_DECLSPEC_noinline __attribute__((noinline))
#define ISAPI_DECLSPEC_noreturn __attribute__((noreturn))
#define ISAPI_DECLSPEC_nothrow __attribute__((nothrow))
#define ISAPI_DECLSPEC_deprecated __attribute__((deprecated))
#define ISAPI_DECLSPEC_selectany __attribute__((weak))
#define ISAPI_DECLSPEC_novtable
#define ISAPI_DECLSPEC_noalias
#define ISAPI_DECLSPEC_align(bytes) __attribute__((aligned(bytes)))
#define ISAPI_DECLSPEC_uuid(text)
#endif

/* ---- integer types ---------------------------------------------------------------------- */
typedef char CHAR;
typedef unsigned char UCHAR;
typedef unsigned char BYTE;
typedef BYTE BOOLEAN;
typedef short SHORT;
typedef unsigned short USHORT;
typedef unsigned short WORD;
typedef int INT;
typedef unsigned int UINT;
typedef int BOOL;
typedef int WINBOOL; /* mingw-w64's spelling of BOOL */
typedef int LONG;
typedef unsigned int ULONG;
typedef unsigned int DWORD;
typedef LONG HRESULT;
/* long long, not int64_t: printf's %lld/%llu stay correct as they are on Windows. */
typedef long long LONGLONG;
typedef unsigned long long ULONGLONG;
typedef long long INT64;
typedef unsigned long long UINT64;
typedef long long LONG64;
typedef unsigned long long ULONG64;
typedef unsigned long long DWORD64;
typedef ULONGLONG DWORDLONG;
typedef intptr_t INT_PTR;
typedef uintptr_t UINT_PTR;
typedef intptr_t LONG_PTR;
typedef uintptr_t ULONG_PTR;
typedef ULONG_PTR DWORD_PTR;
typedef ULONG_PTR SIZE_T;
typedef LONG_PTR SSIZE_T;
typedef float FLOAT;

/*
 * UTF-16 code unit.  C++ gets char16_t: u"..." literals and std::u16string work, and it stays
 * a type distinct from WORD as wchar_t is on Windows.  C gets uint16_t, which is the type C11's
 * char16_t names, so u"..." literals work in C11 as well.  Both have the same size, alignment
 * and signedness, and every function taking WCHAR has C linkage, so the two spellings are the
 * same ABI.  Never use wchar_t, L"..." or wcslen for WCHAR data: Linux wchar_t is 32 bits.
 */
#ifdef __cplusplus
typedef char16_t WCHAR;
#else
typedef uint16_t WCHAR;
#endif

/* ---- pointer types ---------------------------------------------------------------------- */
typedef void *PVOID;
typedef void *LPVOID;
typedef const void *LPCVOID;
typedef CHAR *PCHAR;
typedef CHAR *PSTR;
typedef CHAR *LPSTR;
typedef const CHAR *PCSTR;
typedef const CHAR *LPCSTR;
typedef WCHAR *PWCHAR;
typedef WCHAR *PWSTR;
typedef WCHAR *LPWSTR;
typedef const WCHAR *PCWSTR;
typedef const WCHAR *LPCWSTR;
typedef BYTE *PBYTE;
typedef BYTE *LPBYTE;
typedef UCHAR *PUCHAR;
typedef BOOLEAN *PBOOLEAN;
typedef WORD *PWORD;
typedef WORD *LPWORD;
typedef USHORT *PUSHORT;
typedef SHORT *PSHORT;
typedef DWORD *PDWORD;
typedef DWORD *LPDWORD;
typedef BOOL *PBOOL;
typedef BOOL *LPBOOL;
typedef INT *PINT;
typedef INT *LPINT;
typedef UINT *PUINT;
typedef LONG *PLONG;
typedef LONG *LPLONG;
typedef ULONG *PULONG;
typedef LONGLONG *PLONGLONG;
typedef ULONGLONG *PULONGLONG;
typedef DWORD_PTR *PDWORD_PTR;
typedef ULONG_PTR *PULONG_PTR;
typedef SIZE_T *PSIZE_T;

/* ANSI builds only: TCHAR is CHAR whether or not UNICODE is defined. */
typedef CHAR TCHAR;
typedef CHAR *PTCHAR;
typedef LPSTR PTSTR;
typedef LPSTR LPTSTR;
typedef LPCSTR PCTSTR;
typedef LPCSTR LPCTSTR;
#define TEXT(quote) quote

/* ---- handles ------------------------------------------------------------------------------ */
typedef void *HANDLE;
typedef HANDLE *PHANDLE;
typedef HANDLE *LPHANDLE;
typedef HANDLE HINSTANCE;
typedef HANDLE HMODULE;

/*
 * The value CreateFile and friends return on failure.  Handles produced by the runtime
 * (isapi_runtime.h) are never NULL and never this value; fd 0 has a handle like any other fd.
 */
#define INVALID_HANDLE_VALUE ISAPI_RCAST_(HANDLE, ISAPI_SCAST_(LONG_PTR, -1))

/* ---- constants and small macros ------------------------------------------------------------- */
#define FALSE 0
#define TRUE 1
#define MAX_PATH 260

#define MAKEWORD(low, high)                                                                    \
    ISAPI_SCAST_(WORD, ISAPI_SCAST_(BYTE, ISAPI_SCAST_(DWORD_PTR, low) & 0xffu)                \
                           | ISAPI_SCAST_(WORD, ISAPI_SCAST_(BYTE,                             \
                                 ISAPI_SCAST_(DWORD_PTR, high) & 0xffu)) << 8)
#define MAKELONG(low, high)                                                                    \
    ISAPI_SCAST_(LONG, ISAPI_SCAST_(WORD, ISAPI_SCAST_(DWORD_PTR, low) & 0xffffu)              \
                           | ISAPI_SCAST_(DWORD, ISAPI_SCAST_(WORD,                            \
                                 ISAPI_SCAST_(DWORD_PTR, high) & 0xffffu)) << 16)
#define LOWORD(value) ISAPI_SCAST_(WORD, ISAPI_SCAST_(DWORD_PTR, value) & 0xffffu)
#define HIWORD(value) ISAPI_SCAST_(WORD, (ISAPI_SCAST_(DWORD_PTR, value) >> 16) & 0xffffu)
#define LOBYTE(value) ISAPI_SCAST_(BYTE, ISAPI_SCAST_(DWORD_PTR, value) & 0xffu)
#define HIBYTE(value) ISAPI_SCAST_(BYTE, (ISAPI_SCAST_(DWORD_PTR, value) >> 8) & 0xffu)

/* DllMain's fdwReason. */
#define DLL_PROCESS_DETACH 0
#define DLL_PROCESS_ATTACH 1
#define DLL_THREAD_ATTACH 2
#define DLL_THREAD_DETACH 3

/* ---- HRESULT ---------------------------------------------------------------------------------- */
#define SUCCEEDED(hr) (ISAPI_SCAST_(HRESULT, hr) >= 0)
#define FAILED(hr) (ISAPI_SCAST_(HRESULT, hr) < 0)
#define S_OK ISAPI_SCAST_(HRESULT, 0x00000000)
#define S_FALSE ISAPI_SCAST_(HRESULT, 0x00000001)
#define E_NOTIMPL ISAPI_SCAST_(HRESULT, 0x80004001u)
#define E_POINTER ISAPI_SCAST_(HRESULT, 0x80004003u)
#define E_FAIL ISAPI_SCAST_(HRESULT, 0x80004005u)
#define E_OUTOFMEMORY ISAPI_SCAST_(HRESULT, 0x8007000Eu)
#define E_INVALIDARG ISAPI_SCAST_(HRESULT, 0x80070057u)

/* ---- Win32 error codes (GetLastError) ------------------------------------------------------- */
/* Plain int literals: on Windows they are `long` (32-bit), here `int` has that size and sign. */
#define NO_ERROR 0
#define ERROR_SUCCESS 0
#define ERROR_INVALID_FUNCTION 1
#define ERROR_FILE_NOT_FOUND 2
#define ERROR_PATH_NOT_FOUND 3
#define ERROR_TOO_MANY_OPEN_FILES 4
#define ERROR_ACCESS_DENIED 5
#define ERROR_INVALID_HANDLE 6
#define ERROR_NOT_ENOUGH_MEMORY 8
#define ERROR_INVALID_DATA 13
#define ERROR_OUTOFMEMORY 14
#define ERROR_WRITE_FAULT 29
#define ERROR_READ_FAULT 30
#define ERROR_GEN_FAILURE 31
#define ERROR_SHARING_VIOLATION 32
#define ERROR_HANDLE_EOF 38
#define ERROR_NOT_SUPPORTED 50
#define ERROR_UNEXP_NET_ERR 59
#define ERROR_NETNAME_DELETED 64
#define ERROR_FILE_EXISTS 80
#define ERROR_INVALID_PARAMETER 87
#define ERROR_BROKEN_PIPE 109
#define ERROR_BUFFER_OVERFLOW 111
#define ERROR_DISK_FULL 112
#define ERROR_SEM_TIMEOUT 121
#define ERROR_INSUFFICIENT_BUFFER 122
#define ERROR_INVALID_NAME 123
#define ERROR_BAD_PATHNAME 161
#define ERROR_BUSY 170
#define ERROR_ALREADY_EXISTS 183
#define ERROR_FILENAME_EXCED_RANGE 206
#define ERROR_NO_DATA 232
#define ERROR_MORE_DATA 234
#define WAIT_TIMEOUT 258
#define ERROR_INVALID_ADDRESS 487
#define ERROR_ARITHMETIC_OVERFLOW 534
#define ERROR_OPERATION_ABORTED 995
#define ERROR_IO_INCOMPLETE 996
#define ERROR_IO_PENDING 997
#define ERROR_NOACCESS 998
#define ERROR_INVALID_FLAGS 1004
#define ERROR_NOT_FOUND 1168
#define ERROR_CANCELLED 1223
#define ERROR_CONNECTION_REFUSED 1225
#define ERROR_GRACEFUL_DISCONNECT 1226
#define ERROR_CONNECTION_ABORTED 1236
#define ERROR_INTERNAL_ERROR 1359
#define ERROR_INVALID_INDEX 1413
#define ERROR_TIMEOUT 1460
#define WSAEINTR 10004
#define WSAEBADF 10009
#define WSAEACCES 10013
#define WSAEFAULT 10014
#define WSAEINVAL 10022
#define WSAEMFILE 10024
#define WSAEWOULDBLOCK 10035
#define WSAECONNABORTED 10053
#define WSAECONNRESET 10054
#define WSAENOTCONN 10057
#define WSAESHUTDOWN 10058
#define WSAETIMEDOUT 10060

/*
 * The calling thread's last-error value.  One value per thread for the whole process: the host
 * and every extension share it through libisapi-runtime.so, so an error the host sets inside a
 * callback is what the extension reads afterwards.  It is not errno.
 */
ISAPI_RUNTIME_API DWORD WINAPI GetLastError(VOID);
ISAPI_RUNTIME_API VOID WINAPI SetLastError(DWORD dwErrCode);

#ifdef __cplusplus
}
#endif

#endif /* !_WIN32 */
#endif /* ISAPI_WINDEF_SUBSET_H */
