// Events, semaphores, mutexes, waits with timeouts, critical sections, Interlocked, TLS,
// threads and the work-item pool. Waits are bounded; no sleep stands in for an event.
#include <windows.h>
#include <process.h>

#include <gtest/gtest.h>

#include <cstring>

#include <atomic>
#include <chrono>
#include <filesystem>

namespace {

constexpr DWORD bounded = 10000;  // ms: long enough never to fire in a passing run

TEST(events, auto_reset_releases_one_wait_manual_stays_set) {
    HANDLE automatic = CreateEventA(nullptr, FALSE, TRUE, nullptr);
    HANDLE manual = CreateEventA(nullptr, TRUE, FALSE, nullptr);
    ASSERT_NE(automatic, nullptr);
    ASSERT_NE(manual, nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS));
    EXPECT_EQ(WaitForSingleObject(automatic, 0), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForSingleObject(automatic, 0), static_cast<DWORD>(WAIT_TIMEOUT));
    EXPECT_EQ(WaitForSingleObject(manual, 0), static_cast<DWORD>(WAIT_TIMEOUT));
    EXPECT_TRUE(SetEvent(manual));
    EXPECT_EQ(WaitForSingleObject(manual, 0), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForSingleObject(manual, 0), WAIT_OBJECT_0);
    EXPECT_TRUE(ResetEvent(manual));
    EXPECT_EQ(WaitForSingleObject(manual, 0), static_cast<DWORD>(WAIT_TIMEOUT));
    EXPECT_TRUE(CloseHandle(automatic));
    EXPECT_TRUE(CloseHandle(manual));
    EXPECT_FALSE(SetEvent(manual));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
}

TEST(waits, timeout_is_honoured) {
    HANDLE event = CreateEventA(nullptr, TRUE, FALSE, nullptr);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(WaitForSingleObject(event, 50), static_cast<DWORD>(WAIT_TIMEOUT));
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(50));
    CloseHandle(event);
}

TEST(waits, invalid_handles_and_counts_fail) {
    EXPECT_EQ(WaitForSingleObject(nullptr, 0), WAIT_FAILED);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
    HANDLE event = CreateEventA(nullptr, TRUE, TRUE, nullptr);
    EXPECT_EQ(WaitForMultipleObjects(0, &event, FALSE, 0), WAIT_FAILED);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    HANDLE twice[2] = {event, event};
    EXPECT_EQ(WaitForMultipleObjects(2, twice, TRUE, 0), WAIT_FAILED);
    EXPECT_EQ(WaitForMultipleObjects(2, twice, FALSE, 0), WAIT_OBJECT_0);
    CloseHandle(event);
}

TEST(waits, any_returns_the_lowest_signalled_index_all_waits_for_every_one) {
    HANDLE events[3];
    for (auto& e : events) e = CreateEventA(nullptr, TRUE, FALSE, nullptr);
    SetEvent(events[2]);
    SetEvent(events[1]);
    EXPECT_EQ(WaitForMultipleObjects(3, events, FALSE, 0), WAIT_OBJECT_0 + 1);
    EXPECT_EQ(WaitForMultipleObjects(3, events, TRUE, 0), static_cast<DWORD>(WAIT_TIMEOUT));
    HANDLE setter = CreateThread(
        nullptr, 0, [](LPVOID event) -> DWORD { return SetEvent(event) ? 0 : 1; }, events[0], 0,
        nullptr);
    EXPECT_EQ(WaitForMultipleObjects(3, events, TRUE, bounded), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForSingleObject(setter, bounded), WAIT_OBJECT_0);
    CloseHandle(setter);
    for (auto& e : events) CloseHandle(e);
}

TEST(waits, wait_all_takes_every_object_at_once) {
    HANDLE semaphore = CreateSemaphoreA(nullptr, 1, 1, nullptr);
    HANDLE event = CreateEventA(nullptr, FALSE, FALSE, nullptr);
    HANDLE both[2] = {semaphore, event};
    // Only one is signalled: a wait-all must not consume the semaphore.
    EXPECT_EQ(WaitForMultipleObjects(2, both, TRUE, 10), static_cast<DWORD>(WAIT_TIMEOUT));
    EXPECT_EQ(WaitForSingleObject(semaphore, 0), WAIT_OBJECT_0);
    CloseHandle(semaphore);
    CloseHandle(event);
}

