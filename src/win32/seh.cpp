// Structured exception handling for gcc (include/isapi/win32/seh.h): a per-thread stack of
// __try frames, and a handler for the synchronous fault signals that turns a fault on a thread
// inside a __try into a jump back to that frame. A fault outside every __try goes to the handler
// installed before this one (the worker's crash handler), so it still ends only that worker.
#include <signal.h>
#include <ucontext.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include <isapi/win32/windows.h>

namespace {

constexpr std::array fault_signals{SIGSEGV, SIGBUS, SIGFPE, SIGILL};
std::array<struct sigaction, fault_signals.size()> previous_actions{};
std::once_flag installed;
// Until a thread pushes a frame, the handler touches no thread-local storage (its first use in
// a dlopen'ed library may allocate, which a signal handler must not do).
std::atomic<bool> frames_ever_pushed{false};
std::atomic<LPTOP_LEVEL_EXCEPTION_FILTER> top_level_filter{nullptr};

thread_local isapi_seh_frame_t* top_frame = nullptr;
thread_local EXCEPTION_POINTERS* current_exception = nullptr;
thread_local int current_signal = 0;

void remove(isapi_seh_frame_t* frame) {
    if (!frame->pushed) return;
    frame->pushed = 0;
    for (isapi_seh_frame_t** at = &top_frame; *at != nullptr; at = &(*at)->outer) {
        if (*at == frame) {
            *at = frame->outer;
            return;
        }
    }
}

[[noreturn]] void deliver(isapi_seh_frame_t* frame, const EXCEPTION_RECORD& record) {
    remove(frame);
    frame->record = record;
    frame->pointers.ExceptionRecord = &frame->record;
    frame->pointers.ContextRecord = nullptr;
    frame->faulted = 1;
    current_exception = &frame->pointers;
    siglongjmp(frame->env, 1);
}

void chain(int sig, siginfo_t* info, void* context) {
    for (std::size_t i = 0; i < fault_signals.size(); ++i) {
        if (fault_signals[i] != sig) continue;
        const struct sigaction& before = previous_actions[i];
        if ((before.sa_flags & SA_SIGINFO) && before.sa_sigaction != nullptr) {
            before.sa_sigaction(sig, info, context);
            return;
        }
        if (before.sa_handler != SIG_DFL && before.sa_handler != SIG_IGN) {
            before.sa_handler(sig);
            return;
        }
        // Default action: restore it; the faulting instruction runs again and the signal kills.
        ::sigaction(sig, &before, nullptr);
        if (info == nullptr || info->si_code <= 0) ::raise(sig);
        return;
    }
}

EXCEPTION_RECORD record_of(int sig, const siginfo_t* info, const void* context) {
    EXCEPTION_RECORD record{};
    record.ExceptionAddress = info != nullptr ? info->si_addr : nullptr;
    switch (sig) {
        case SIGSEGV:
            record.ExceptionCode = EXCEPTION_ACCESS_VIOLATION;
            break;
        case SIGBUS:
            record.ExceptionCode = info != nullptr && info->si_code == BUS_ADRERR ? EXCEPTION_IN_PAGE_ERROR
                                                                                  : EXCEPTION_ACCESS_VIOLATION;
            break;
        case SIGFPE:
            switch (info != nullptr ? info->si_code : 0) {
                case FPE_INTDIV: record.ExceptionCode = EXCEPTION_INT_DIVIDE_BY_ZERO; break;
                case FPE_INTOVF: record.ExceptionCode = EXCEPTION_INT_OVERFLOW; break;
                case FPE_FLTDIV: record.ExceptionCode = EXCEPTION_FLT_DIVIDE_BY_ZERO; break;
                default: record.ExceptionCode = EXCEPTION_FLT_INVALID_OPERATION; break;
            }
            break;
        default:
            record.ExceptionCode = EXCEPTION_ILLEGAL_INSTRUCTION;
            break;
    }
    if (record.ExceptionCode == EXCEPTION_ACCESS_VIOLATION || record.ExceptionCode == EXCEPTION_IN_PAGE_ERROR) {
        // As Windows: [0] 0 read, 1 write, 8 execute; [1] the inaccessible address.
        ULONG_PTR kind = 0;
#if defined(__x86_64__)
        if (context != nullptr) {
            const auto* uc = static_cast<const ucontext_t*>(context);
            const auto error = static_cast<ULONG_PTR>(uc->uc_mcontext.gregs[REG_ERR]);
            kind = (error & 0x10) ? 8 : ((error & 0x2) ? 1 : 0);
            record.ExceptionAddress = reinterpret_cast<PVOID>(uc->uc_mcontext.gregs[REG_RIP]);
        }
#else
        (void)context;
#endif
        record.NumberParameters = 2;
        record.ExceptionInformation[0] = kind;
        record.ExceptionInformation[1] = reinterpret_cast<ULONG_PTR>(info != nullptr ? info->si_addr : nullptr);
    }
    return record;
}

void on_fault(int sig, siginfo_t* info, void* context) {
    if (frames_ever_pushed.load(std::memory_order_relaxed) && top_frame != nullptr) {
        current_signal = sig;
        deliver(top_frame, record_of(sig, info, context));
    }
    chain(sig, info, context);
}

void install() {
    for (std::size_t i = 0; i < fault_signals.size(); ++i) {
        struct sigaction action{};
        action.sa_sigaction = on_fault;
        action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
        sigemptyset(&action.sa_mask);
        ::sigaction(fault_signals[i], &action, &previous_actions[i]);
    }
}

// No frame is left to take the exception: the unhandled-exception filter sees it, then the
// worker dies the way it would have without SEH.
[[noreturn]] void unhandled(const EXCEPTION_RECORD& record) {
    EXCEPTION_RECORD copy = record;
    EXCEPTION_POINTERS pointers{&copy, nullptr};
    if (auto filter = top_level_filter.load()) filter(&pointers);
    isapi_log(ISAPI_LOG_ERROR, "unhandled exception 0x%08X at %p outside every __try: the worker ends",
              copy.ExceptionCode, copy.ExceptionAddress);
    const int sig = current_signal;
    for (std::size_t i = 0; i < fault_signals.size(); ++i) {
        if (fault_signals[i] == sig) ::sigaction(sig, &previous_actions[i], nullptr);
    }
    if (sig != 0) {
        // The jump out of the signal handler into the frame may leave the signal blocked (a
        // sanitizer's wrapper handler does not keep SA_NODEFER): raised while blocked, it would
        // stay pending and the worker would abort instead of dying of the fault.
        sigset_t fault;
        sigemptyset(&fault);
        sigaddset(&fault, sig);
        ::pthread_sigmask(SIG_UNBLOCK, &fault, nullptr);
        ::raise(sig);
    }
    std::abort();
}

[[noreturn]] void pass_outward(const EXCEPTION_RECORD& record) {
    if (top_frame != nullptr) deliver(top_frame, record);
    unhandled(record);
}

}  // namespace

