/*
 * windows.h - lets IIS-era extension source keep its `#include <windows.h>` when built against
 * include/isapi on Linux.  It provides only windef_subset.h: the base types, constants and
 * GetLastError/SetLastError that ISAPI code uses around httpext.h.  Win32 functions beyond
 * those are not part of this header.
 *
 * SPDX-License-Identifier: Apache-2.0. Extensions that include the isapi-fcgi headers or link
 * libisapi-runtime / libisapi-win32 may use any licence, proprietary ones included (see LICENSE
 * and docs/porting.md).
 */
#ifndef ISAPI_WINDOWS_H
#define ISAPI_WINDOWS_H

#if defined(_WIN32)
#if defined(__GNUC__)
#include_next <windows.h>
#else
#error "on Windows, use the Windows SDK's windows.h instead of isapi-fcgi's include/isapi"
#endif
#else
#include "windef_subset.h"
#endif

#endif /* ISAPI_WINDOWS_H */
