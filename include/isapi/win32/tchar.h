/*
 * tchar.h - the generic-text names for an ANSI build (TCHAR is char whether or not UNICODE
 * or _UNICODE is defined here): _T(), _tcs* and _stprintf map to the narrow functions.
 *
 * SPDX-License-Identifier: Apache-2.0. Extensions that include the isapi-fcgi headers or link
 * libisapi-runtime / libisapi-win32 may use any licence, proprietary ones included (see LICENSE
 * and docs/porting.md).
 */
#ifndef ISAPI_WIN32_TCHAR_H
#define ISAPI_WIN32_TCHAR_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isapi_crt.h"
#include "isapi_crt_paths.h"
#include "isapi_crt_stdio.h"
#include "isapi_crt_extras.h"

#define _T(text) text
#define _TEXT(text) text
typedef char _TCHAR;
typedef unsigned char _TUCHAR;

#define _tcslen strlen
#define _tcscpy strcpy
#define _tcsncpy strncpy
#define _tcscat strcat
#define _tcsncat strncat
#define _tcscmp strcmp
#define _tcsncmp strncmp
#define _tcsicmp _stricmp
#define _tcsnicmp _strnicmp
#define _tcschr strchr
#define _tcsrchr strrchr
#define _tcsstr strstr
#define _tcstok strtok
#define _tcsdup strdup
#define _tcstol strtol
#define _tcstoul strtoul
#define _ttoi atoi
#define _ttol atol
#define _tcscpy_s strcpy_s
#define _tcsncpy_s strncpy_s
#define _tcscat_s strcat_s
#define _stprintf sprintf
#define _stprintf_s sprintf_s
#define _sntprintf _snprintf
#define _vstprintf vsprintf
#define _vsntprintf _vsnprintf
#define _tprintf printf
#define _ftprintf fprintf
#define _tfopen fopen
#define _tgetenv getenv
#define _tmain main
#define _tsplitpath _splitpath
#define _tsplitpath_s _splitpath_s
#define _tmakepath _makepath
#define _tmakepath_s _makepath_s
#define _tfsopen _fsopen
#define _tcslwr _strlwr
#define _tcsupr _strupr
#define _itot _itoa

#endif /* ISAPI_WIN32_TCHAR_H */
