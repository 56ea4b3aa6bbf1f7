/*
 * handleapi.h - handle inheritance and anonymous pipes, the pieces CreateProcess callers use to
 * give a child its standard handles.  A handle is inheritable when it was created with
 * SECURITY_ATTRIBUTES.bInheritHandle TRUE (CreateFile, CreatePipe) or marked with
 * SetHandleInformation(HANDLE_FLAG_INHERIT); CreateProcess with bInheritHandles TRUE passes
 * the inheritable ones to the child.  A pipe's ReadFile reports the writers' end as FALSE with
 * ERROR_BROKEN_PIPE, as on Windows.
 */
#ifndef ISAPI_WIN32_HANDLEAPI_H
#define ISAPI_WIN32_HANDLEAPI_H

#include "winbase.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HANDLE_FLAG_INHERIT 0x00000001
#define HANDLE_FLAG_PROTECT_FROM_CLOSE 0x00000002

/* nSize, when not 0, is the pipe's buffer size (rounded up by Linux). */
ISAPI_WIN32_API BOOL WINAPI CreatePipe(PHANDLE hReadPipe, PHANDLE hWritePipe,
                                       LPSECURITY_ATTRIBUTES lpPipeAttributes, DWORD nSize);
/* HANDLE_FLAG_PROTECT_FROM_CLOSE is remembered and reported, not enforced. */
ISAPI_WIN32_API BOOL WINAPI SetHandleInformation(HANDLE hObject, DWORD dwMask, DWORD dwFlags);
ISAPI_WIN32_API BOOL WINAPI GetHandleInformation(HANDLE hObject, LPDWORD lpdwFlags);

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_HANDLEAPI_H */
