#pragma once
// Win32 SRW locks and condition variables with the std::mutex / std::condition_variable shape.
// Under Wine these wait on futexes inside the process; winpthreads' primitives behind std::mutex
// and std::condition_variable go through wineserver for every wake-up (~0.1-0.2 ms each), which
// dominated the worker's time under concurrent load.
#include <windows.h>

namespace isapi_fcgi::wine_worker {

class srw_mutex {
public:
    srw_mutex() = default;
    srw_mutex(const srw_mutex&) = delete;
    srw_mutex& operator=(const srw_mutex&) = delete;
    void lock() noexcept { AcquireSRWLockExclusive(&lock_); }
    void unlock() noexcept { ReleaseSRWLockExclusive(&lock_); }
    bool try_lock() noexcept { return TryAcquireSRWLockExclusive(&lock_) != FALSE; }
    SRWLOCK* native() noexcept { return &lock_; }

private:
    SRWLOCK lock_ = SRWLOCK_INIT;
};

class srw_condition {
public:
    srw_condition() = default;
    srw_condition(const srw_condition&) = delete;
    srw_condition& operator=(const srw_condition&) = delete;
    void notify_one() noexcept { WakeConditionVariable(&cv_); }
    void notify_all() noexcept { WakeAllConditionVariable(&cv_); }
    /// `lock` is a std::unique_lock<srw_mutex> (held).
    template <typename Lock, typename Predicate>
    void wait(Lock& lock, Predicate done) {
        while (!done()) SleepConditionVariableSRW(&cv_, lock.mutex()->native(), INFINITE, 0);
    }

private:
    CONDITION_VARIABLE cv_ = CONDITION_VARIABLE_INIT;
};

}  // namespace isapi_fcgi::wine_worker
