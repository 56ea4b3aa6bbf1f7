#pragma once
// An I/O completion port: a queue of completion packets that any thread may post to and that
// GetQueuedCompletionStatus takes from, oldest first. A handle of the runtime's table (a
// kernel object that is never signalled), so CloseHandle closes it; files and sockets
// associated with it keep it alive, but once its handle is closed every waiter is released
// and no packet is taken any more, as on Windows.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

#include "win32/kernel_objects.hpp"

namespace isapi_fcgi::win32 {

struct completion_packet {
    DWORD bytes = 0;
    ULONG_PTR key = 0;
    OVERLAPPED* overlapped = nullptr;
    DWORD error = ERROR_SUCCESS;
};

class completion_port final : public kernel_object {
public:
    completion_port() : kernel_object(kind::completion_port) {}
    bool signalled(DWORD) const override { return false; }
    void acquire(DWORD) override {}

    void post(const completion_packet& packet);
    /// The oldest packet; nullopt on timeout. `closed` tells a closed port from a timeout.
    std::optional<completion_packet> take(DWORD milliseconds, bool& closed);
    /// The handle was closed: waiters fail with ERROR_ABANDONED_WAIT_0.
    void close();

private:
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<completion_packet> packets_;
    bool closed_ = false;
};

}  // namespace isapi_fcgi::win32
