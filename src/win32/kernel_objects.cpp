#include "win32/kernel_objects.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <unordered_map>

#include "win32/win32_error.hpp"

namespace isapi_fcgi::win32 {
namespace {

struct object_table {
    std::mutex mutex;
    std::unordered_map<HANDLE, std::shared_ptr<kernel_object>> by_handle;
    std::map<std::string, std::weak_ptr<kernel_object>> by_name;
};

object_table& table() {
    static auto* instance = new object_table();
    return *instance;
}

}  // namespace

std::mutex& wait_lock() {
    static auto* lock = new std::mutex();
    return *lock;
}

void kernel_object::wake_waiters() {
    for (waiter* w : waiters_) w->wake.notify_one();
}

DWORD wait_for(std::span<const std::shared_ptr<kernel_object>> objects, bool all,
               DWORD milliseconds) {
    const DWORD tid = GetCurrentThreadId();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(milliseconds);
    waiter self;
    bool registered = false;
    DWORD result = WAIT_TIMEOUT;
    std::unique_lock lock(wait_lock());
    for (;;) {
        if (all) {
            const bool ready = std::all_of(objects.begin(), objects.end(),
                                           [tid](const auto& o) { return o->signalled(tid); });
            if (ready) {
                for (const auto& o : objects) o->acquire(tid);
                result = WAIT_OBJECT_0;
                break;
            }
        } else {
            const auto it = std::find_if(objects.begin(), objects.end(),
                                         [tid](const auto& o) { return o->signalled(tid); });
            if (it != objects.end()) {
                (*it)->acquire(tid);
                result = WAIT_OBJECT_0 + static_cast<DWORD>(it - objects.begin());
                break;
            }
        }
        if (milliseconds == 0
            || (milliseconds != INFINITE && std::chrono::steady_clock::now() >= deadline)) {
            break;
        }
        if (!registered) {
            for (const auto& o : objects) o->waiters_.push_back(&self);
            registered = true;
        }
        if (milliseconds == INFINITE) {
            self.wake.wait(lock);
        } else {
            self.wake.wait_until(lock, deadline);
        }
    }
    if (registered) {
        for (const auto& o : objects) std::erase(o->waiters_, &self);
    }
    return result;
}

HANDLE register_object(std::shared_ptr<kernel_object> object) {
    object_table& t = table();
    std::lock_guard lock(t.mutex);
    HANDLE handle = isapi_handle_register_object(object.get());
    if (handle == INVALID_HANDLE_VALUE) return nullptr;  // last error set by the runtime
    try {
        t.by_handle.emplace(handle, std::move(object));
    } catch (const std::bad_alloc&) {
        isapi_handle_release_object(handle);
        return fail(ERROR_NOT_ENOUGH_MEMORY, HANDLE{nullptr});
    }
    return handle;
}

std::shared_ptr<kernel_object> find_object(HANDLE handle) {
    object_table& t = table();
    std::lock_guard lock(t.mutex);
    const auto it = t.by_handle.find(handle);
    return it == t.by_handle.end() ? nullptr : it->second;
}

bool close_object(HANDLE handle) {
    std::shared_ptr<kernel_object> last;  // destroyed after the lock is released
    object_table& t = table();
    std::lock_guard lock(t.mutex);
    const auto it = t.by_handle.find(handle);
    if (it == t.by_handle.end()) return false;
    isapi_handle_release_object(handle);
    last = std::move(it->second);
    t.by_handle.erase(it);
    return true;
}

std::shared_ptr<kernel_object> named_object(const char* name, kernel_object::kind type,
                                            bool& existed,
                                            std::shared_ptr<kernel_object> (*create)(void*),
                                            void* context) {
    existed = false;
    if (name == nullptr || name[0] == '\0') return create(context);
    object_table& t = table();
    std::lock_guard lock(t.mutex);
    auto& slot = t.by_name[name];
    if (auto known = slot.lock()) {
        if (known->type() != type) return nullptr;
        existed = true;
        return known;
    }
    auto made = create(context);
    slot = made;
    return made;
}

}  // namespace isapi_fcgi::win32
