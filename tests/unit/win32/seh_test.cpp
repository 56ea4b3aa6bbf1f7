// SEH for gcc: faults and RaiseException reach the __except filter of the faulting thread,
// __finally and __leave, nesting, and a fault outside every __try still kills the process.
#include <windows.h>

#include <gtest/gtest.h>

#include <csignal>
#include <thread>

extern "C" DWORD seh_probe_c_fault(volatile int* p, int* finally_ran);

namespace {

int read_at(volatile int* p) {
    return *p;
}
// Unmapped addresses, not constants (so the compiler neither warns nor assumes).
volatile std::uintptr_t low_address = 8;
volatile int* nowhere(std::uintptr_t offset = 0) {
    return reinterpret_cast<volatile int*>(low_address + offset);
}
void write_at(volatile int* p) {
    *p = 1;
}
volatile int dividend = 1;
volatile int zero = 0;
volatile int quotient = 0;
void divide_by_zero() {
    quotient = dividend / zero;
}

struct seen {
    DWORD code = 0;
    ULONG_PTR kind = 99;
    ULONG_PTR address = 0;
};
// A filter that records what GetExceptionCode/GetExceptionInformation give it.
int remember(seen& out) {
    out.code = GetExceptionCode();
    out.kind = GetExceptionInformation()->ExceptionRecord->ExceptionInformation[0];
    out.address = GetExceptionInformation()->ExceptionRecord->ExceptionInformation[1];
    return EXCEPTION_EXECUTE_HANDLER;
}

TEST(seh, an_access_violation_reaches_the_filter_with_its_record) {
    seen what;
    volatile bool handled = false;
    volatile int* target = nowhere(8);
    __try {
        write_at(target);
    } __except (remember(what)) {
        handled = true;
    }
    EXPECT_TRUE(handled);
    EXPECT_EQ(what.code, EXCEPTION_ACCESS_VIOLATION);
    EXPECT_EQ(what.kind, 1u);  // a write
    EXPECT_EQ(what.address, 0x10u);
}

TEST(seh, other_faults_have_their_codes) {
    volatile DWORD code = 0;
    __try {
        divide_by_zero();
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        code = GetExceptionCode();
    }
    EXPECT_EQ(code, EXCEPTION_INT_DIVIDE_BY_ZERO);
}

TEST(seh, continue_search_goes_outward_through_finally_blocks) {
    volatile int order = 0, finally_at = 0, outer_at = 0;
    __try {
        __try {
            __try {
                read_at(nowhere());
            } __finally {
                order = order + 1;
                finally_at = order;
                EXPECT_TRUE(AbnormalTermination());
            }
        } __except (EXCEPTION_CONTINUE_SEARCH) {
            ADD_FAILURE() << "a filter that searches on does not handle";
        }
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        order = order + 1;
        outer_at = order;
    }
    EXPECT_EQ(finally_at, 1);
    EXPECT_EQ(outer_at, 2);
}

TEST(seh, finally_runs_on_normal_exit_and_leave) {
    volatile int body = 0, after_leave = 0, finally_count = 0;
    __try {
        body = 1;
    } __finally {
        finally_count = finally_count + 1;
        EXPECT_FALSE(AbnormalTermination());
    }
    __try {
        __leave;
        after_leave = 1;
    } __finally {
        finally_count = finally_count + 1;
    }
    volatile bool handler = false;
    __try {
        __leave;
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        handler = true;
    }
    EXPECT_EQ(body, 1);
    EXPECT_EQ(after_leave, 0);
    EXPECT_EQ(finally_count, 2);
    EXPECT_FALSE(handler);
}

TEST(seh, raise_exception_carries_its_arguments) {
    const ULONG_PTR arguments[2] = {7, 11};
    volatile DWORD code = 0;
    volatile ULONG_PTR sum = 0;
    __try {
        RaiseException(0xE0001234, 0, 2, arguments);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        code = GetExceptionCode();
        const auto* record = GetExceptionInformation()->ExceptionRecord;
        sum = record->NumberParameters == 2 ? record->ExceptionInformation[0] + record->ExceptionInformation[1] : 0;
    }
    EXPECT_EQ(code, 0xE0001234u);
    EXPECT_EQ(sum, 18u);
}

TEST(seh, each_thread_has_its_own_frames) {
    volatile int handled_here = 0;
    std::thread other([] {
        volatile int handled_there = 0;
        __try {
            read_at(nowhere());
        } __except (EXCEPTION_EXECUTE_HANDLER) {
            handled_there = 1;
        }
        EXPECT_EQ(handled_there, 1);
    });
    __try {
        other.join();
        read_at(nowhere());
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        handled_here = 1;
    }
    EXPECT_EQ(handled_here, 1);
}

TEST(seh, works_in_c) {
    int finally_ran = 0;
    EXPECT_EQ(seh_probe_c_fault(nullptr, &finally_ran), EXCEPTION_ACCESS_VIOLATION);
    EXPECT_EQ(finally_ran, 1);
}

DWORD returns_from_inside_a_try() {
    __try {
        return 5;
    } __except (EXCEPTION_EXECUTE_HANDLER) {
    }
    return 0;
}

TEST(seh_death, a_fault_outside_every_try_still_kills) {
    // A return out of a __try left no frame behind to jump into.
    EXPECT_EXIT(
        {
            returns_from_inside_a_try();
            read_at(nowhere());
        },
        ::testing::KilledBySignal(SIGSEGV), "");
    // A filter that searches on with no outer __try: the process dies of the fault.
    EXPECT_EXIT(
        {
            __try {
                read_at(nowhere());
            } __except (EXCEPTION_CONTINUE_SEARCH) {
            }
        },
        ::testing::KilledBySignal(SIGSEGV), "");
}

}  // namespace
