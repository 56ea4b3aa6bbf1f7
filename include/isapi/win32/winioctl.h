/*
 * winioctl.h - device I/O control codes.  DeviceIoControl exists so that code reading NTFS
 * reparse points links and runs, but Linux has no such control path: every call fails with
 * ERROR_NOT_SUPPORTED (the first one per extension is logged).
 */
#ifndef ISAPI_WIN32_WINIOCTL_H
#define ISAPI_WIN32_WINIOCTL_H

#include "winbase.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FILE_DEVICE_FILE_SYSTEM 0x00000009
#define METHOD_BUFFERED 0
#define METHOD_NEITHER 3
#define FILE_ANY_ACCESS 0
#define FILE_SPECIAL_ACCESS 0
#define CTL_CODE(device, function, method, access)                                             \
    (((device) << 16) | ((access) << 14) | ((function) << 2) | (method))
#define FSCTL_SET_REPARSE_POINT                                                                \
    CTL_CODE(FILE_DEVICE_FILE_SYSTEM, 41, METHOD_BUFFERED, FILE_SPECIAL_ACCESS)
#define FSCTL_GET_REPARSE_POINT                                                                \
    CTL_CODE(FILE_DEVICE_FILE_SYSTEM, 42, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define FSCTL_DELETE_REPARSE_POINT                                                             \
    CTL_CODE(FILE_DEVICE_FILE_SYSTEM, 43, METHOD_BUFFERED, FILE_SPECIAL_ACCESS)
#define IO_REPARSE_TAG_MOUNT_POINT 0xA0000003u
#define IO_REPARSE_TAG_SYMLINK 0xA000000Cu
#define MAXIMUM_REPARSE_DATA_BUFFER_SIZE (16 * 1024)

ISAPI_WIN32_API BOOL WINAPI DeviceIoControl(HANDLE hDevice, DWORD dwIoControlCode,
                                            LPVOID lpInBuffer, DWORD nInBufferSize,
                                            LPVOID lpOutBuffer, DWORD nOutBufferSize,
                                            LPDWORD lpBytesReturned, LPOVERLAPPED lpOverlapped);

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_WINIOCTL_H */
