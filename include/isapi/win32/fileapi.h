/*
 * fileapi.h - file attributes, file information and directories, beyond CreateFile and the
 * read/write functions of winbase.h.  Paths may use '\\' (it becomes '/'); a drive letter is
 * not understood.  Linux's own metadata is translated: a name starting with '.' is HIDDEN, a
 * file nobody may write is READONLY, a symbolic link is a REPARSE_POINT; creation time is the
 * inode change time (Linux keeps no creation time for most file systems).
 */
#ifndef ISAPI_WIN32_FILEAPI_H
#define ISAPI_WIN32_FILEAPI_H

#include "winbase.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FILE_ATTRIBUTE_SYSTEM 0x00000004
#define FILE_ATTRIBUTE_DEVICE 0x00000040
#define FILE_ATTRIBUTE_SPARSE_FILE 0x00000200
#define FILE_ATTRIBUTE_REPARSE_POINT 0x00000400
#define FILE_ATTRIBUTE_COMPRESSED 0x00000800
#define FILE_ATTRIBUTE_OFFLINE 0x00001000
#define FILE_ATTRIBUTE_NOT_CONTENT_INDEXED 0x00002000
#define FILE_ATTRIBUTE_ENCRYPTED 0x00004000
#define INVALID_FILE_ATTRIBUTES ISAPI_SCAST_(DWORD, -1)
#define FILE_FLAG_POSIX_SEMANTICS 0x01000000
#define FILE_FLAG_OPEN_REPARSE_POINT 0x00200000
#define FILE_FLAG_OPEN_NO_RECALL 0x00100000

typedef enum _GET_FILEEX_INFO_LEVELS {
    GetFileExInfoStandard,
    GetFileExMaxInfoLevel
} GET_FILEEX_INFO_LEVELS;

typedef struct _WIN32_FILE_ATTRIBUTE_DATA {
    DWORD dwFileAttributes;
    FILETIME ftCreationTime;
    FILETIME ftLastAccessTime;
    FILETIME ftLastWriteTime;
    DWORD nFileSizeHigh;
    DWORD nFileSizeLow;
} WIN32_FILE_ATTRIBUTE_DATA, *LPWIN32_FILE_ATTRIBUTE_DATA;

typedef struct _BY_HANDLE_FILE_INFORMATION {
    DWORD dwFileAttributes;
    FILETIME ftCreationTime;
    FILETIME ftLastAccessTime;
    FILETIME ftLastWriteTime;
    DWORD dwVolumeSerialNumber;
    DWORD nFileSizeHigh;
    DWORD nFileSizeLow;
    DWORD nNumberOfLinks;
    DWORD nFileIndexHigh;
    DWORD nFileIndexLow;
} BY_HANDLE_FILE_INFORMATION, *PBY_HANDLE_FILE_INFORMATION, *LPBY_HANDLE_FILE_INFORMATION;

/* INVALID_FILE_ATTRIBUTES with ERROR_FILE_NOT_FOUND / ERROR_PATH_NOT_FOUND when missing. */
ISAPI_WIN32_API DWORD WINAPI GetFileAttributesA(LPCSTR lpFileName);
ISAPI_WIN32_API BOOL WINAPI GetFileAttributesExA(LPCSTR lpFileName,
                                                 GET_FILEEX_INFO_LEVELS fInfoLevelId,
                                                 LPVOID lpFileInformation);
/* dwVolumeSerialNumber is the device number, nFileIndex the inode number. */
ISAPI_WIN32_API BOOL WINAPI GetFileInformationByHandle(
    HANDLE hFile, LPBY_HANDLE_FILE_INFORMATION lpFileInformation);
/* Mode 0777 before the umask; ERROR_ALREADY_EXISTS for any existing name. */
ISAPI_WIN32_API BOOL WINAPI CreateDirectoryA(LPCSTR lpPathName,
                                             LPSECURITY_ATTRIBUTES lpSecurityAttributes);
ISAPI_WIN32_API BOOL WINAPI RemoveDirectoryA(LPCSTR lpPathName);
/*
 * "<path>\\<prefix of 3><hex>.TMP" as Windows builds it (path separator kept as given);
 * uUnique 0 creates a new unique empty file, otherwise only the name is built.  The result is
 * the number used; 0 with the last error on failure.  lpTempFileName holds MAX_PATH chars.
 */
ISAPI_WIN32_API UINT WINAPI GetTempFileNameA(LPCSTR lpPathName, LPCSTR lpPrefixString,
                                             UINT uUnique, LPSTR lpTempFileName);
/* CreateFileA on the UTF-8 spelling of lpFileName. */
ISAPI_WIN32_API HANDLE WINAPI CreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess,
                                          DWORD dwShareMode,
                                          LPSECURITY_ATTRIBUTES lpSecurityAttributes,
                                          DWORD dwCreationDisposition,
                                          DWORD dwFlagsAndAttributes, HANDLE hTemplateFile);
#define GetFileAttributes GetFileAttributesA
#define GetFileAttributesEx GetFileAttributesExA
#define CreateDirectory CreateDirectoryA
#define RemoveDirectory RemoveDirectoryA
#define GetTempFileName GetTempFileNameA

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_FILEAPI_H */
