// QueueUserWorkItem: a bounded queue served by up to max_threads threads, started as items
// arrive and kept afterwards (as the Windows pool keeps its threads). Each thread notifies the
// runtime, so DllMain sees its DLL_THREAD_ATTACH. The pool is never destroyed: an item may
// still run while the process exits.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <isapi/win32/windows.h>

#include "win32/win32_error.hpp"

namespace {

using isapi_fcgi::win32::fail;

constexpr std::size_t max_threads = 64;
constexpr std::size_t max_queued = 65536;

struct item {
    LPTHREAD_START_ROUTINE function;
    PVOID context;
};

class work_pool {
public:
    bool submit(item work) {
        std::lock_guard lock(mutex_);
        if (queue_.size() >= max_queued) return false;
        queue_.push_back(work);
        if (idle_ < queue_.size() && threads_ < max_threads) {
            try {
                std::thread([this] { serve(); }).detach();
                ++threads_;
            } catch (const std::system_error&) {
                if (threads_ == 0) {
                    queue_.pop_back();
                    return false;
                }
            }
        }
        ready_.notify_one();
        return true;
    }

private:
    void serve() {
        isapi_thread_attach();
        std::unique_lock lock(mutex_);
        for (;;) {
            ++idle_;
            ready_.wait(lock, [this] { return !queue_.empty(); });
            --idle_;
            const item work = queue_.front();
            queue_.pop_front();
            lock.unlock();
            work.function(work.context);
            lock.lock();
        }
    }

    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<item> queue_;
    std::size_t threads_ = 0;
    std::size_t idle_ = 0;
};

work_pool& pool() {
    static auto* instance = new work_pool();
    return *instance;
}

}  // namespace

extern "C" BOOL WINAPI QueueUserWorkItem(LPTHREAD_START_ROUTINE Function, PVOID Context, ULONG) {
    if (Function == nullptr) return fail(ERROR_INVALID_PARAMETER);
    try {
        if (!pool().submit(item{Function, Context})) return fail(ERROR_NOT_ENOUGH_MEMORY);
    } catch (const std::bad_alloc&) {
        return fail(ERROR_NOT_ENOUGH_MEMORY);
    }
    return TRUE;
}
