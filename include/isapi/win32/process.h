/*
 * process.h - the MSVC CRT's thread start functions, which many extensions use instead of
 * CreateThread.  The result is a thread HANDLE as CreateThread's (close it with CloseHandle).
 *
 * SPDX-License-Identifier: Apache-2.0. Extensions that include the isapi-fcgi headers or link
 * libisapi-runtime / libisapi-win32 may use any licence, proprietary ones included (see LICENSE
 * and docs/porting.md).
 */
#ifndef ISAPI_WIN32_PROCESS_H
#define ISAPI_WIN32_PROCESS_H

#include <stdint.h>
#include <unistd.h>

#include "winbase.h"

#ifdef __cplusplus
extern "C" {
#endif

ISAPI_WIN32_API uintptr_t _beginthreadex(void *security, unsigned stack_size,
                                         unsigned (__stdcall *start_address)(void *),
                                         void *arglist, unsigned initflag, unsigned *thrdaddr);
ISAPI_WIN32_API __attribute__((noreturn)) void _endthreadex(unsigned retval);
/* Ends the calling thread as _endthreadex(0) does. */
ISAPI_WIN32_API __attribute__((noreturn)) void _endthread(void);
#define _getpid getpid

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_PROCESS_H */
