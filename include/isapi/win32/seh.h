/*
 * seh.h - structured exception handling (__try/__except/__finally/__leave) for gcc, in C and
 * C++ (included by windows.h).  docs/porting.md, "SEH", says what holds and what does not.
 *
 * How: __try records the place with sigsetjmp in a frame on a per-thread stack (without the
 * signal mask: the handler blocks nothing, so no system call per __try); a fault
 * (SIGSEGV, SIGBUS, SIGFPE, SIGILL) on a thread inside a __try jumps back there with the
 * exception's code and record, and the __except filter decides, as on Windows.
 * EXCEPTION_CONTINUE_SEARCH passes it to the enclosing __try; with none left, the signal goes
 * to the handler that was there before (the worker's crash report: the worker dies and the pool
 * replaces it).  A __finally block runs on a normal exit, on __leave and while a fault passes
 * through it.  Limits: locals changed inside __try and read afterwards must be volatile;
 * return, break, continue and goto out of a __try skip its __finally; C++ destructors of
 * objects inside the __try do not run when a fault jumps out; EXCEPTION_CONTINUE_EXECUTION is
 * treated as EXCEPTION_CONTINUE_SEARCH; a stack overflow is not caught.
 */
#ifndef ISAPI_WIN32_SEH_H
#define ISAPI_WIN32_SEH_H

#include <setjmp.h>

#include "winbase.h"

#if defined(__cplusplus) && !defined(ISAPI_WIN32_NO_SEH_KEYWORDS)
/* libstdc++ has its own __try (plain try); ours still works where it uses it (below). */
#include <exception>
#undef __try
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define EXCEPTION_EXECUTE_HANDLER 1
#define EXCEPTION_CONTINUE_SEARCH 0
#define EXCEPTION_CONTINUE_EXECUTION (-1)

#define EXCEPTION_ACCESS_VIOLATION ISAPI_SCAST_(DWORD, 0xC0000005L)
#define EXCEPTION_IN_PAGE_ERROR ISAPI_SCAST_(DWORD, 0xC0000006L)
#define EXCEPTION_ILLEGAL_INSTRUCTION ISAPI_SCAST_(DWORD, 0xC000001DL)
#define EXCEPTION_FLT_DIVIDE_BY_ZERO ISAPI_SCAST_(DWORD, 0xC000008EL)
#define EXCEPTION_FLT_INVALID_OPERATION ISAPI_SCAST_(DWORD, 0xC0000090L)
#define EXCEPTION_INT_DIVIDE_BY_ZERO ISAPI_SCAST_(DWORD, 0xC0000094L)
#define EXCEPTION_INT_OVERFLOW ISAPI_SCAST_(DWORD, 0xC0000095L)
#define EXCEPTION_STACK_OVERFLOW ISAPI_SCAST_(DWORD, 0xC00000FDL)
#define EXCEPTION_NONCONTINUABLE 0x1
#define EXCEPTION_MAXIMUM_PARAMETERS 15

typedef struct _EXCEPTION_RECORD {
    DWORD ExceptionCode;
    DWORD ExceptionFlags;
    struct _EXCEPTION_RECORD *ExceptionRecord;
    PVOID ExceptionAddress;
    DWORD NumberParameters;
    ULONG_PTR ExceptionInformation[EXCEPTION_MAXIMUM_PARAMETERS];
} EXCEPTION_RECORD, *PEXCEPTION_RECORD;

typedef struct _CONTEXT CONTEXT, *PCONTEXT; /* not provided: ContextRecord is NULL */

typedef struct _EXCEPTION_POINTERS {
    PEXCEPTION_RECORD ExceptionRecord;
    PCONTEXT ContextRecord;
} EXCEPTION_POINTERS, *PEXCEPTION_POINTERS, *LPEXCEPTION_POINTERS;

typedef LONG (WINAPI *PTOP_LEVEL_EXCEPTION_FILTER)(EXCEPTION_POINTERS *ExceptionInfo);
typedef PTOP_LEVEL_EXCEPTION_FILTER LPTOP_LEVEL_EXCEPTION_FILTER;

/* The exception being filtered or handled on this thread. */
ISAPI_WIN32_API DWORD WINAPI _exception_code(void);
ISAPI_WIN32_API LPEXCEPTION_POINTERS WINAPI _exception_info(void);
/* Object-like, as MSVC's <excpt.h> defines them: GetExceptionInformation() is the call, and
 * the bare names are what code (and the coverage probe) may take the type of. */
