/* SEH compiled as C: what an IIS-era C extension writes. */
#include <windows.h>

static int touch(volatile int *p) { return *p; }

DWORD seh_probe_c_fault(volatile int *p, int *finally_ran)
{
    volatile DWORD code = 0;
    __try {
        __try {
            touch(p);
        } __finally {
            *finally_ran = 1;
        }
    } __except (GetExceptionCode() == EXCEPTION_ACCESS_VIOLATION ? EXCEPTION_EXECUTE_HANDLER
                                                                : EXCEPTION_CONTINUE_SEARCH) {
        code = GetExceptionCode();
    }
    return code;
}
