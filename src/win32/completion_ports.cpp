// I/O completion ports: CreateIoCompletionPort, GetQueuedCompletionStatus,
// PostQueuedCompletionStatus, over the completion_port kernel object.
#include <sys/stat.h>

#include <climits>

#include <isapi/win32/windows.h>

#include "win32/completion_port.hpp"
#include "win32/overlapped_io.hpp"
#include "win32/win32_error.hpp"

namespace isapi_fcgi::win32 {

void completion_port::post(const completion_packet& packet) {
    {
        std::lock_guard lock(mutex_);
        packets_.push_back(packet);
    }
    ready_.notify_one();
}

std::optional<completion_packet> completion_port::take(DWORD milliseconds, bool& closed) {
    std::unique_lock lock(mutex_);
    const auto available = [this] { return closed_ || !packets_.empty(); };
    if (milliseconds == INFINITE) {
        ready_.wait(lock, available);
    } else {
        ready_.wait_for(lock, std::chrono::milliseconds(milliseconds), available);
    }
    closed = closed_;
    if (closed_ || packets_.empty()) return std::nullopt;
    completion_packet packet = packets_.front();
    packets_.pop_front();
    return packet;
}

void completion_port::close() {
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
    }
    ready_.notify_all();
}

}  // namespace isapi_fcgi::win32

namespace {

using isapi_fcgi::win32::completion_port;
using isapi_fcgi::win32::fail;
using isapi_fcgi::win32::find_as;
using isapi_fcgi::win32::kernel_object;

// A SOCKET is its descriptor (winsock2.h), not a handle of the runtime's table.
bool is_socket(HANDLE handle) {
    const auto value = reinterpret_cast<std::uintptr_t>(handle);
    if (value > static_cast<std::uintptr_t>(INT_MAX)) return false;
    struct stat info{};
    return ::fstat(static_cast<int>(value), &info) == 0 && S_ISSOCK(info.st_mode);
}

std::shared_ptr<completion_port> port_of(HANDLE handle) {
    return find_as<completion_port>(handle, kernel_object::kind::completion_port);
}

}  // namespace

extern "C" {

HANDLE WINAPI CreateIoCompletionPort(HANDLE FileHandle, HANDLE ExistingCompletionPort,
                                     ULONG_PTR CompletionKey, DWORD) {
    if (FileHandle == INVALID_HANDLE_VALUE) {
        if (ExistingCompletionPort != nullptr) return fail(ERROR_INVALID_PARAMETER, HANDLE{nullptr});
        std::shared_ptr<completion_port> port;
        try {
            port = std::make_shared<completion_port>();
        } catch (const std::bad_alloc&) {
            return fail(ERROR_NOT_ENOUGH_MEMORY, HANDLE{nullptr});
        }
        return isapi_fcgi::win32::register_object(std::move(port));
    }
    // A value that is both a live file HANDLE and a socket descriptor is taken as the file
    // (docs/porting.md: such a socket cannot be associated).
    isapi_fcgi::win32::handle_kind kind = isapi_fcgi::win32::handle_kind::file;
    if (isapi_fd_from_handle(FileHandle) < 0) {
        if (!is_socket(FileHandle)) return fail(ERROR_INVALID_HANDLE, HANDLE{nullptr});
        kind = isapi_fcgi::win32::handle_kind::socket;
    }
    // A handle opened without FILE_FLAG_OVERLAPPED is accepted, as Windows does; its
    // synchronous I/O queues no packet.
    HANDLE port_handle = ExistingCompletionPort;
    std::shared_ptr<completion_port> port;
    if (port_handle == nullptr) {
        port_handle = CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
        if (port_handle == nullptr) return nullptr;
    }
    port = port_of(port_handle);
    if (!port) return fail(ERROR_INVALID_HANDLE, HANDLE{nullptr});
    if (!isapi_fcgi::win32::associate(FileHandle, kind, std::move(port), CompletionKey)) {
        if (ExistingCompletionPort == nullptr) CloseHandle(port_handle);
        return fail(ERROR_INVALID_PARAMETER, HANDLE{nullptr});
    }
    SetLastError(ERROR_SUCCESS);
    return port_handle;
}

BOOL WINAPI GetQueuedCompletionStatus(HANDLE CompletionPort, LPDWORD lpNumberOfBytesTransferred,
                                      PULONG_PTR lpCompletionKey, LPOVERLAPPED* lpOverlapped,
                                      DWORD dwMilliseconds) {
    if (lpOverlapped == nullptr || lpNumberOfBytesTransferred == nullptr
        || lpCompletionKey == nullptr) {
        return fail(ERROR_INVALID_PARAMETER);
    }
    *lpOverlapped = nullptr;
    auto port = port_of(CompletionPort);
    if (!port) return fail(ERROR_INVALID_HANDLE);
    bool closed = false;
    const auto packet = port->take(dwMilliseconds, closed);
    if (!packet) return fail(closed ? ERROR_ABANDONED_WAIT_0 : WAIT_TIMEOUT);
    *lpNumberOfBytesTransferred = packet->bytes;
    *lpCompletionKey = packet->key;
    *lpOverlapped = packet->overlapped;
    if (packet->error != ERROR_SUCCESS) return fail(packet->error);
    return TRUE;
}

BOOL WINAPI PostQueuedCompletionStatus(HANDLE CompletionPort, DWORD dwNumberOfBytesTransferred,
                                       ULONG_PTR dwCompletionKey, LPOVERLAPPED lpOverlapped) {
    auto port = port_of(CompletionPort);
    if (!port) return fail(ERROR_INVALID_HANDLE);
    try {
        port->post({dwNumberOfBytesTransferred, dwCompletionKey, lpOverlapped, ERROR_SUCCESS});
    } catch (const std::bad_alloc&) {
        return fail(ERROR_NOT_ENOUGH_MEMORY);
    }
    return TRUE;
}

}  // extern "C"
