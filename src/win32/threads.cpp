// CreateThread and the thread functions around it. Each thread notifies the runtime, so every
// attached DllMain sees DLL_THREAD_ATTACH before the start routine and DLL_THREAD_DETACH after
// it (or at ExitThread); the thread's handle is signalled after that, as on Windows.
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <limits.h>
#include <memory>

#include <isapi/win32/process.h>
#include <isapi/win32/windows.h>

#include "win32/kernel_objects.hpp"
#include "win32/win32_error.hpp"

namespace {

using isapi_fcgi::win32::fail;
using isapi_fcgi::win32::kernel_object;
using isapi_fcgi::win32::wait_lock;

// Pseudo-handles, as Windows defines them: they name the caller and need no CloseHandle.
HANDLE const current_process_handle = reinterpret_cast<HANDLE>(static_cast<LONG_PTR>(-1));
HANDLE const current_thread_handle = reinterpret_cast<HANDLE>(static_cast<LONG_PTR>(-2));

class thread_object final : public kernel_object {
public:
    thread_object(LPTHREAD_START_ROUTINE start, LPVOID parameter, bool suspended)
        : kernel_object(kind::thread), start_(start), parameter_(parameter), suspended_(suspended) {}

    // The thread is joinable: a satisfied wait joins it (it has ended, or is a few instructions
    // from it), so that once a wait returns the thread is really gone, as on Windows; a thread
    // nobody waits for is joined or detached when its last reference goes.
    ~thread_object() override {
        if (!started_ || joined_) return;
        if (pthread_equal(thread_, pthread_self())) {
            pthread_detach(thread_);
        } else {
            pthread_join(thread_, nullptr);
        }
    }

    bool signalled(DWORD) const override { return exited_; }
    void acquire(DWORD) override {
        if (started_ && !joined_ && !pthread_equal(thread_, pthread_self())) {
            pthread_join(thread_, nullptr);
            joined_ = true;
        }
    }

    void started(pthread_t thread) {
        std::lock_guard lock(wait_lock());
        thread_ = thread;
        started_ = true;
    }

    // Under wait_lock().
    bool exited() const { return exited_; }
    DWORD exit_code() const { return exit_code_; }
    DWORD resume() {
        const DWORD previous = suspended_ ? 1 : 0;
        suspended_ = false;
        changed_.notify_all();
        return previous;
    }

    /// The new thread's id, once it runs (a suspended thread publishes it before it waits).
    DWORD wait_for_id() {
        std::unique_lock lock(wait_lock());
        changed_.wait(lock, [this] { return id_ != 0; });
        return id_;
    }

    void run() {
        {
            std::unique_lock lock(wait_lock());
            id_ = GetCurrentThreadId();
            changed_.notify_all();
            changed_.wait(lock, [this] { return !suspended_; });
        }
        isapi_thread_attach();
        finish(start_(parameter_));
    }

    void finish(DWORD code) {
        isapi_thread_detach();
        std::lock_guard lock(wait_lock());
        exit_code_ = code;
        exited_ = true;
        wake_waiters();
    }

private:
    LPTHREAD_START_ROUTINE start_;
    LPVOID parameter_;
    bool suspended_;
    DWORD id_ = 0;
    pthread_t thread_{};
    bool started_ = false;  // thread_ is set
    bool joined_ = false;
    bool exited_ = false;
    DWORD exit_code_ = STILL_ACTIVE;
    std::condition_variable changed_;
};

// The thread object of a thread CreateThread started (null elsewhere): ExitThread needs it.
thread_local std::shared_ptr<thread_object> current;

void* thread_main(void* argument) {
    std::unique_ptr<std::shared_ptr<thread_object>> owned(
        static_cast<std::shared_ptr<thread_object>*>(argument));
    current = std::move(*owned);
    owned.reset();
    current->run();
    current.reset();
    return nullptr;
}

// _beginthreadex's routine has another signature; it travels through this.
struct crt_start {
    unsigned(__stdcall* routine)(void*);
    void* argument;
};

DWORD WINAPI crt_trampoline(LPVOID parameter) {
    const crt_start start = *static_cast<crt_start*>(parameter);
    delete static_cast<crt_start*>(parameter);
    return start.routine(start.argument);
}

}  // namespace