TEST(semaphores, counts_maximum_and_previous_count) {
    EXPECT_EQ(CreateSemaphoreA(nullptr, 3, 2, nullptr), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    HANDLE semaphore = CreateSemaphoreA(nullptr, 2, 3, nullptr);
    ASSERT_NE(semaphore, nullptr);
    EXPECT_EQ(WaitForSingleObject(semaphore, 0), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForSingleObject(semaphore, 0), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForSingleObject(semaphore, 0), static_cast<DWORD>(WAIT_TIMEOUT));
    LONG previous = -1;
    EXPECT_TRUE(ReleaseSemaphore(semaphore, 2, &previous));
    EXPECT_EQ(previous, 0);
    EXPECT_FALSE(ReleaseSemaphore(semaphore, 2, &previous));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_TOO_MANY_POSTS));
    EXPECT_FALSE(ReleaseSemaphore(semaphore, 0, nullptr));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    CloseHandle(semaphore);
}

TEST(mutexes, recursive_ownership_and_not_owner) {
    HANDLE mutex = CreateMutexA(nullptr, TRUE, nullptr);
    ASSERT_NE(mutex, nullptr);
    EXPECT_EQ(WaitForSingleObject(mutex, 0), WAIT_OBJECT_0);  // the owner may re-enter
    HANDLE other = CreateThread(
        nullptr, 0,
        [](LPVOID m) -> DWORD {
            const DWORD wait = WaitForSingleObject(m, 0);
            const BOOL released = ReleaseMutex(m);
            return wait == WAIT_TIMEOUT && !released && GetLastError() == ERROR_NOT_OWNER ? 7 : 1;
        },
        mutex, 0, nullptr);
    ASSERT_EQ(WaitForSingleObject(other, bounded), WAIT_OBJECT_0);
    DWORD code = 0;
    EXPECT_TRUE(GetExitCodeThread(other, &code));
    EXPECT_EQ(code, 7u);
    EXPECT_TRUE(ReleaseMutex(mutex));
    EXPECT_TRUE(ReleaseMutex(mutex));
    EXPECT_FALSE(ReleaseMutex(mutex));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_NOT_OWNER));
    CloseHandle(other);
    CloseHandle(mutex);
}

TEST(named_objects, second_create_opens_the_same_object) {
    HANDLE first = CreateEventA(nullptr, TRUE, FALSE, "isapi-test-event");
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS));
    HANDLE second = CreateEventA(nullptr, TRUE, FALSE, "isapi-test-event");
    ASSERT_NE(second, nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_ALREADY_EXISTS));
    EXPECT_NE(first, second);
    SetEvent(first);
    EXPECT_EQ(WaitForSingleObject(second, 0), WAIT_OBJECT_0);
    EXPECT_EQ(CreateMutexA(nullptr, FALSE, "isapi-test-event"), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
    CloseHandle(first);
    CloseHandle(second);
}

TEST(handles, object_handles_are_runtime_handles_but_not_files) {
    HANDLE event = CreateEventA(nullptr, FALSE, FALSE, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(event) % 4, 0u);
    EXPECT_EQ(isapi_fd_from_handle(event), -1);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
    EXPECT_NE(isapi_object_from_handle(event), nullptr);
    EXPECT_TRUE(CloseHandle(event));
    EXPECT_FALSE(CloseHandle(event));
    EXPECT_FALSE(CloseHandle(INVALID_HANDLE_VALUE));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
}

