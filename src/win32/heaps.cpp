// HeapCreate and friends. Every block carries a header naming its heap, so a pointer from
// another heap, a freed one or a foreign one is refused instead of corrupting memory; a
// private heap keeps its blocks in a list so that HeapDestroy frees them all.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>

#include <isapi/win32/windows.h>

#include "win32/win32_error.hpp"

namespace {

using isapi_fcgi::win32::fail;

constexpr std::uint64_t heap_magic = 0x49534150'48454150ULL;   // "ISAPHEAP"
constexpr std::uint64_t block_magic = 0x49534150'424c4b21ULL;  // "ISAPBLK!"

struct heap;

struct alignas(16) block {
    std::uint64_t magic;
    heap* owner;
    block* prev;
    block* next;
    std::size_t size;
};

struct heap {
    std::uint64_t magic = heap_magic;
    bool process = false;
    std::size_t maximum = 0;  // 0: growable
    std::size_t in_use = 0;
    std::mutex mutex;
    block* first = nullptr;
};

heap& process_heap() {
    static auto* instance = [] {
        auto* h = new heap();
        h->process = true;
        return h;
    }();
    return *instance;
}

heap* heap_of(HANDLE handle) {
    auto* h = static_cast<heap*>(handle);
    return (h != nullptr && h->magic == heap_magic) ? h : nullptr;
}

block* block_of(heap& h, LPCVOID memory) {
    if (memory == nullptr) return nullptr;
    auto* b = reinterpret_cast<block*>(static_cast<char*>(const_cast<void*>(memory)) - sizeof(block));
    return (b->magic == block_magic && b->owner == &h) ? b : nullptr;
}

void link(heap& h, block* b) {
    b->prev = nullptr;
    b->next = h.first;
    if (h.first != nullptr) h.first->prev = b;
    h.first = b;
}

void unlink(heap& h, block* b) {
    if (b->prev != nullptr) b->prev->next = b->next;
    else h.first = b->next;
    if (b->next != nullptr) b->next->prev = b->prev;
}

bool over_limit(const heap& h, std::size_t extra) {
    return h.maximum != 0 && (extra > h.maximum || h.in_use > h.maximum - extra);
}

}  // namespace

extern "C" {

HANDLE WINAPI GetProcessHeap(VOID) {
    return &process_heap();
}

HANDLE WINAPI HeapCreate(DWORD, SIZE_T, SIZE_T dwMaximumSize) {
    auto* h = new (std::nothrow) heap();
    if (h == nullptr) return fail(ERROR_NOT_ENOUGH_MEMORY, HANDLE{nullptr});
    h->maximum = dwMaximumSize;
    return h;
}

BOOL WINAPI HeapDestroy(HANDLE hHeap) {
    heap* h = heap_of(hHeap);
    if (h == nullptr || h->process) return fail(ERROR_INVALID_HANDLE);
    for (block* b = h->first; b != nullptr;) {
        block* next = b->next;
        b->magic = 0;
        std::free(b);
        b = next;
    }
    h->magic = 0;
    delete h;
    return TRUE;
}

// HeapAlloc and HeapReAlloc do not set the last error on failure (Windows documents that).
LPVOID WINAPI HeapAlloc(HANDLE hHeap, DWORD dwFlags, SIZE_T dwBytes) {
    heap* h = heap_of(hHeap);
    if (h == nullptr || dwBytes > SIZE_MAX - sizeof(block)) return nullptr;
    std::lock_guard lock(h->mutex);
    if (over_limit(*h, dwBytes)) return nullptr;
    auto* b = static_cast<block*>((dwFlags & HEAP_ZERO_MEMORY) ? std::calloc(1, sizeof(block) + dwBytes)
                                                              : std::malloc(sizeof(block) + dwBytes));
    if (b == nullptr) return nullptr;
    b->magic = block_magic;
    b->owner = h;
    b->size = dwBytes;
    if (!h->process) link(*h, b);
    h->in_use += dwBytes;
    return b + 1;
}

LPVOID WINAPI HeapReAlloc(HANDLE hHeap, DWORD dwFlags, LPVOID lpMem, SIZE_T dwBytes) {
    heap* h = heap_of(hHeap);
    if (h == nullptr || dwBytes > SIZE_MAX - sizeof(block)) return nullptr;
    std::lock_guard lock(h->mutex);
    block* b = block_of(*h, lpMem);
    if (b == nullptr) return nullptr;
    const std::size_t old_size = b->size;
    if (dwBytes > old_size && over_limit(*h, dwBytes - old_size)) return nullptr;
    if (dwFlags & HEAP_REALLOC_IN_PLACE_ONLY) {
        if (dwBytes > old_size) return nullptr;  // no growth without moving here
        b->size = dwBytes;
        h->in_use -= old_size - dwBytes;
        return lpMem;
    }
    if (!h->process) unlink(*h, b);
    auto* grown = static_cast<block*>(std::realloc(b, sizeof(block) + dwBytes));
    if (grown == nullptr) {
        if (!h->process) link(*h, b);
        return nullptr;
    }
    if ((dwFlags & HEAP_ZERO_MEMORY) && dwBytes > old_size) {
        std::memset(reinterpret_cast<char*>(grown + 1) + old_size, 0, dwBytes - old_size);
    }
    grown->size = dwBytes;
    if (!h->process) link(*h, grown);
    h->in_use = h->in_use - old_size + dwBytes;
    return grown + 1;
}

BOOL WINAPI HeapFree(HANDLE hHeap, DWORD, LPVOID lpMem) {
    heap* h = heap_of(hHeap);
    if (h == nullptr) return fail(ERROR_INVALID_HANDLE);
    if (lpMem == nullptr) return TRUE;
    std::lock_guard lock(h->mutex);
    block* b = block_of(*h, lpMem);
    if (b == nullptr) return fail(ERROR_INVALID_PARAMETER);
    if (!h->process) unlink(*h, b);
    h->in_use -= b->size;
    b->magic = 0;
    std::free(b);
    return TRUE;
}

SIZE_T WINAPI HeapSize(HANDLE hHeap, DWORD, LPCVOID lpMem) {
    heap* h = heap_of(hHeap);
    if (h == nullptr) return fail(ERROR_INVALID_HANDLE, static_cast<SIZE_T>(-1));
    std::lock_guard lock(h->mutex);
    block* b = block_of(*h, lpMem);
    if (b == nullptr) return fail(ERROR_INVALID_PARAMETER, static_cast<SIZE_T>(-1));
    return b->size;
}

}  // extern "C"