#define GetExceptionCode _exception_code
#define GetExceptionInformation _exception_info

/* Raises a software exception: the enclosing __except filters it; none: the worker aborts. */
ISAPI_WIN32_API VOID WINAPI RaiseException(DWORD dwExceptionCode, DWORD dwExceptionFlags,
                                           DWORD nNumberOfArguments,
                                           const ULONG_PTR *lpArguments);
/* Logs the exception and returns EXCEPTION_EXECUTE_HANDLER, as Windows does without a debugger. */
ISAPI_WIN32_API LONG WINAPI UnhandledExceptionFilter(EXCEPTION_POINTERS *ExceptionInfo);
/* Called for a fault outside every __try before the worker dies (its result is ignored). */
ISAPI_WIN32_API LPTOP_LEVEL_EXCEPTION_FILTER WINAPI
SetUnhandledExceptionFilter(LPTOP_LEVEL_EXCEPTION_FILTER lpTopLevelExceptionFilter);

/* ---- the machinery behind the keywords; not for direct use -------------------------------- */
typedef struct isapi_seh_frame_ {
    int pass;      /* 1: the __try body; 2: the __except/__finally part; 3: done */
    jmp_buf env; /* glibc's sigjmp_buf, which strict C modes do not name */
    struct isapi_seh_frame_ *outer;
    int pushed;
    int faulted;   /* a fault (or RaiseException) came here */
    int handled;   /* its __except executed the handler */
    int is_finally;
    EXCEPTION_RECORD record;
    EXCEPTION_POINTERS pointers;
} isapi_seh_frame_t;

ISAPI_WIN32_API int isapi_seh_push_(isapi_seh_frame_t *frame);
ISAPI_WIN32_API int isapi_seh_next_pass_(isapi_seh_frame_t *frame);
ISAPI_WIN32_API int isapi_seh_filter_(isapi_seh_frame_t *frame, int decision);
ISAPI_WIN32_API void isapi_seh_leave_(isapi_seh_frame_t *frame) __attribute__((noreturn));
ISAPI_WIN32_API void isapi_seh_cleanup_(isapi_seh_frame_t *frame);

#ifdef __cplusplus
}
struct isapi_seh_unreachable_ {};
/* After the body, a handler that never matches, so that libstdc++'s "__try {} __catch(x) {}"
 * and ours ("__try {} __except(f) {}") both make a complete statement. */
#define ISAPI_SEH_TRY_ try
#define ISAPI_SEH_END_TRY_ catch (const ::isapi_seh_unreachable_&) {}
#define ISAPI_SEH_ZERO_ {}
#else
#define ISAPI_SEH_TRY_
#define ISAPI_SEH_END_TRY_
#define ISAPI_SEH_ZERO_ {0}
#endif

#ifndef ISAPI_WIN32_NO_SEH_KEYWORDS /* libisapi-win32's own sources: the C++ keywords alone */
/* A nested __try's frame shadows the enclosing one on purpose: __leave and the filter mean the
 * innermost. */
#define __try                                                                                  \
    _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wshadow\"")           \
    for (isapi_seh_frame_t isapi_seh_frame_ __attribute__((cleanup(isapi_seh_cleanup_))) = ISAPI_SEH_ZERO_; \
         isapi_seh_next_pass_(&isapi_seh_frame_);)                                             \
    _Pragma("GCC diagnostic pop")                                                              \
        if (isapi_seh_frame_.pass == 1 && __sigsetjmp(isapi_seh_frame_.env, 0) == 0 &&           \
            isapi_seh_push_(&isapi_seh_frame_))                                                \
        ISAPI_SEH_TRY_
#define __except(...) /* a filter may be a comma expression */                               \
    ISAPI_SEH_END_TRY_                                                                         \
    else if (isapi_seh_frame_.faulted && isapi_seh_filter_(&isapi_seh_frame_, (__VA_ARGS__)))
#define __finally ISAPI_SEH_END_TRY_ else if ((isapi_seh_frame_.is_finally = 1))
#define __leave isapi_seh_leave_(&isapi_seh_frame_)
#define AbnormalTermination() (isapi_seh_frame_.faulted)
#define _abnormal_termination() (isapi_seh_frame_.faulted)
#endif

#endif /* ISAPI_WIN32_SEH_H */