TEST(critical_sections, recursive_and_exclusive_under_contention) {
    static CRITICAL_SECTION lock;
    static long counter = 0;
    InitializeCriticalSection(&lock);
    EnterCriticalSection(&lock);
    EnterCriticalSection(&lock);
    EXPECT_EQ(lock.RecursionCount, 2);
    EXPECT_TRUE(TryEnterCriticalSection(&lock));
    LeaveCriticalSection(&lock);
    LeaveCriticalSection(&lock);
    HANDLE probe = CreateThread(
        nullptr, 0, [](LPVOID) -> DWORD { return TryEnterCriticalSection(&lock) ? 1 : 0; }, nullptr,
        0, nullptr);
    WaitForSingleObject(probe, bounded);
    DWORD code = 9;
    GetExitCodeThread(probe, &code);
    EXPECT_EQ(code, 0u);  // held by this thread: another cannot enter
    CloseHandle(probe);
    LeaveCriticalSection(&lock);
    HANDLE workers[4];
    for (auto& w : workers) {
        w = CreateThread(
            nullptr, 0,
            [](LPVOID) -> DWORD {
                for (int i = 0; i < 20000; ++i) {
                    EnterCriticalSection(&lock);
                    ++counter;  // a plain increment: only the lock makes it exact
                    LeaveCriticalSection(&lock);
                }
                return 0;
            },
            nullptr, 0, nullptr);
    }
    EXPECT_EQ(WaitForMultipleObjects(4, workers, TRUE, 60000), WAIT_OBJECT_0);
    EXPECT_EQ(counter, 80000);
    for (auto& w : workers) CloseHandle(w);
    DeleteCriticalSection(&lock);
}

TEST(interlocked, return_values_as_documented) {
    volatile LONG value = 5;
    EXPECT_EQ(InterlockedIncrement(&value), 6);
    EXPECT_EQ(InterlockedDecrement(&value), 5);
    EXPECT_EQ(InterlockedExchange(&value, 9), 5);
    EXPECT_EQ(InterlockedExchangeAdd(&value, 3), 9);
    EXPECT_EQ(InterlockedCompareExchange(&value, 100, 11), 12);  // no match: unchanged
    EXPECT_EQ(value, 12);
    EXPECT_EQ(InterlockedCompareExchange(&value, 100, 12), 12);
    EXPECT_EQ(value, 100);
    PVOID volatile pointer = nullptr;
    int target = 0;
    EXPECT_EQ(InterlockedCompareExchangePointer(&pointer, &target, nullptr), nullptr);
    EXPECT_EQ(pointer, &target);
}

TEST(tls, values_are_per_thread_and_start_null) {
    const DWORD index = TlsAlloc();
    ASSERT_NE(index, TLS_OUT_OF_INDEXES);
    SetLastError(ERROR_INVALID_HANDLE);
    EXPECT_EQ(TlsGetValue(index), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS));  // cleared on success
    int mine = 1;
    EXPECT_TRUE(TlsSetValue(index, &mine));
    static DWORD shared_index;
    shared_index = index;
    HANDLE other = CreateThread(
        nullptr, 0, [](LPVOID) -> DWORD { return TlsGetValue(shared_index) == nullptr ? 0 : 1; },
        nullptr, 0, nullptr);
    WaitForSingleObject(other, bounded);
    DWORD code = 9;
    GetExitCodeThread(other, &code);
    EXPECT_EQ(code, 0u);
    CloseHandle(other);
    EXPECT_EQ(TlsGetValue(index), &mine);
    EXPECT_TRUE(TlsFree(index));
    EXPECT_EQ(TlsGetValue(index), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    EXPECT_FALSE(TlsSetValue(5000, nullptr));
}

TEST(threads, exit_code_id_suspend_and_exit_thread) {
    DWORD id = 0;
    HANDLE suspended = CreateThread(
        nullptr, 64 * 1024, [](LPVOID) -> DWORD { return 42; }, nullptr, CREATE_SUSPENDED, &id);
    ASSERT_NE(suspended, nullptr);
    EXPECT_NE(id, 0u);
    EXPECT_NE(id, GetCurrentThreadId());
    DWORD code = 0;
    EXPECT_TRUE(GetExitCodeThread(suspended, &code));
    EXPECT_EQ(code, static_cast<DWORD>(STILL_ACTIVE));
    EXPECT_EQ(WaitForSingleObject(suspended, 20), static_cast<DWORD>(WAIT_TIMEOUT));
    EXPECT_EQ(ResumeThread(suspended), 1u);
    EXPECT_EQ(WaitForSingleObject(suspended, bounded), WAIT_OBJECT_0);
    EXPECT_TRUE(GetExitCodeThread(suspended, &code));
    EXPECT_EQ(code, 42u);
    CloseHandle(suspended);
    HANDLE exits = CreateThread(
        nullptr, 0, [](LPVOID) -> DWORD { ExitThread(7); }, nullptr, 0, nullptr);
    EXPECT_EQ(WaitForSingleObject(exits, bounded), WAIT_OBJECT_0);
    EXPECT_TRUE(GetExitCodeThread(exits, &code));
    EXPECT_EQ(code, 7u);
    CloseHandle(exits);
    EXPECT_EQ(CreateThread(nullptr, 0, nullptr, nullptr, 0, nullptr), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
}

std::size_t task_count() {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) ++n;
    return n;
}

