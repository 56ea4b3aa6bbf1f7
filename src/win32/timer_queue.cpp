// Timer-queue timers: one thread per timer, sleeping on a condition variable until the due
// time or its deletion; the thread announces itself to the runtime (DLL_THREAD_ATTACH/DETACH).
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include <isapi/win32/windows.h>
#include <isapi/win32/threadpoollegacyapiset.h>

#include "win32/win32_error.hpp"

namespace {

using isapi_fcgi::win32::fail;
using clock_type = std::chrono::steady_clock;

struct queue_timer {
    WAITORTIMERCALLBACK callback = nullptr;
    PVOID parameter = nullptr;
    std::chrono::milliseconds due{0}, period{0};
    std::mutex mutex;
    std::condition_variable wake;
    bool cancelled = false;
    bool running = false;  // a callback is executing
    std::thread::id thread_id;
    std::thread thread;
};

struct timer_table {
    std::mutex mutex;
    std::map<HANDLE, std::shared_ptr<queue_timer>> timers;
};

timer_table& table() {
    static auto* instance = new timer_table();
    return *instance;
}

void run(const std::shared_ptr<queue_timer>& timer) {
    isapi_thread_attach();
    auto next = clock_type::now() + timer->due;
    std::unique_lock lock(timer->mutex);
    while (!timer->cancelled) {
        if (timer->wake.wait_until(lock, next, [&] { return timer->cancelled; })) break;
        timer->running = true;
        lock.unlock();
        timer->callback(timer->parameter, TRUE);
        lock.lock();
        timer->running = false;
        timer->wake.notify_all();
        if (timer->period.count() == 0) break;
        next += timer->period;
    }
    lock.unlock();
    isapi_thread_detach();
}

}  // namespace

extern "C" {

BOOL WINAPI CreateTimerQueueTimer(PHANDLE phNewTimer, HANDLE TimerQueue, WAITORTIMERCALLBACK Callback,
                                  PVOID Parameter, DWORD DueTime, DWORD Period, ULONG Flags) {
    if (phNewTimer == nullptr || Callback == nullptr) return fail(ERROR_INVALID_PARAMETER);
    if (TimerQueue != nullptr) return fail(ERROR_INVALID_HANDLE);
    auto timer = std::make_shared<queue_timer>();
    timer->callback = Callback;
    timer->parameter = Parameter;
    timer->due = std::chrono::milliseconds(DueTime);
    timer->period = std::chrono::milliseconds((Flags & WT_EXECUTEONLYONCE) ? 0 : Period);
    HANDLE handle = timer.get();
    {
        const std::lock_guard lock(table().mutex);
        table().timers.emplace(handle, timer);
    }
    try {
        const std::lock_guard lock(timer->mutex);
        timer->thread = std::thread(run, timer);
        timer->thread_id = timer->thread.get_id();
    } catch (const std::system_error&) {
        const std::lock_guard lock(table().mutex);
        table().timers.erase(handle);
        return fail(ERROR_NOT_ENOUGH_MEMORY);
    }
    *phNewTimer = handle;
    return TRUE;
}

BOOL WINAPI DeleteTimerQueueTimer(HANDLE TimerQueue, HANDLE Timer, HANDLE CompletionEvent) {
    if (TimerQueue != nullptr) return fail(ERROR_INVALID_HANDLE);
    std::shared_ptr<queue_timer> timer;
    {
        const std::lock_guard lock(table().mutex);
        const auto it = table().timers.find(Timer);
        if (it == table().timers.end()) return fail(ERROR_INVALID_PARAMETER);
        timer = it->second;
        table().timers.erase(it);
    }
    bool was_running = false;
    {
        const std::lock_guard lock(timer->mutex);
        timer->cancelled = true;
        was_running = timer->running;
        timer->wake.notify_all();
    }
    const bool own_thread = timer->thread_id == std::this_thread::get_id();
    if (CompletionEvent == INVALID_HANDLE_VALUE && !own_thread) {
        timer->thread.join();
        return TRUE;
    }
    timer->thread.detach();
    if (CompletionEvent != nullptr && CompletionEvent != INVALID_HANDLE_VALUE) {
        // Signalled from a helper once the callback (if any) has returned.
        std::thread([timer, CompletionEvent] {
            std::unique_lock lock(timer->mutex);
            timer->wake.wait(lock, [&] { return !timer->running; });
            lock.unlock();
            SetEvent(CompletionEvent);
        }).detach();
        return TRUE;
    }
    if (was_running) return fail(ERROR_IO_PENDING);
    return TRUE;
}

}  // extern "C"
