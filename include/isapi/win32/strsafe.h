/*
 * strsafe.h - the StringCch and StringCb functions (ANSI) with the Windows SDK's results:
 * S_OK; STRSAFE_E_INSUFFICIENT_BUFFER after copying what fits, always NUL-terminated;
 * STRSAFE_E_INVALID_PARAMETER for a zero or too-large destination size.  Printf formats are
 * MSVC's (see isapi_crt.h).  Implemented in libisapi-win32, not inline.
 *
 * SPDX-License-Identifier: Apache-2.0. Extensions that include the isapi-fcgi headers or link
 * libisapi-runtime / libisapi-win32 may use any licence, proprietary ones included (see LICENSE
 * and docs/porting.md).
 */
#ifndef ISAPI_WIN32_STRSAFE_H
#define ISAPI_WIN32_STRSAFE_H

#include <stdarg.h>
#include <stddef.h>

#include "isapi_crt.h"

#ifdef __cplusplus
extern "C" {
#endif

#define STRSAFE_MAX_CCH 2147483647
#define STRSAFE_E_INSUFFICIENT_BUFFER ISAPI_SCAST_(HRESULT, 0x8007007Au)
#define STRSAFE_E_INVALID_PARAMETER ISAPI_SCAST_(HRESULT, 0x80070057u)
#define STRSAFE_E_END_OF_FILE ISAPI_SCAST_(HRESULT, 0x80070026u)

typedef char *STRSAFE_LPSTR;
typedef const char *STRSAFE_LPCSTR;

ISAPI_WIN32_API HRESULT StringCchCopyA(STRSAFE_LPSTR pszDest, size_t cchDest,
                                       STRSAFE_LPCSTR pszSrc);
ISAPI_WIN32_API HRESULT StringCchCopyNA(STRSAFE_LPSTR pszDest, size_t cchDest,
                                        STRSAFE_LPCSTR pszSrc, size_t cchToCopy);
ISAPI_WIN32_API HRESULT StringCchCatA(STRSAFE_LPSTR pszDest, size_t cchDest,
                                      STRSAFE_LPCSTR pszSrc);
ISAPI_WIN32_API HRESULT StringCchCatNA(STRSAFE_LPSTR pszDest, size_t cchDest,
                                       STRSAFE_LPCSTR pszSrc, size_t cchToAppend);
ISAPI_WIN32_API HRESULT StringCchPrintfA(STRSAFE_LPSTR pszDest, size_t cchDest,
                                         STRSAFE_LPCSTR pszFormat, ...);
ISAPI_WIN32_API HRESULT StringCchVPrintfA(STRSAFE_LPSTR pszDest, size_t cchDest,
                                          STRSAFE_LPCSTR pszFormat, va_list argList);
ISAPI_WIN32_API HRESULT StringCchLengthA(STRSAFE_LPCSTR psz, size_t cchMax, size_t *pcchLength);

/* For char strings a count of bytes is a count of characters. */
#define StringCbCopyA StringCchCopyA
#define StringCbCopyNA StringCchCopyNA
#define StringCbCatA StringCchCatA
#define StringCbCatNA StringCchCatNA
#define StringCbPrintfA StringCchPrintfA
#define StringCbVPrintfA StringCchVPrintfA
#define StringCbLengthA StringCchLengthA

#define StringCchCopy StringCchCopyA
#define StringCchCopyN StringCchCopyNA
#define StringCchCat StringCchCatA
#define StringCchCatN StringCchCatNA
#define StringCchPrintf StringCchPrintfA
#define StringCchVPrintf StringCchVPrintfA
#define StringCchLength StringCchLengthA
#define StringCbCopy StringCbCopyA
#define StringCbCopyN StringCbCopyNA
#define StringCbCat StringCbCatA
#define StringCbCatN StringCbCatNA
#define StringCbPrintf StringCbPrintfA
#define StringCbVPrintf StringCbVPrintfA
#define StringCbLength StringCbLengthA

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_STRSAFE_H */
