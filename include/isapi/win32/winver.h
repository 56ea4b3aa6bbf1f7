/*
 * winver.h - version resources.  A Linux shared object has no VERSIONINFO resource, so these
 * behave as Windows does for a DLL built without one: GetFileVersionInfoSize returns 0 and
 * GetFileVersionInfo FALSE, with ERROR_RESOURCE_TYPE_NOT_FOUND (ERROR_FILE_NOT_FOUND for a
 * missing file), and VerQueryValue finds nothing.
 */
#ifndef ISAPI_WIN32_WINVER_H
#define ISAPI_WIN32_WINVER_H

#include "winbase.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VS_FFI_SIGNATURE 0xFEEF04BDu
#define VS_FFI_STRUCVERSION 0x00010000
#define VS_FF_DEBUG 0x00000001
#define VOS_NT_WINDOWS32 0x00040004
#define VFT_DLL 0x00000002

typedef struct tagVS_FIXEDFILEINFO {
    DWORD dwSignature;
    DWORD dwStrucVersion;
    DWORD dwFileVersionMS;
    DWORD dwFileVersionLS;
    DWORD dwProductVersionMS;
    DWORD dwProductVersionLS;
    DWORD dwFileFlagsMask;
    DWORD dwFileFlags;
    DWORD dwFileOS;
    DWORD dwFileType;
    DWORD dwFileSubtype;
    DWORD dwFileDateMS;
    DWORD dwFileDateLS;
} VS_FIXEDFILEINFO;

ISAPI_WIN32_API DWORD WINAPI GetFileVersionInfoSizeA(LPCSTR lptstrFilename, LPDWORD lpdwHandle);
ISAPI_WIN32_API BOOL WINAPI GetFileVersionInfoA(LPCSTR lptstrFilename, DWORD dwHandle,
                                                DWORD dwLen, LPVOID lpData);
ISAPI_WIN32_API BOOL WINAPI VerQueryValueA(LPCVOID pBlock, LPCSTR lpSubBlock, LPVOID *lplpBuffer,
                                           PUINT puLen);
#define GetFileVersionInfoSize GetFileVersionInfoSizeA
#define GetFileVersionInfo GetFileVersionInfoA
#define VerQueryValue VerQueryValueA

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_WINVER_H */