extern "C" {

HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES, SIZE_T dwStackSize,
                           LPTHREAD_START_ROUTINE lpStartAddress, LPVOID lpParameter,
                           DWORD dwCreationFlags, LPDWORD lpThreadId) {
    if (lpStartAddress == nullptr) return fail(ERROR_INVALID_PARAMETER, HANDLE{nullptr});
    std::shared_ptr<thread_object> object;
    std::unique_ptr<std::shared_ptr<thread_object>> argument;
    HANDLE handle = nullptr;
    try {
        object = std::make_shared<thread_object>(lpStartAddress, lpParameter,
                                                 (dwCreationFlags & CREATE_SUSPENDED) != 0);
        argument = std::make_unique<std::shared_ptr<thread_object>>(object);
        handle = isapi_fcgi::win32::register_object(object);
    } catch (const std::bad_alloc&) {
        return fail(ERROR_NOT_ENOUGH_MEMORY, HANDLE{nullptr});
    }
    if (handle == nullptr) return nullptr;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    if (dwStackSize != 0) {
        const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
        std::size_t size = (dwStackSize + page - 1) / page * page;
        if (size < static_cast<std::size_t>(PTHREAD_STACK_MIN)) size = static_cast<std::size_t>(PTHREAD_STACK_MIN);
        pthread_attr_setstacksize(&attributes, size);
    }
    pthread_t thread{};
    const int error = pthread_create(&thread, &attributes, thread_main, argument.get());
    pthread_attr_destroy(&attributes);
    if (error != 0) {
        isapi_fcgi::win32::close_object(handle);
        return fail(isapi_win32_error_from_errno(error), HANDLE{nullptr});
    }
    argument.release();  // the thread owns it now
    object->started(thread);
    if (lpThreadId != nullptr) *lpThreadId = object->wait_for_id();
    return handle;
}

DWORD WINAPI ResumeThread(HANDLE hThread) {
    auto thread = isapi_fcgi::win32::find_as<thread_object>(hThread, kernel_object::kind::thread);
    if (!thread) return fail(ERROR_INVALID_HANDLE, static_cast<DWORD>(-1));
    std::lock_guard lock(wait_lock());
    return thread->resume();
}

VOID WINAPI ExitThread(DWORD dwExitCode) {
    if (current) {
        current->finish(dwExitCode);
        current.reset();
    } else {
        // A thread the host or pthread_create started: Windows would end it all the same.
        isapi_log(ISAPI_LOG_ERROR, "ExitThread(%u) on a thread CreateThread did not start",
                  dwExitCode);
        isapi_thread_detach();
    }
    pthread_exit(nullptr);
}

BOOL WINAPI GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode) {
    auto thread = isapi_fcgi::win32::find_as<thread_object>(hThread, kernel_object::kind::thread);
    if (!thread) return fail(ERROR_INVALID_HANDLE);
    if (lpExitCode == nullptr) return fail(ERROR_INVALID_PARAMETER);
    std::lock_guard lock(wait_lock());
    *lpExitCode = thread->exit_code();
    return TRUE;
}

DWORD WINAPI GetCurrentThreadId(VOID) {
    static thread_local const auto id = static_cast<DWORD>(::syscall(SYS_gettid));
    return id;
}

DWORD WINAPI GetCurrentProcessId(VOID) {
    return static_cast<DWORD>(::getpid());
}

HANDLE WINAPI GetCurrentThread(VOID) {
    return current_thread_handle;
}

HANDLE WINAPI GetCurrentProcess(VOID) {
    return current_process_handle;
}

VOID WINAPI Sleep(DWORD dwMilliseconds) {
    if (dwMilliseconds == INFINITE) {
        for (;;) ::pause();
    }
    timespec delay{static_cast<time_t>(dwMilliseconds / 1000),
                   static_cast<long>(dwMilliseconds % 1000) * 1000000L};
    while (::nanosleep(&delay, &delay) != 0 && errno == EINTR) {
    }
}

DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL) {
    Sleep(dwMilliseconds);
    return 0;
}

BOOL WINAPI SwitchToThread(VOID) {
    ::sched_yield();
    return TRUE;
}

uintptr_t _beginthreadex(void*, unsigned stack_size, unsigned(__stdcall* start_address)(void*),
                         void* arglist, unsigned initflag, unsigned* thrdaddr) {
    if (start_address == nullptr) {
        errno = EINVAL;
        return 0;
    }
    auto* start = new (std::nothrow) crt_start{start_address, arglist};
    if (start == nullptr) {
        errno = ENOMEM;
        return 0;
    }
    DWORD id = 0;
    HANDLE handle = CreateThread(nullptr, stack_size, crt_trampoline, start, initflag, &id);
    if (handle == nullptr) {
        delete start;
        errno = EAGAIN;
        return 0;
    }
    if (thrdaddr != nullptr) *thrdaddr = id;
    return reinterpret_cast<uintptr_t>(handle);
}

void _endthreadex(unsigned retval) {
    ExitThread(retval);
}

}  // extern "C"
