// TlsAlloc and friends on pthread keys. A new key reads NULL in every thread, which is what
// Windows guarantees for a fresh TLS index; a key that was never allocated (or was freed) is
// refused with ERROR_INVALID_PARAMETER instead of reaching pthread_getspecific.
#include <pthread.h>

#include <array>
#include <atomic>
#include <climits>

#include <isapi/win32/windows.h>

#include "win32/win32_error.hpp"

namespace {

using isapi_fcgi::win32::fail;

std::array<std::atomic<bool>, PTHREAD_KEYS_MAX>& allocated() {
    static auto* keys = new std::array<std::atomic<bool>, PTHREAD_KEYS_MAX>();
    return *keys;
}

bool valid(DWORD index) {
    return index < PTHREAD_KEYS_MAX && allocated()[index].load(std::memory_order_acquire);
}

}  // namespace

extern "C" {

DWORD WINAPI TlsAlloc(VOID) {
    pthread_key_t key{};
    if (pthread_key_create(&key, nullptr) != 0 || key >= PTHREAD_KEYS_MAX) {
        return fail(ERROR_NO_MORE_ITEMS, TLS_OUT_OF_INDEXES);
    }
    allocated()[key].store(true, std::memory_order_release);
    return key;
}

LPVOID WINAPI TlsGetValue(DWORD dwTlsIndex) {
    if (!valid(dwTlsIndex)) return fail(ERROR_INVALID_PARAMETER, LPVOID{nullptr});
    // Windows clears the last error on success, so NULL values can be told from failures.
    SetLastError(ERROR_SUCCESS);
    return pthread_getspecific(dwTlsIndex);
}

BOOL WINAPI TlsSetValue(DWORD dwTlsIndex, LPVOID lpTlsValue) {
    if (!valid(dwTlsIndex)) return fail(ERROR_INVALID_PARAMETER);
    if (pthread_setspecific(dwTlsIndex, lpTlsValue) != 0) return fail(ERROR_NOT_ENOUGH_MEMORY);
    return TRUE;
}

BOOL WINAPI TlsFree(DWORD dwTlsIndex) {
    if (!valid(dwTlsIndex)) return fail(ERROR_INVALID_PARAMETER);
    allocated()[dwTlsIndex].store(false, std::memory_order_release);
    pthread_key_delete(dwTlsIndex);
    return TRUE;
}

}  // extern "C"
