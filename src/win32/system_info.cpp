// GetSystemInfo, GetVersionEx and the console session, from sysconf and fixed Windows answers.
#include <unistd.h>

#include <cstdint>
#include <cstring>

#include <isapi/win32/windows.h>

#include "win32/win32_error.hpp"

extern "C" {

VOID WINAPI GetSystemInfo(LPSYSTEM_INFO lpSystemInfo) {
    if (lpSystemInfo == nullptr) return;
    std::memset(lpSystemInfo, 0, sizeof(*lpSystemInfo));
    lpSystemInfo->wProcessorArchitecture = PROCESSOR_ARCHITECTURE_AMD64;
    lpSystemInfo->dwPageSize = static_cast<DWORD>(::sysconf(_SC_PAGESIZE));
    lpSystemInfo->lpMinimumApplicationAddress = reinterpret_cast<LPVOID>(std::uintptr_t{0x10000});
    lpSystemInfo->lpMaximumApplicationAddress = reinterpret_cast<LPVOID>(std::uintptr_t{0x7FFFFFFEFFFF});
    long processors = ::sysconf(_SC_NPROCESSORS_ONLN);
    if (processors < 1) processors = 1;
    if (processors > 64) processors = 64;  // one processor group, as Windows reports
    lpSystemInfo->dwNumberOfProcessors = static_cast<DWORD>(processors);
    lpSystemInfo->dwActiveProcessorMask =
        processors == 64 ? ~DWORD_PTR{0} : (DWORD_PTR{1} << processors) - 1;
    lpSystemInfo->dwProcessorType = PROCESSOR_AMD_X8664;
    lpSystemInfo->dwAllocationGranularity = 0x10000;
    lpSystemInfo->wProcessorLevel = 6;
}

VOID WINAPI GetNativeSystemInfo(LPSYSTEM_INFO lpSystemInfo) {
    GetSystemInfo(lpSystemInfo);
}

BOOL WINAPI GetVersionExA(LPOSVERSIONINFOA lpVersionInformation) {
    if (lpVersionInformation == nullptr) return isapi_fcgi::win32::fail(ERROR_NOACCESS);
    const DWORD size = lpVersionInformation->dwOSVersionInfoSize;
    if (size != sizeof(OSVERSIONINFOA) && size != sizeof(OSVERSIONINFOEXA)) {
        return isapi_fcgi::win32::fail(ERROR_INSUFFICIENT_BUFFER);
    }
    std::memset(reinterpret_cast<char*>(lpVersionInformation) + sizeof(DWORD), 0, size - sizeof(DWORD));
    lpVersionInformation->dwMajorVersion = 6;
    lpVersionInformation->dwMinorVersion = 2;
    lpVersionInformation->dwBuildNumber = 9200;
    lpVersionInformation->dwPlatformId = VER_PLATFORM_WIN32_NT;
    if (size == sizeof(OSVERSIONINFOEXA)) {
        reinterpret_cast<LPOSVERSIONINFOEXA>(lpVersionInformation)->wProductType = VER_NT_SERVER;
    }
    return TRUE;
}

DWORD WINAPI WTSGetActiveConsoleSessionId(VOID) {
    return 0xFFFFFFFFu;
}

}  // extern "C"
