// Overlapped file and socket I/O: the per-handle flags, the end of an operation, and
// GetOverlappedResult. Operations complete before ReadFile/WriteFile/WSASend/WSARecv return
// (see include/isapi/win32/overlapped_io.h), so nothing here is ever really in flight; what
// matters is that every caller-visible trace of a completion is the one Windows leaves.
#include "win32/overlapped_io.hpp"

#include <mutex>
#include <unordered_map>

#include "win32/completion_port.hpp"
#include "win32/kernel_objects.hpp"
#include "win32/win32_error.hpp"

namespace isapi_fcgi::win32 {
namespace {

constexpr DWORD status_cancelled = 0xC0000120;
// Codes with no NTSTATUS of their own travel as 0xE... | code (a customer-defined error
// status, so never mistaken for one Windows defines).
constexpr DWORD private_status = 0xE0000000;

struct handle_state {
    bool overlapped = false;
    std::shared_ptr<completion_port> port;
    ULONG_PTR key = 0;
};

struct state_table {
    std::mutex mutex;
    std::unordered_map<HANDLE, handle_state> files;
    std::unordered_map<HANDLE, handle_state> sockets;

    std::unordered_map<HANDLE, handle_state>& of(handle_kind kind) {
        return kind == handle_kind::socket ? sockets : files;
    }
};

state_table& states() {
    static auto* instance = new state_table();
    return *instance;
}

}  // namespace

void mark_overlapped(HANDLE handle, handle_kind kind) {
    state_table& t = states();
    std::lock_guard lock(t.mutex);
    t.of(kind)[handle].overlapped = true;
}

bool is_overlapped(HANDLE handle, handle_kind kind) {
    state_table& t = states();
    std::lock_guard lock(t.mutex);
    const auto& map = t.of(kind);
    const auto it = map.find(handle);
    return it != map.end() && it->second.overlapped;
}

void forget_handle(HANDLE handle, handle_kind kind) {
    std::shared_ptr<completion_port> last;  // released after the lock
    state_table& t = states();
    std::lock_guard lock(t.mutex);
    auto& map = t.of(kind);
    const auto it = map.find(handle);
    if (it == map.end()) return;
    last = std::move(it->second.port);
    map.erase(it);
}

bool associate(HANDLE handle, handle_kind kind, std::shared_ptr<completion_port> port, ULONG_PTR key) {
    state_table& t = states();
    std::lock_guard lock(t.mutex);
    handle_state& state = t.of(kind)[handle];
    if (state.port) return false;
    state.port = std::move(port);
    state.key = key;
    return true;
}

DWORD status_from_error(DWORD error) {
    switch (error) {
        case ERROR_SUCCESS: return 0;
        case ERROR_HANDLE_EOF: return STATUS_END_OF_FILE;
        case ERROR_OPERATION_ABORTED: return status_cancelled;
        default: return private_status | (error & 0x0FFFFFFF);
    }
}

DWORD error_from_status(DWORD status) {
    switch (status) {
        case 0: return ERROR_SUCCESS;
        case STATUS_END_OF_FILE: return ERROR_HANDLE_EOF;
        case status_cancelled: return ERROR_OPERATION_ABORTED;
        default:
            if ((status & 0xF0000000) == private_status) return status & 0x0FFFFFFF;
            return ERROR_GEN_FAILURE;
    }
}

void complete_overlapped(HANDLE handle, OVERLAPPED* overlapped, DWORD error, DWORD bytes,
                         handle_kind kind) {
    overlapped->InternalHigh = bytes;
    overlapped->Internal = status_from_error(error);
    const auto event_bits = reinterpret_cast<std::uintptr_t>(overlapped->hEvent);
    if (event_bits != 0) SetEvent(reinterpret_cast<HANDLE>(event_bits & ~std::uintptr_t{1}));
    if (event_bits & 1) return;  // the caller asked for no completion packet
    std::shared_ptr<completion_port> port;
    ULONG_PTR key = 0;
    {
        state_table& t = states();
        std::lock_guard lock(t.mutex);
        const auto& map = t.of(kind);
        const auto it = map.find(handle);
        if (it == map.end() || !it->second.port) return;
        port = it->second.port;
        key = it->second.key;
    }
    port->post({bytes, key, overlapped, error});
}

}  // namespace isapi_fcgi::win32

namespace {

using isapi_fcgi::win32::fail;

// Resolves a finished operation; still pending is only possible when the caller set it.
BOOL overlapped_result(LPOVERLAPPED overlapped, LPDWORD transferred, DWORD wait_ms) {
    if (overlapped == nullptr || transferred == nullptr) return fail(ERROR_INVALID_PARAMETER);
    // Whoever completes the operation (a driver on Windows; here a caller's own thread) writes
    // Internal while this thread may be looking: read it atomically, as Windows' volatile does.
    const auto pending = [overlapped] {
        return __atomic_load_n(&overlapped->Internal, __ATOMIC_ACQUIRE) == STATUS_PENDING;
    };
    if (pending()) {
        const auto event_bits = reinterpret_cast<std::uintptr_t>(overlapped->hEvent) & ~std::uintptr_t{1};
        if (wait_ms == 0 || event_bits == 0) return fail(ERROR_IO_INCOMPLETE);
        const DWORD waited = WaitForSingleObject(reinterpret_cast<HANDLE>(event_bits), wait_ms);
        if (waited == WAIT_TIMEOUT) return fail(WAIT_TIMEOUT);
        if (waited != WAIT_OBJECT_0) return FALSE;
        if (pending()) return fail(ERROR_IO_INCOMPLETE);
    }
    *transferred = static_cast<DWORD>(overlapped->InternalHigh);
    const DWORD error = isapi_fcgi::win32::error_from_status(static_cast<DWORD>(overlapped->Internal));
    if (error != ERROR_SUCCESS) return fail(error);
    return TRUE;
}

bool known_handle(HANDLE handle) {
    return isapi_fd_from_handle(handle) >= 0;  // sets ERROR_INVALID_HANDLE otherwise
}

}  // namespace

extern "C" {

BOOL WINAPI GetOverlappedResult(HANDLE hFile, LPOVERLAPPED lpOverlapped,
                                LPDWORD lpNumberOfBytesTransferred, BOOL bWait) {
    (void)hFile;  // the OVERLAPPED alone tells the result, as it does on Windows
    return overlapped_result(lpOverlapped, lpNumberOfBytesTransferred, bWait ? INFINITE : 0);
}

BOOL WINAPI GetOverlappedResultEx(HANDLE hFile, LPOVERLAPPED lpOverlapped,
                                  LPDWORD lpNumberOfBytesTransferred, DWORD dwMilliseconds,
                                  BOOL) {
    (void)hFile;
    return overlapped_result(lpOverlapped, lpNumberOfBytesTransferred, dwMilliseconds);
}

BOOL WINAPI CancelIo(HANDLE hFile) {
    return known_handle(hFile) ? TRUE : FALSE;
}

BOOL WINAPI CancelIoEx(HANDLE hFile, LPOVERLAPPED) {
    if (!known_handle(hFile)) return FALSE;
    return fail(ERROR_NOT_FOUND);  // every operation has completed already
}

}  // extern "C"