extern "C" {

int isapi_seh_push_(isapi_seh_frame_t* frame) {
    std::call_once(installed, install);
    frames_ever_pushed.store(true, std::memory_order_relaxed);
    frame->outer = top_frame;
    frame->pushed = 1;
    top_frame = frame;
    return 1;
}

int isapi_seh_next_pass_(isapi_seh_frame_t* frame) {
    remove(frame);
    if (frame->faulted) {
        if (frame->handled) return 0;
        pass_outward(frame->record);  // a __finally ran, or no handler: the search goes on
    }
    ++frame->pass;
    return frame->pass <= 2;
}

int isapi_seh_filter_(isapi_seh_frame_t* frame, int decision) {
    if (decision > 0) {
        frame->handled = 1;
        return 1;
    }
    // EXCEPTION_CONTINUE_SEARCH, and EXCEPTION_CONTINUE_EXECUTION, which cannot resume here.
    pass_outward(frame->record);
}

void isapi_seh_leave_(isapi_seh_frame_t* frame) {
    remove(frame);
    frame->pass = 2;
    siglongjmp(frame->env, 1);
}

void isapi_seh_cleanup_(isapi_seh_frame_t* frame) {
    remove(frame);
}

DWORD WINAPI _exception_code(void) {
    return current_exception != nullptr ? current_exception->ExceptionRecord->ExceptionCode : 0;
}

LPEXCEPTION_POINTERS WINAPI _exception_info(void) {
    return current_exception;
}

VOID WINAPI RaiseException(DWORD dwExceptionCode, DWORD dwExceptionFlags, DWORD nNumberOfArguments,
                           const ULONG_PTR* lpArguments) {
    EXCEPTION_RECORD record{};
    record.ExceptionCode = dwExceptionCode;
    record.ExceptionFlags = dwExceptionFlags & EXCEPTION_NONCONTINUABLE;
    record.ExceptionAddress = __builtin_return_address(0);
    record.NumberParameters = nNumberOfArguments > EXCEPTION_MAXIMUM_PARAMETERS ? EXCEPTION_MAXIMUM_PARAMETERS
                                                                                : nNumberOfArguments;
    if (lpArguments != nullptr) {
        std::memcpy(record.ExceptionInformation, lpArguments, record.NumberParameters * sizeof(ULONG_PTR));
    }
    current_signal = 0;
    pass_outward(record);
}

LONG WINAPI UnhandledExceptionFilter(EXCEPTION_POINTERS* ExceptionInfo) {
    if (ExceptionInfo != nullptr && ExceptionInfo->ExceptionRecord != nullptr) {
        isapi_log(ISAPI_LOG_ERROR, "UnhandledExceptionFilter: exception 0x%08X at %p",
                  ExceptionInfo->ExceptionRecord->ExceptionCode,
                  ExceptionInfo->ExceptionRecord->ExceptionAddress);
    }
    return EXCEPTION_EXECUTE_HANDLER;
}

LPTOP_LEVEL_EXCEPTION_FILTER WINAPI SetUnhandledExceptionFilter(LPTOP_LEVEL_EXCEPTION_FILTER lpTopLevelExceptionFilter) {
    return top_level_filter.exchange(lpTopLevelExceptionFilter);
}

}  // extern "C"
