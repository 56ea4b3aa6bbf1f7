/*
 * windows.h - what IIS-era extension source gets from <windows.h>, for x86-64 Linux: the base
 * types (windef.h), the error codes (winerror.h), the kernel32 subset libisapi-win32
 * implements (winbase.h, winnls.h) and the MSVC CRT extras real extensions call (isapi_crt.h:
 * _stricmp, _snprintf, strcpy_s...).  Link the extension with -lisapi-win32 -lisapi-runtime.
 *
 * Only the ANSI ("A") functions exist: CreateFile is CreateFileA whether or not UNICODE is
 * defined, TCHAR is char.  min/max are macros in C only (C++ code gets std::min/std::max;
 * defining them there breaks the standard library, as NOMINMAX avoids on Windows).
 *
 * SPDX-License-Identifier: Apache-2.0. Extensions that include the isapi-fcgi headers or link
 * libisapi-runtime / libisapi-win32 may use any licence, proprietary ones included (see LICENSE
 * and docs/porting.md).
 */
#ifndef ISAPI_WIN32_WINDOWS_H
#define ISAPI_WIN32_WINDOWS_H

#if defined(_WIN32)
#include_next <windows.h>
#else

#include "sdkddkver.h"
#include "windef.h"
#include "sal.h"
#include "basetsd.h"
#include "rpcndr.h"
#include "winnt.h"
#include "guiddef.h"
#include "winerror.h"
#include "winbase.h"
#include "winnls.h"
#include "overlapped_io.h"
#include "winreg.h"
#include "seh.h"
#include "event_log.h"
#include "isapi_crt.h"
#include "fileapi.h"
#include "processenv.h"
#include "winioctl.h"
#include "sysinfoapi.h"
#include "processthreadsapi.h"
#include "handleapi.h"
#include "debugapi.h"
#include "winuser.h"
#include "timezoneapi.h"
#include "datetimeapi.h"
#include "libloaderapi.h"
#include "winver.h"
#include "memoryapi.h"
#include "securitybaseapi.h"
#include "combaseapi.h"
#include "wincrypt.h"
#include "threadpoollegacyapiset.h"
#include "isapi_crt_paths.h"
#include "isapi_crt_stdio.h"
#include "isapi_crt_time.h"
#include "isapi_crt_wide.h"
#include "isapi_crt_extras.h"

#ifdef __cplusplus
extern "C" {
#endif
/*
 * DllMain, declared here as well as in httpext.h: a C++ source that defines it without
 * extern "C" still exports the unmangled name the host looks up.
 */
ISAPI_WIN32_API BOOL WINAPI DllMain(HANDLE hinstDLL, DWORD fdwReason, LPVOID lpvReserved);
#ifdef __cplusplus
}
#endif

#if !defined(__cplusplus) && !defined(NOMINMAX)
#ifndef min
#define min(a, b) (((a) < (b)) ? (a) : (b))
#endif
#ifndef max
#define max(a, b) (((a) > (b)) ? (a) : (b))
#endif
#endif

#endif /* !_WIN32 */
#endif /* ISAPI_WIN32_WINDOWS_H */
