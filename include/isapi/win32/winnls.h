/*
 * winnls.h - code-page conversion between bytes and UTF-16 (WCHAR is 16 bits here, never
 * wchar_t).  Code pages: CP_UTF8 (65001); CP_ACP, CP_OEMCP and CP_THREAD_ACP, which are UTF-8
 * on this system (as on Windows set to "use Unicode UTF-8"); 1252 (Windows Western); 28591
 * (ISO-8859-1); 20127 (US-ASCII).  Others fail with ERROR_INVALID_PARAMETER.
 *
 * SPDX-License-Identifier: Apache-2.0. Extensions that include the isapi-fcgi headers or link
 * libisapi-runtime / libisapi-win32 may use any licence, proprietary ones included (see LICENSE
 * and docs/porting.md).
 */
#ifndef ISAPI_WIN32_WINNLS_H
#define ISAPI_WIN32_WINNLS_H

#include "winbase.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CP_ACP 0
#define CP_OEMCP 1
#define CP_MACCP 2
#define CP_THREAD_ACP 3
#define CP_UTF7 65000
#define CP_UTF8 65001
#define MB_PRECOMPOSED 0x00000001
#define MB_COMPOSITE 0x00000002
#define MB_USEGLYPHCHARS 0x00000004
#define MB_ERR_INVALID_CHARS 0x00000008
#define WC_COMPOSITECHECK 0x00000200
#define WC_DISCARDNS 0x00000010
#define WC_SEPCHARS 0x00000020
#define WC_DEFAULTCHAR 0x00000040
#define WC_ERR_INVALID_CHARS 0x00000080
#define WC_NO_BEST_FIT_CHARS 0x00000400

/* Invalid input becomes U+FFFD unless MB_ERR_INVALID_CHARS: then 0 with
 * ERROR_NO_UNICODE_TRANSLATION.  cbMultiByte -1 converts through the NUL and counts it. */
ISAPI_WIN32_API int WINAPI MultiByteToWideChar(UINT CodePage, DWORD dwFlags,
                                               LPCSTR lpMultiByteStr, int cbMultiByte,
                                               LPWSTR lpWideCharStr, int cchWideChar);
ISAPI_WIN32_API int WINAPI WideCharToMultiByte(UINT CodePage, DWORD dwFlags,
                                               LPCWSTR lpWideCharStr, int cchWideChar,
                                               LPSTR lpMultiByteStr, int cbMultiByte,
                                               LPCSTR lpDefaultChar, LPBOOL lpUsedDefaultChar);
ISAPI_WIN32_API UINT WINAPI GetACP(VOID);

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_WINNLS_H */
