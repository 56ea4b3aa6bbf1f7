#include "ops/crash_handler.hpp"

#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>

#include <array>
#include <cstring>

namespace isapi_fcgi::ops {
namespace {

constexpr std::array fatal_signals{SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
// Previous actions, restored before the signal is re-delivered; indexed like fatal_signals.
std::array<struct sigaction, fatal_signals.size()> previous{};
worker_slot* crash_slot = nullptr;
thread_local std::uint64_t current_serial = 0;
thread_local bool has_signal_stack = false;

std::uint64_t instruction_pointer(void* context) noexcept {
    const auto* uc = static_cast<const ucontext_t*>(context);
#if defined(__x86_64__)
    return static_cast<std::uint64_t>(uc->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
    return static_cast<std::uint64_t>(uc->uc_mcontext.pc);
#else
    (void)uc;
    return 0;
#endif
}

void on_fatal_signal(int sig, siginfo_t* info, void* context) {
    // A signal sent with kill() (si_code <= 0) carries no faulting address worth reporting.
    const bool fault = info->si_code > 0 || sig == SIGABRT;
    if (fault && crash_slot != nullptr && crash_slot->fault_signal.load(std::memory_order_relaxed) == 0) {
        crash_slot->fault_address.store(reinterpret_cast<std::uint64_t>(info->si_addr), std::memory_order_relaxed);
        crash_slot->fault_pc.store(instruction_pointer(context), std::memory_order_relaxed);
        crash_slot->fault_serial.store(current_serial, std::memory_order_relaxed);
        crash_slot->fault_signal.store(sig, std::memory_order_release);
    }
    for (std::size_t i = 0; i < fatal_signals.size(); ++i) {
        if (fatal_signals[i] != sig) continue;
        ::sigaction(sig, &previous[i], nullptr);
    }
    // A hardware fault re-executes the faulting instruction on return and meets the restored
    // action; a sent signal (abort, kill) has to be raised again.
    if (info->si_code <= 0 || sig == SIGABRT) ::raise(sig);
}

}  // namespace

void install_crash_handler(worker_slot& slot) {
    crash_slot = &slot;
    ensure_signal_stack();
    for (std::size_t i = 0; i < fatal_signals.size(); ++i) {
        struct sigaction action {};
        action.sa_sigaction = on_fatal_signal;
        action.sa_flags = SA_SIGINFO | SA_ONSTACK;
        sigemptyset(&action.sa_mask);
        ::sigaction(fatal_signals[i], &action, &previous[i]);
    }
}

void set_current_request(std::uint64_t serial) noexcept { current_serial = serial; }

void ensure_signal_stack() noexcept {
    if (has_signal_stack) return;
    has_signal_stack = true;
    constexpr std::size_t size = 64 * 1024;
    void* memory = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) return;
    stack_t stack{};
    stack.ss_sp = memory;
    stack.ss_size = size;
    // Never unmapped: the thread pool's threads live as long as the worker.
    ::sigaltstack(&stack, nullptr);
}

}  // namespace isapi_fcgi::ops
