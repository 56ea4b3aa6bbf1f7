// Events, semaphores and mutexes; the wait functions; CloseHandle for every kind of handle.
#include <unistd.h>

#include <set>

#include <isapi/win32/windows.h>

#include "win32/completion_port.hpp"
#include "win32/handle_inheritance.hpp"
#include "win32/kernel_objects.hpp"
#include "win32/overlapped_io.hpp"
#include "win32/win32_error.hpp"

namespace {

using isapi_fcgi::win32::fail;
using isapi_fcgi::win32::kernel_object;
using isapi_fcgi::win32::wait_lock;

class event final : public kernel_object {
public:
    event(bool manual, bool state) : kernel_object(kind::event), manual_(manual), state_(state) {}
    bool signalled(DWORD) const override { return state_; }
    void acquire(DWORD) override {
        if (!manual_) state_ = false;
    }
    void set(bool state) {
        state_ = state;
        if (state) wake_waiters();
    }

private:
    bool manual_;
    bool state_;
};

class semaphore final : public kernel_object {
public:
    semaphore(LONG count, LONG maximum)
        : kernel_object(kind::semaphore), count_(count), maximum_(maximum) {}
    bool signalled(DWORD) const override { return count_ > 0; }
    void acquire(DWORD) override { --count_; }
    bool release(LONG n, LONG* previous) {
        if (n > maximum_ - count_) return false;
        if (previous != nullptr) *previous = count_;
        count_ += n;
        wake_waiters();
        return true;
    }

private:
    LONG count_;
    LONG maximum_;
};

class mutex_object final : public kernel_object {
public:
    explicit mutex_object(DWORD owner) : kernel_object(kind::mutex), owner_(owner), depth_(owner ? 1 : 0) {}
    bool signalled(DWORD tid) const override { return owner_ == 0 || owner_ == tid; }
    void acquire(DWORD tid) override {
        owner_ = tid;
        ++depth_;
    }
    bool release(DWORD tid) {
        if (owner_ != tid || depth_ == 0) return false;
        if (--depth_ == 0) {
            owner_ = 0;
            wake_waiters();
        }
        return true;
    }

private:
    DWORD owner_;
    unsigned depth_;
};

struct event_args {
    bool manual;
    bool state;
};
struct semaphore_args {
    LONG count;
    LONG maximum;
};

std::shared_ptr<kernel_object> make_event(void* context) {
    const auto* args = static_cast<event_args*>(context);
    return std::make_shared<event>(args->manual, args->state);
}
std::shared_ptr<kernel_object> make_semaphore(void* context) {
    const auto* args = static_cast<semaphore_args*>(context);
    return std::make_shared<semaphore>(args->count, args->maximum);
}
std::shared_ptr<kernel_object> make_mutex(void* context) {
    return std::make_shared<mutex_object>(*static_cast<DWORD*>(context));
}

// Create* for a possibly named object: a handle, with ERROR_ALREADY_EXISTS when the name was
// taken by an object of the same kind, and the last error cleared otherwise (Windows does,
// so callers can test GetLastError() == ERROR_ALREADY_EXISTS after any Create*).
HANDLE create(const char* name, kernel_object::kind type,
              std::shared_ptr<kernel_object> (*make)(void*), void* args) {
    bool existed = false;
    std::shared_ptr<kernel_object> object;
    try {
        object = isapi_fcgi::win32::named_object(name, type, existed, make, args);
    } catch (const std::bad_alloc&) {
        return fail(ERROR_NOT_ENOUGH_MEMORY, HANDLE{nullptr});
    }
    if (!object) return fail(ERROR_INVALID_HANDLE, HANDLE{nullptr});
    HANDLE handle = isapi_fcgi::win32::register_object(std::move(object));
    if (handle != nullptr) SetLastError(existed ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS);
    return handle;
}

DWORD wait_handles(DWORD count, const HANDLE* handles, BOOL wait_all, DWORD milliseconds) {
    if (count == 0 || count > MAXIMUM_WAIT_OBJECTS || handles == nullptr) {
        return fail(ERROR_INVALID_PARAMETER, WAIT_FAILED);
    }
    std::vector<std::shared_ptr<kernel_object>> objects;
    objects.reserve(count);
    for (DWORD i = 0; i < count; ++i) {
        auto object = isapi_fcgi::win32::find_object(handles[i]);
        if (!object) return fail(ERROR_INVALID_HANDLE, WAIT_FAILED);
        objects.push_back(std::move(object));
    }
    if (wait_all) {
        // Windows refuses the same object twice in a wait-all.
        std::set<kernel_object*> distinct;
        for (const auto& o : objects) distinct.insert(o.get());
        if (distinct.size() != objects.size()) return fail(ERROR_INVALID_PARAMETER, WAIT_FAILED);
    }
    return isapi_fcgi::win32::wait_for(objects, wait_all != FALSE, milliseconds);
}

BOOL set_event_state(HANDLE handle, bool state) {
    auto e = isapi_fcgi::win32::find_as<event>(handle, kernel_object::kind::event);
    if (!e) return fail(ERROR_INVALID_HANDLE);
    std::lock_guard lock(wait_lock());
    e->set(state);
    return TRUE;
}

}  // namespace

