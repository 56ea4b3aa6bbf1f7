/*
 * sysinfoapi.h - what the system is: processors and pages (GetSystemInfo), the Windows
 * version (GetVersionEx) and the console session.
 */
#ifndef ISAPI_WIN32_SYSINFOAPI_H
#define ISAPI_WIN32_SYSINFOAPI_H

#include "winbase.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PROCESSOR_ARCHITECTURE_INTEL 0
#define PROCESSOR_ARCHITECTURE_ARM 5
#define PROCESSOR_ARCHITECTURE_AMD64 9
#define PROCESSOR_ARCHITECTURE_ARM64 12
#define PROCESSOR_ARCHITECTURE_UNKNOWN 0xFFFF
#define PROCESSOR_AMD_X8664 8664

typedef struct _SYSTEM_INFO {
    __extension__ union {
        DWORD dwOemId;
        __extension__ struct {
            WORD wProcessorArchitecture;
            WORD wReserved;
        };
    };
    DWORD dwPageSize;
    LPVOID lpMinimumApplicationAddress;
    LPVOID lpMaximumApplicationAddress;
    DWORD_PTR dwActiveProcessorMask;
    DWORD dwNumberOfProcessors;
    DWORD dwProcessorType;
    DWORD dwAllocationGranularity;
    WORD wProcessorLevel;
    WORD wProcessorRevision;
} SYSTEM_INFO, *LPSYSTEM_INFO;

/* Processors online (sysconf), the page size, and 64 KiB allocation granularity as on Windows
 * (VirtualAlloc here rounds to pages, which is finer). */
ISAPI_WIN32_API VOID WINAPI GetSystemInfo(LPSYSTEM_INFO lpSystemInfo);
ISAPI_WIN32_API VOID WINAPI GetNativeSystemInfo(LPSYSTEM_INFO lpSystemInfo);

#define VER_PLATFORM_WIN32s 0
#define VER_PLATFORM_WIN32_WINDOWS 1
#define VER_PLATFORM_WIN32_NT 2
#define VER_NT_WORKSTATION 0x0000001
#define VER_NT_DOMAIN_CONTROLLER 0x0000002
#define VER_NT_SERVER 0x0000003

typedef struct _OSVERSIONINFOA {
    DWORD dwOSVersionInfoSize;
    DWORD dwMajorVersion;
    DWORD dwMinorVersion;
    DWORD dwBuildNumber;
    DWORD dwPlatformId;
    CHAR szCSDVersion[128];
} OSVERSIONINFOA, *POSVERSIONINFOA, *LPOSVERSIONINFOA;

typedef struct _OSVERSIONINFOEXA {
    DWORD dwOSVersionInfoSize;
    DWORD dwMajorVersion;
    DWORD dwMinorVersion;
    DWORD dwBuildNumber;
    DWORD dwPlatformId;
    CHAR szCSDVersion[128];
    WORD wServicePackMajor;
    WORD wServicePackMinor;
    WORD wSuiteMask;
    BYTE wProductType;
    BYTE wReserved;
} OSVERSIONINFOEXA, *POSVERSIONINFOEXA, *LPOSVERSIONINFOEXA;

typedef OSVERSIONINFOA OSVERSIONINFO;
typedef POSVERSIONINFOA POSVERSIONINFO;
typedef LPOSVERSIONINFOA LPOSVERSIONINFO;
typedef OSVERSIONINFOEXA OSVERSIONINFOEX;
typedef POSVERSIONINFOEXA POSVERSIONINFOEX;
typedef LPOSVERSIONINFOEXA LPOSVERSIONINFOEX;

/*
 * What Windows 8 and later report to a program without a compatibility manifest: 6.2 build
 * 9200, platform NT, a server product.  dwOSVersionInfoSize must be the size of
 * OSVERSIONINFOA or OSVERSIONINFOEXA (ERROR_INSUFFICIENT_BUFFER otherwise).
 */
ISAPI_WIN32_API BOOL WINAPI GetVersionExA(LPOSVERSIONINFOA lpVersionInformation);
#define GetVersionEx GetVersionExA

/* No session is attached to the physical console of a server process: 0xFFFFFFFF. */
ISAPI_WIN32_API DWORD WINAPI WTSGetActiveConsoleSessionId(VOID);

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_SYSINFOAPI_H */
