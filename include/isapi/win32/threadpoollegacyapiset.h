/*
 * threadpoollegacyapiset.h - timer-queue timers: a callback run after a delay, then
 * periodically, on a thread of its own (announced to every DllMain as the layer's other
 * threads are).  Only the default queue exists: TimerQueue must be NULL.
 */
#ifndef ISAPI_WIN32_THREADPOOLLEGACYAPISET_H
#define ISAPI_WIN32_THREADPOOLLEGACYAPISET_H

#include "winbase.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef VOID (CALLBACK *WAITORTIMERCALLBACK)(PVOID lpParameter, BOOLEAN TimerOrWaitFired);

#define WT_EXECUTEINTIMERTHREAD 0x00000020
#define WT_EXECUTEONLYONCE 0x00000008
#define WT_EXECUTEINPERSISTENTTHREAD 0x00000080

/* Callback(Parameter, TRUE) after DueTime ms, then every Period ms (0: once, as with
 * WT_EXECUTEONLYONCE).  A non-NULL TimerQueue fails with ERROR_INVALID_HANDLE. */
ISAPI_WIN32_API BOOL WINAPI CreateTimerQueueTimer(PHANDLE phNewTimer, HANDLE TimerQueue,
                                                  WAITORTIMERCALLBACK Callback, PVOID Parameter,
                                                  DWORD DueTime, DWORD Period, ULONG Flags);
/*
 * Cancels the timer.  CompletionEvent INVALID_HANDLE_VALUE waits for a running callback to
 * return; NULL does not, and reports ERROR_IO_PENDING (FALSE) when one was running; an event
 * handle is set once no callback runs any more.  From inside the timer's own callback it never
 * waits.
 */
ISAPI_WIN32_API BOOL WINAPI DeleteTimerQueueTimer(HANDLE TimerQueue, HANDLE Timer,
                                                  HANDLE CompletionEvent);

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_THREADPOOLLEGACYAPISET_H */