TEST(threads, a_satisfied_wait_means_the_thread_is_gone) {
    // A first thread, so runtimes that start a helper of their own with it (TSan's background
    // thread) have done so before the count.
    HANDLE warm = CreateThread(nullptr, 0, [](LPVOID) -> DWORD { return 0; }, nullptr, 0, nullptr);
    ASSERT_EQ(WaitForSingleObject(warm, bounded), WAIT_OBJECT_0);
    CloseHandle(warm);
    const std::size_t before = task_count();
    HANDLE threads[3];
    for (auto& t : threads) {
        t = CreateThread(nullptr, 0, [](LPVOID) -> DWORD { return 0; }, nullptr, 0, nullptr);
        ASSERT_NE(t, nullptr);
    }
    ASSERT_EQ(WaitForMultipleObjects(3, threads, TRUE, bounded), WAIT_OBJECT_0);
    // Joined, not merely signalled: no task of them is left (as a Windows thread is gone).
    EXPECT_EQ(task_count(), before);
    for (auto& t : threads) CloseHandle(t);
}

unsigned __stdcall crt_thread(void* argument) {
    *static_cast<int*>(argument) = 5;
    return 11;
}

TEST(threads, beginthreadex_returns_a_waitable_handle) {
    int result = 0;
    unsigned id = 0;
    const uintptr_t thread = _beginthreadex(nullptr, 0, crt_thread, &result, 0, &id);
    ASSERT_NE(thread, 0u);
    EXPECT_NE(id, 0u);
    HANDLE handle = reinterpret_cast<HANDLE>(thread);
    EXPECT_EQ(WaitForSingleObject(handle, bounded), WAIT_OBJECT_0);
    DWORD code = 0;
    GetExitCodeThread(handle, &code);
    EXPECT_EQ(code, 11u);
    EXPECT_EQ(result, 5);
    CloseHandle(handle);
}

TEST(work_items, run_on_pool_threads) {
    static std::atomic<int> done{0};
    static HANDLE finished;
    finished = CreateSemaphoreA(nullptr, 0, 100, nullptr);
    static DWORD caller;
    caller = GetCurrentThreadId();
    static std::atomic<int> foreign{0};
    for (int i = 0; i < 100; ++i) {
        ASSERT_TRUE(QueueUserWorkItem(
            [](PVOID) -> DWORD {
                if (GetCurrentThreadId() != caller) ++foreign;
                ++done;
                ReleaseSemaphore(finished, 1, nullptr);
                return 0;
            },
            nullptr, WT_EXECUTEDEFAULT));
    }
    for (int i = 0; i < 100; ++i) ASSERT_EQ(WaitForSingleObject(finished, bounded), WAIT_OBJECT_0);
    EXPECT_EQ(done.load(), 100);
    EXPECT_EQ(foreign.load(), 100);
    EXPECT_FALSE(QueueUserWorkItem(nullptr, nullptr, 0));
    CloseHandle(finished);
}

TEST(sleep, sleep_ex_returns_zero_and_waits) {
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(SleepEx(20, TRUE), 0u);
    Sleep(0);
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(20));
    EXPECT_TRUE(SwitchToThread());
    EXPECT_EQ(GetCurrentProcessId(), static_cast<DWORD>(getpid()));
}

}  // namespace
