/*
 * processthreadsapi.h - starting and ending processes.  ExitProcess ends the worker process
 * (its pool replaces it).
 *
 * CreateProcess starts a Linux program with Windows semantics (docs/porting.md, "Child
 * processes"): the command line is split into argv by the Microsoft C runtime's rules; the
 * program is lpApplicationName as given, or argv[0] looked up as Windows does (the current
 * directory, then PATH; "x.exe" also finds "x"); STARTF_USESTDHANDLES with bInheritHandles
 * gives the child the inheritable handles named as its stdin/stdout/stderr (otherwise
 * /dev/null), and bInheritHandles keeps every inheritable file/pipe handle open in the child
 * (same descriptor number); lpEnvironment (ANSI, or UTF-16 with CREATE_UNICODE_ENVIRONMENT)
 * and lpCurrentDirectory apply.  hProcess (and hThread, the same process) is signalled when
 * the child ends; GetExitCodeProcess gives STILL_ACTIVE until then, the exit status after, the
 * TerminateProcess code for a terminated child, STATUS_ACCESS_VIOLATION for one killed by
 * SIGSEGV/SIGBUS.  CREATE_SUSPENDED and the debug flags fail with ERROR_NOT_SUPPORTED (logged
 * once per extension); the console, window and priority flags are accepted and ignored.
 */
#ifndef ISAPI_WIN32_PROCESSTHREADSAPI_H
#define ISAPI_WIN32_PROCESSTHREADSAPI_H

#include "winbase.h"

#ifdef __cplusplus
extern "C" {
#endif

#define STARTF_USESHOWWINDOW 0x00000001
#define STARTF_USESTDHANDLES 0x00000100
#define CREATE_NEW_CONSOLE 0x00000010
#define CREATE_NO_WINDOW 0x08000000
#define DETACHED_PROCESS 0x00000008
#define NORMAL_PRIORITY_CLASS 0x00000020
#define CREATE_UNICODE_ENVIRONMENT 0x00000400
#define DEBUG_PROCESS 0x00000001
#define DEBUG_ONLY_THIS_PROCESS 0x00000002
#define CREATE_SUSPENDED 0x00000004
#define CREATE_NEW_PROCESS_GROUP 0x00000200
#define CREATE_BREAKAWAY_FROM_JOB 0x01000000
#define IDLE_PRIORITY_CLASS 0x00000040
#define HIGH_PRIORITY_CLASS 0x00000080
#define BELOW_NORMAL_PRIORITY_CLASS 0x00004000
#define ABOVE_NORMAL_PRIORITY_CLASS 0x00008000
#define STARTF_FORCEOFFFEEDBACK 0x00000080
#ifndef SW_HIDE
#define SW_HIDE 0
#endif

typedef struct _STARTUPINFOA {
    DWORD cb;
    LPSTR lpReserved;
    LPSTR lpDesktop;
    LPSTR lpTitle;
    DWORD dwX;
    DWORD dwY;
    DWORD dwXSize;
    DWORD dwYSize;
    DWORD dwXCountChars;
    DWORD dwYCountChars;
    DWORD dwFillAttribute;
    DWORD dwFlags;
    WORD wShowWindow;
    WORD cbReserved2;
    LPBYTE lpReserved2;
    HANDLE hStdInput;
    HANDLE hStdOutput;
    HANDLE hStdError;
} STARTUPINFOA, *LPSTARTUPINFOA;

typedef struct _STARTUPINFOW {
    DWORD cb;
    LPWSTR lpReserved;
    LPWSTR lpDesktop;
    LPWSTR lpTitle;
    DWORD dwX;
    DWORD dwY;
    DWORD dwXSize;
    DWORD dwYSize;
    DWORD dwXCountChars;
    DWORD dwYCountChars;
    DWORD dwFillAttribute;
    DWORD dwFlags;
    WORD wShowWindow;
    WORD cbReserved2;
    LPBYTE lpReserved2;
    HANDLE hStdInput;
    HANDLE hStdOutput;
    HANDLE hStdError;
} STARTUPINFOW, *LPSTARTUPINFOW;
typedef STARTUPINFOA STARTUPINFO;
typedef LPSTARTUPINFOA LPSTARTUPINFO;

typedef struct _PROCESS_INFORMATION {
    HANDLE hProcess;
    HANDLE hThread;
    DWORD dwProcessId;
    DWORD dwThreadId;
} PROCESS_INFORMATION, *PPROCESS_INFORMATION, *LPPROCESS_INFORMATION;

ISAPI_WIN32_API BOOL WINAPI CreateProcessA(
    LPCSTR lpApplicationName, LPSTR lpCommandLine, LPSECURITY_ATTRIBUTES lpProcessAttributes,
    LPSECURITY_ATTRIBUTES lpThreadAttributes, BOOL bInheritHandles, DWORD dwCreationFlags,
    LPVOID lpEnvironment, LPCSTR lpCurrentDirectory, LPSTARTUPINFOA lpStartupInfo,
    LPPROCESS_INFORMATION lpProcessInformation);
ISAPI_WIN32_API BOOL WINAPI CreateProcessW(
    LPCWSTR lpApplicationName, LPWSTR lpCommandLine, LPSECURITY_ATTRIBUTES lpProcessAttributes,
    LPSECURITY_ATTRIBUTES lpThreadAttributes, BOOL bInheritHandles, DWORD dwCreationFlags,
    LPVOID lpEnvironment, LPCWSTR lpCurrentDirectory, LPSTARTUPINFOW lpStartupInfo,
    LPPROCESS_INFORMATION lpProcessInformation);
#define CreateProcess CreateProcessA

/* STILL_ACTIVE while the process runs. */
ISAPI_WIN32_API BOOL WINAPI GetExitCodeProcess(HANDLE hProcess, LPDWORD lpExitCode);
/* Kills the child (SIGKILL); its exit code becomes uExitCode.  FALSE with ERROR_ACCESS_DENIED
 * once it has ended.  On GetCurrentProcess() the worker exits with uExitCode. */
ISAPI_WIN32_API BOOL WINAPI TerminateProcess(HANDLE hProcess, UINT uExitCode);
ISAPI_WIN32_API DWORD WINAPI GetProcessId(HANDLE Process);

/* exit(uExitCode): atexit handlers and static destructors run, as DLL detach does on Windows. */
ISAPI_WIN32_API __attribute__((noreturn)) VOID WINAPI ExitProcess(UINT uExitCode);

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_PROCESSTHREADSAPI_H */
