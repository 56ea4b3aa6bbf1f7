/*
 * isapi_crt_stdio.h - the MSVC CRT's stdio and io.h extras: shared-mode fopen, fopen_s, the
 * length-only printf (_scprintf) and the OS handle of a C runtime file descriptor.
 */
#ifndef ISAPI_WIN32_ISAPI_CRT_STDIO_H
#define ISAPI_WIN32_ISAPI_CRT_STDIO_H

#include <stdio.h>

#include "isapi_crt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Sharing modes of _fsopen/_sopen. */
#define _SH_DENYRW 0x10
#define _SH_DENYWR 0x20
#define _SH_DENYRD 0x30
#define _SH_DENYNO 0x40
#define _SH_SECURE 0x80

/*
 * fopen with a sharing mode.  Linux has no mandatory sharing, so the mode is checked (an
 * unknown one is EINVAL through the invalid-parameter handler) and otherwise not enforced.
 * MSVC mode letters glibc lacks ('t', 'S', 'R', 'T', 'D', 'N', ccs=...) are accepted.
 */
ISAPI_WIN32_API FILE *_fsopen(const char *filename, const char *mode, int shflag);
/* 0 with *pFile set, or the errno value (*pFile NULL); EINVAL for NULL arguments. */
ISAPI_WIN32_API errno_t fopen_s(FILE **pFile, const char *filename, const char *mode);
/* The number of characters the format would produce (MSVC's printf dialect), -1 on error. */
ISAPI_WIN32_API int _scprintf(const char *format, ...);
ISAPI_WIN32_API int _vscprintf(const char *format, va_list argptr);
/* The runtime HANDLE of descriptor fd (the same one for every call with that fd while it stays
 * open; CloseHandle on it closes the fd), or -1 (INVALID_HANDLE_VALUE) with errno EBADF. */
ISAPI_WIN32_API intptr_t _get_osfhandle(int fd);

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_ISAPI_CRT_STDIO_H */
