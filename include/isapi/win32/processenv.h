/* processenv.h - the process's current directory (shared by all threads, as on Windows). */
#ifndef ISAPI_WIN32_PROCESSENV_H
#define ISAPI_WIN32_PROCESSENV_H

#include "winbase.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The length without the NUL; when nBufferLength is too small, the size needed with it. */
ISAPI_WIN32_API DWORD WINAPI GetCurrentDirectoryA(DWORD nBufferLength, LPSTR lpBuffer);
ISAPI_WIN32_API BOOL WINAPI SetCurrentDirectoryA(LPCSTR lpPathName);
#define GetCurrentDirectory GetCurrentDirectoryA
#define SetCurrentDirectory SetCurrentDirectoryA

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_PROCESSENV_H */
