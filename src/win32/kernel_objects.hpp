#pragma once
// Waitable objects (events, semaphores, mutexes, threads) behind HANDLEs of the runtime's
// table, and the wait functions over them.
//
// One process-wide wait lock guards the state of every object; a waiting thread registers its
// own condition variable with each object it waits for, and a signal wakes those waiters
// only. That keeps WaitForMultipleObjects(bWaitAll) atomic: all objects are checked and
// acquired under the one lock, as the Windows kernel does under its dispatcher lock.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include <isapi/win32/windows.h>

namespace isapi_fcgi::win32 {

struct waiter {
    std::condition_variable wake;
};

class kernel_object {
public:
    enum class kind { event, semaphore, mutex, thread, token, completion_port, process };

    explicit kernel_object(kind type) : type_(type) {}
    virtual ~kernel_object() = default;
    kernel_object(const kernel_object&) = delete;
    kernel_object& operator=(const kernel_object&) = delete;

    kind type() const noexcept { return type_; }

    /// Under wait_lock(): could a wait by thread `tid` be satisfied now?
    virtual bool signalled(DWORD tid) const = 0;
    /// Under wait_lock(): the wait by `tid` is satisfied; consume (auto-reset, count, owner).
    virtual void acquire(DWORD tid) = 0;

    /// Under wait_lock(): wakes the threads waiting for this object.
    void wake_waiters();

private:
    friend DWORD wait_for(std::span<const std::shared_ptr<kernel_object>>, bool, DWORD);
    kind type_;
    std::vector<waiter*> waiters_;
};

std::mutex& wait_lock();

/// WaitForSingleObject / WaitForMultipleObjects on resolved objects: WAIT_OBJECT_0 + index,
/// or WAIT_TIMEOUT.
DWORD wait_for(std::span<const std::shared_ptr<kernel_object>> objects, bool all,
               DWORD milliseconds);

/// A new handle for `object` (INVALID_HANDLE_VALUE-free: NULL with the last error set on
/// failure, as the Create* functions return).
HANDLE register_object(std::shared_ptr<kernel_object> object);
/// The object behind a handle, or null (the caller sets ERROR_INVALID_HANDLE).
std::shared_ptr<kernel_object> find_object(HANDLE handle);
/// Drops the handle; false when it names no object.
bool close_object(HANDLE handle);

/// A named object of the process-wide namespace: the existing one (`existed` true) or the
/// one `create` makes. Null when the name belongs to another kind of object.
std::shared_ptr<kernel_object> named_object(const char* name, kernel_object::kind type,
                                            bool& existed,
                                            std::shared_ptr<kernel_object> (*create)(void*),
                                            void* context);

template <typename T>
std::shared_ptr<T> find_as(HANDLE handle, kernel_object::kind type) {
    auto object = find_object(handle);
    if (!object || object->type() != type) return nullptr;
    return std::static_pointer_cast<T>(object);
}

}  // namespace isapi_fcgi::win32