extern "C" {

HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES, BOOL bManualReset, BOOL bInitialState,
                           LPCSTR lpName) {
    event_args args{bManualReset != FALSE, bInitialState != FALSE};
    return create(lpName, kernel_object::kind::event, make_event, &args);
}

BOOL WINAPI SetEvent(HANDLE hEvent) {
    return set_event_state(hEvent, true);
}

BOOL WINAPI ResetEvent(HANDLE hEvent) {
    return set_event_state(hEvent, false);
}

HANDLE WINAPI CreateSemaphoreA(LPSECURITY_ATTRIBUTES, LONG lInitialCount, LONG lMaximumCount,
                               LPCSTR lpName) {
    if (lMaximumCount <= 0 || lInitialCount < 0 || lInitialCount > lMaximumCount) {
        return fail(ERROR_INVALID_PARAMETER, HANDLE{nullptr});
    }
    semaphore_args args{lInitialCount, lMaximumCount};
    return create(lpName, kernel_object::kind::semaphore, make_semaphore, &args);
}

BOOL WINAPI ReleaseSemaphore(HANDLE hSemaphore, LONG lReleaseCount, LPLONG lpPreviousCount) {
    auto s = isapi_fcgi::win32::find_as<semaphore>(hSemaphore, kernel_object::kind::semaphore);
    if (!s) return fail(ERROR_INVALID_HANDLE);
    if (lReleaseCount <= 0) return fail(ERROR_INVALID_PARAMETER);
    std::lock_guard lock(wait_lock());
    if (!s->release(lReleaseCount, lpPreviousCount)) return fail(ERROR_TOO_MANY_POSTS);
    return TRUE;
}

HANDLE WINAPI CreateMutexA(LPSECURITY_ATTRIBUTES, BOOL bInitialOwner, LPCSTR lpName) {
    DWORD owner = bInitialOwner ? GetCurrentThreadId() : 0;
    // For an existing named mutex bInitialOwner is ignored, as on Windows.
    return create(lpName, kernel_object::kind::mutex, make_mutex, &owner);
}

BOOL WINAPI ReleaseMutex(HANDLE hMutex) {
    auto m = isapi_fcgi::win32::find_as<mutex_object>(hMutex, kernel_object::kind::mutex);
    if (!m) return fail(ERROR_INVALID_HANDLE);
    std::lock_guard lock(wait_lock());
    if (!m->release(GetCurrentThreadId())) return fail(ERROR_NOT_OWNER);
    return TRUE;
}

DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds) {
    return wait_handles(1, &hHandle, FALSE, dwMilliseconds);
}

DWORD WINAPI WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL) {
    return wait_handles(1, &hHandle, FALSE, dwMilliseconds);
}

DWORD WINAPI WaitForMultipleObjects(DWORD nCount, const HANDLE* lpHandles, BOOL bWaitAll,
                                    DWORD dwMilliseconds) {
    return wait_handles(nCount, lpHandles, bWaitAll, dwMilliseconds);
}

DWORD WINAPI WaitForMultipleObjectsEx(DWORD nCount, const HANDLE* lpHandles, BOOL bWaitAll,
                                      DWORD dwMilliseconds, BOOL) {
    return wait_handles(nCount, lpHandles, bWaitAll, dwMilliseconds);
}

BOOL WINAPI CloseHandle(HANDLE hObject) {
    if (auto port = isapi_fcgi::win32::find_as<isapi_fcgi::win32::completion_port>(
            hObject, kernel_object::kind::completion_port)) {
        port->close();
    }
    if (isapi_fcgi::win32::close_object(hObject)) {
        isapi_fcgi::win32::forget_handle_flags(hObject);
        return TRUE;
    }
    const int fd = isapi_handle_release(hObject);
    if (fd < 0) return fail(ERROR_INVALID_HANDLE);
    isapi_fcgi::win32::forget_handle(hObject);
    isapi_fcgi::win32::forget_handle_flags(hObject);
    ::close(fd);
    return TRUE;
}

}  // extern "C"
