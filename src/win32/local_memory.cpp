// LocalAlloc/GlobalAlloc: as on Windows, blocks of the process heap. A "moveable" block's
// handle is its address (Lock returns it), which code written for moveable memory accepts.
#include <isapi/win32/windows.h>

#include "win32/win32_error.hpp"

namespace {

using isapi_fcgi::win32::fail;

constexpr UINT known_flags = LMEM_MOVEABLE | LMEM_ZEROINIT;

HLOCAL allocate(UINT flags, SIZE_T bytes) {
    if ((flags & ~known_flags) != 0) return fail(ERROR_INVALID_PARAMETER, HLOCAL{nullptr});
    void* memory = HeapAlloc(GetProcessHeap(), (flags & LMEM_ZEROINIT) ? HEAP_ZERO_MEMORY : 0,
                             bytes == 0 ? 1 : bytes);
    return memory == nullptr ? fail(ERROR_NOT_ENOUGH_MEMORY, HLOCAL{nullptr}) : memory;
}

HLOCAL reallocate(HLOCAL memory, SIZE_T bytes, UINT flags) {
    if (memory == nullptr) return fail(ERROR_INVALID_HANDLE, HLOCAL{nullptr});
    void* grown = HeapReAlloc(GetProcessHeap(), (flags & LMEM_ZEROINIT) ? HEAP_ZERO_MEMORY : 0,
                              memory, bytes == 0 ? 1 : bytes);
    return grown == nullptr ? fail(ERROR_NOT_ENOUGH_MEMORY, HLOCAL{nullptr}) : grown;
}

// NULL on success, the handle itself on failure (ERROR_INVALID_HANDLE), as Windows.
HLOCAL release(HLOCAL memory) {
    if (memory == nullptr) return nullptr;
    if (!HeapFree(GetProcessHeap(), 0, memory)) return fail(ERROR_INVALID_HANDLE, memory);
    return nullptr;
}

SIZE_T size_of(HLOCAL memory) {
    const SIZE_T size = HeapSize(GetProcessHeap(), 0, memory);
    return size == static_cast<SIZE_T>(-1) ? fail(ERROR_INVALID_HANDLE, SIZE_T{0}) : size;
}

}  // namespace

extern "C" {

HLOCAL WINAPI LocalAlloc(UINT uFlags, SIZE_T uBytes) { return allocate(uFlags, uBytes); }
HLOCAL WINAPI LocalReAlloc(HLOCAL hMem, SIZE_T uBytes, UINT uFlags) {
    return reallocate(hMem, uBytes, uFlags);
}
HLOCAL WINAPI LocalFree(HLOCAL hMem) { return release(hMem); }
SIZE_T WINAPI LocalSize(HLOCAL hMem) { return size_of(hMem); }
LPVOID WINAPI LocalLock(HLOCAL hMem) {
    return hMem == nullptr ? fail(ERROR_INVALID_HANDLE, LPVOID{nullptr}) : hMem;
}
// Fixed memory is never locked: FALSE with NO_ERROR, as Windows answers for it.
BOOL WINAPI LocalUnlock(HLOCAL) { return fail(NO_ERROR, FALSE); }

HGLOBAL WINAPI GlobalAlloc(UINT uFlags, SIZE_T dwBytes) { return allocate(uFlags, dwBytes); }
HGLOBAL WINAPI GlobalReAlloc(HGLOBAL hMem, SIZE_T dwBytes, UINT uFlags) {
    return reallocate(hMem, dwBytes, uFlags);
}
HGLOBAL WINAPI GlobalFree(HGLOBAL hMem) { return release(hMem); }
SIZE_T WINAPI GlobalSize(HGLOBAL hMem) { return size_of(hMem); }
LPVOID WINAPI GlobalLock(HGLOBAL hMem) {
    return hMem == nullptr ? fail(ERROR_INVALID_HANDLE, LPVOID{nullptr}) : hMem;
}
BOOL WINAPI GlobalUnlock(HGLOBAL) { return fail(NO_ERROR, FALSE); }

}  // extern "C"
