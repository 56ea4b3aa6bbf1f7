/*
 * shlwapi.h - the path helpers of the shell light-weight API that extensions call.  They work
 * on Windows spellings ('\\' separators, which they keep) and on Linux ones ('/'), whichever
 * the path uses.  Buffers are MAX_PATH characters, as the Windows functions assume.
 */
#ifndef ISAPI_WIN32_SHLWAPI_H
#define ISAPI_WIN32_SHLWAPI_H

#include "winbase.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Appends pszMore with one separator between; FALSE when the result exceeds MAX_PATH. */
ISAPI_WIN32_API BOOL WINAPI PathAppendA(LPSTR pszPath, LPCSTR pszMore);
/* Drops the last element and its separator; TRUE when something was removed. */
ISAPI_WIN32_API BOOL WINAPI PathRemoveFileSpecA(LPSTR pszPath);
/* The absolute form of pszPath (relative names against the current directory, "." and ".."
 * folded), or pszPath found on $PATH when it is a bare name that exists there. */
ISAPI_WIN32_API BOOL WINAPI PathSearchAndQualifyA(LPCSTR pszPath, LPSTR pszBuf, UINT cchBuf);
ISAPI_WIN32_API BOOL WINAPI PathFileExistsA(LPCSTR pszPath);
#define PathAppend PathAppendA
#define PathRemoveFileSpec PathRemoveFileSpecA
#define PathSearchAndQualify PathSearchAndQualifyA
#define PathFileExists PathFileExistsA

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_SHLWAPI_H */
