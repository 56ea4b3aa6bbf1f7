/*
 * winuser.h - the two user32 calls server extensions make: MessageBox and LoadString.  A
 * worker has no desktop and a .so no resources, so both fail the Windows way (0 and the last
 * error below); the first call per extension is logged, with the text MessageBox was given.
 */
#ifndef ISAPI_WIN32_WINUSER_H
#define ISAPI_WIN32_WINUSER_H

#include "winbase.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef HANDLE HWND;

#define MB_OK 0x00000000
#define MB_OKCANCEL 0x00000001
#define MB_ABORTRETRYIGNORE 0x00000002
#define MB_YESNOCANCEL 0x00000003
#define MB_YESNO 0x00000004
#define MB_RETRYCANCEL 0x00000005
#define MB_ICONHAND 0x00000010
#define MB_ICONQUESTION 0x00000020
#define MB_ICONEXCLAMATION 0x00000030
#define MB_ICONASTERISK 0x00000040
#define MB_ICONWARNING MB_ICONEXCLAMATION
#define MB_ICONERROR MB_ICONHAND
#define MB_ICONINFORMATION MB_ICONASTERISK
#define MB_ICONSTOP MB_ICONHAND
#define MB_SYSTEMMODAL 0x00001000
#define MB_TASKMODAL 0x00002000
#define MB_SETFOREGROUND 0x00010000
#define MB_DEFAULT_DESKTOP_ONLY 0x00020000
#define MB_TOPMOST 0x00040000
#define MB_SERVICE_NOTIFICATION 0x00200000
#define IDOK 1
#define IDCANCEL 2
#define IDABORT 3
#define IDRETRY 4
#define IDIGNORE 5
#define IDYES 6
#define IDNO 7

/* 0 with ERROR_NOT_SUPPORTED: nobody could answer the box. */
ISAPI_WIN32_API int WINAPI MessageBoxA(HWND hWnd, LPCSTR lpText, LPCSTR lpCaption, UINT uType);
/* 0 with ERROR_RESOURCE_NAME_NOT_FOUND (the string table does not exist); the buffer gets an
 * empty string when it has room. */
ISAPI_WIN32_API int WINAPI LoadStringA(HINSTANCE hInstance, UINT uID, LPSTR lpBuffer,
                                       int cchBufferMax);
#define MessageBox MessageBoxA
#define LoadString LoadStringA

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_WINUSER_H */
