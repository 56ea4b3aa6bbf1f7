#pragma once
// A worker's last words: on SIGSEGV, SIGBUS, SIGILL, SIGFPE or SIGABRT the handler writes the
// signal, the faulting address, the instruction pointer and the request the faulting thread was
// running into the worker's scoreboard slot, then lets the signal take its course (the previous
// handler, e.g. a sanitizer's, or the default action: death, maybe a core dump). The master
// reads it after reaping the worker and names the extension that faulted. Everything the
// handler does is async-signal-safe: relaxed atomic stores and sigaction.
#include <cstdint>

#include "ops/scoreboard.hpp"

namespace isapi_fcgi::ops {

/// Installs the handlers for this process, writing into `slot`. Call once, before threads.
void install_crash_handler(worker_slot& slot);

/// The request this thread is running extension code for (0: none); set around extension calls.
void set_current_request(std::uint64_t serial) noexcept;

/// Gives the calling thread an alternate signal stack (once), so a stack overflow in extension
/// code still reaches the handler.
void ensure_signal_stack() noexcept;

}  // namespace isapi_fcgi::ops
