// CRITICAL_SECTION: a recursive lock in the Windows structure itself (no allocation), built on
// a futex. LockCount is the lock word (0 free, 1 held, 2 held with waiters), OwningThread the
// owner's thread id, RecursionCount the owner's depth.
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

#include <isapi/win32/windows.h>

namespace {

HANDLE owner_value(DWORD tid) {
    return reinterpret_cast<HANDLE>(static_cast<std::uintptr_t>(tid));
}

void futex_wait(LONG* word, LONG expected) {
    ::syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, nullptr, nullptr, 0);
}

void futex_wake_one(LONG* word) {
    ::syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
}

bool owned_by_caller(LPCRITICAL_SECTION cs, DWORD tid) {
    return __atomic_load_n(&cs->OwningThread, __ATOMIC_RELAXED) == owner_value(tid);
}

void take(LPCRITICAL_SECTION cs, DWORD tid) {
    __atomic_store_n(&cs->OwningThread, owner_value(tid), __ATOMIC_RELAXED);
    cs->RecursionCount = 1;
}

}  // namespace

extern "C" {

VOID WINAPI InitializeCriticalSection(LPCRITICAL_SECTION lpCriticalSection) {
    std::memset(lpCriticalSection, 0, sizeof(*lpCriticalSection));
}

BOOL WINAPI InitializeCriticalSectionAndSpinCount(LPCRITICAL_SECTION lpCriticalSection,
                                                  DWORD dwSpinCount) {
    InitializeCriticalSection(lpCriticalSection);
    lpCriticalSection->SpinCount = dwSpinCount;
    return TRUE;
}

VOID WINAPI EnterCriticalSection(LPCRITICAL_SECTION lpCriticalSection) {
    const DWORD tid = GetCurrentThreadId();
    if (owned_by_caller(lpCriticalSection, tid)) {
        ++lpCriticalSection->RecursionCount;
        return;
    }
    LONG* word = &lpCriticalSection->LockCount;
    LONG expected = 0;
    if (!__atomic_compare_exchange_n(word, &expected, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
        // Contended: mark the word "with waiters" and sleep until it is handed over free.
        while (__atomic_exchange_n(word, 2, __ATOMIC_ACQUIRE) != 0) futex_wait(word, 2);
    }
    take(lpCriticalSection, tid);
}

BOOL WINAPI TryEnterCriticalSection(LPCRITICAL_SECTION lpCriticalSection) {
    const DWORD tid = GetCurrentThreadId();
    if (owned_by_caller(lpCriticalSection, tid)) {
        ++lpCriticalSection->RecursionCount;
        return TRUE;
    }
    LONG expected = 0;
    if (!__atomic_compare_exchange_n(&lpCriticalSection->LockCount, &expected, 1, false,
                                     __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
        return FALSE;
    }
    take(lpCriticalSection, tid);
    return TRUE;
}

VOID WINAPI LeaveCriticalSection(LPCRITICAL_SECTION lpCriticalSection) {
    if (!owned_by_caller(lpCriticalSection, GetCurrentThreadId())) return;  // not the owner
    if (--lpCriticalSection->RecursionCount > 0) return;
    __atomic_store_n(&lpCriticalSection->OwningThread, HANDLE{nullptr}, __ATOMIC_RELAXED);
    LONG* word = &lpCriticalSection->LockCount;
    if (__atomic_exchange_n(word, 0, __ATOMIC_RELEASE) == 2) futex_wake_one(word);
}

VOID WINAPI DeleteCriticalSection(LPCRITICAL_SECTION lpCriticalSection) {
    // Nothing is allocated; what remains is to make a later use fail loudly in tests.
    std::memset(lpCriticalSection, 0, sizeof(*lpCriticalSection));
}

}  // extern "C"
