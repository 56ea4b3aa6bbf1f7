/*
 * libloaderapi.h - the module functions beyond those of winbase.h: the wide module file name
 * and the DLL directory, which is remembered for GetDllDirectory (LoadLibrary's search is
 * dlopen's: LD_LIBRARY_PATH, the RUNPATH, then the system directories).
 */
#ifndef ISAPI_WIN32_LIBLOADERAPI_H
#define ISAPI_WIN32_LIBLOADERAPI_H

#include "winbase.h"

#ifdef __cplusplus
extern "C" {
#endif

/* As GetModuleFileNameA, in UTF-16 characters. */
ISAPI_WIN32_API DWORD WINAPI GetModuleFileNameW(HMODULE hModule, LPWSTR lpFilename, DWORD nSize);
/* NULL restores the default search, "" removes the directory from it (both TRUE). */
ISAPI_WIN32_API BOOL WINAPI SetDllDirectoryA(LPCSTR lpPathName);
/* The length copied (without the NUL); too small: the size needed with it; 0 when unset. */
ISAPI_WIN32_API DWORD WINAPI GetDllDirectoryA(DWORD nBufferLength, LPSTR lpBuffer);
#define SetDllDirectory SetDllDirectoryA
#define GetDllDirectory GetDllDirectoryA

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_LIBLOADERAPI_H */
