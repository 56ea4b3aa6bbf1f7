/* debugapi.h - debugger presence and breakpoints. */
#ifndef ISAPI_WIN32_DEBUGAPI_H
#define ISAPI_WIN32_DEBUGAPI_H

#include "winbase.h"

#ifdef __cplusplus
extern "C" {
#endif

/* TRUE when a debugger (any ptrace tracer: gdb, strace) is attached to the process. */
ISAPI_WIN32_API BOOL WINAPI IsDebuggerPresent(VOID);
/* A breakpoint trap (SIGTRAP): stops in an attached debugger; without one it ends the worker,
 * as an unhandled breakpoint exception ends a Windows process, and the pool replaces it. */
ISAPI_WIN32_API VOID WINAPI DebugBreak(VOID);

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_DEBUGAPI_H */
