// VirtualAlloc/VirtualFree over mmap. Regions are remembered by base address because
// MEM_RELEASE takes no size (it must be 0) and munmap needs one.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <map>
#include <mutex>

#include <isapi/win32/windows.h>

#include "win32/win32_error.hpp"

namespace {

using isapi_fcgi::win32::errno_code;
using isapi_fcgi::win32::fail;

struct regions {
    std::mutex mutex;
    std::map<std::uintptr_t, std::size_t> by_base;  // reserved regions: base -> length
};

regions& all_regions() {
    static auto* instance = new regions();
    return *instance;
}

std::size_t page_size() {
    static const auto size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    return size;
}

int protection(DWORD protect, bool& ok) {
    ok = true;
    switch (protect) {
        case PAGE_NOACCESS: return PROT_NONE;
        case PAGE_READONLY: return PROT_READ;
        case PAGE_READWRITE: return PROT_READ | PROT_WRITE;
        case PAGE_EXECUTE: return PROT_EXEC;
        case PAGE_EXECUTE_READ: return PROT_READ | PROT_EXEC;
        case PAGE_EXECUTE_READWRITE: return PROT_READ | PROT_WRITE | PROT_EXEC;
        default: ok = false; return PROT_NONE;
    }
}

// The reserved region holding [address, address + length), or end().
std::map<std::uintptr_t, std::size_t>::iterator region_of(regions& r, std::uintptr_t address,
                                                          std::size_t length) {
    auto it = r.by_base.upper_bound(address);
    if (it == r.by_base.begin()) return r.by_base.end();
    --it;
    if (address + length > it->first + it->second) return r.by_base.end();
    return it;
}

}  // namespace

extern "C" {

LPVOID WINAPI VirtualAlloc(LPVOID lpAddress, SIZE_T dwSize, DWORD flAllocationType,
                           DWORD flProtect) {
    bool known = false;
    const int prot = protection(flProtect, known);
    const DWORD kind = flAllocationType & (MEM_COMMIT | MEM_RESERVE);
    if (!known || dwSize == 0 || kind == 0 || (flAllocationType & ~(MEM_COMMIT | MEM_RESERVE)) != 0) {
        return fail(ERROR_INVALID_PARAMETER, LPVOID{nullptr});
    }
    const std::size_t page = page_size();
    regions& r = all_regions();
    std::lock_guard lock(r.mutex);
    if (lpAddress != nullptr && !(kind & MEM_RESERVE)) {
        // Commit pages of a region reserved earlier.
        const auto start = reinterpret_cast<std::uintptr_t>(lpAddress) & ~(page - 1);
        const auto end = (reinterpret_cast<std::uintptr_t>(lpAddress) + dwSize + page - 1) & ~(page - 1);
        if (region_of(r, start, end - start) == r.by_base.end()) {
            return fail(ERROR_INVALID_ADDRESS, LPVOID{nullptr});
        }
        if (::mprotect(reinterpret_cast<void*>(start), end - start, prot) != 0) {
            return fail(errno_code(), LPVOID{nullptr});
        }
        return reinterpret_cast<void*>(start);
    }
    if (lpAddress != nullptr) {
        return fail(ERROR_INVALID_ADDRESS, LPVOID{nullptr});  // placing a region is not offered
    }
    const std::size_t length = (dwSize + page - 1) & ~(page - 1);
    // Reserved-only pages are inaccessible until committed, as on Windows; committed pages
    // read as zero.
    void* base = ::mmap(nullptr, length, (kind & MEM_COMMIT) ? prot : PROT_NONE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) return fail(ERROR_NOT_ENOUGH_MEMORY, LPVOID{nullptr});
    try {
        r.by_base.emplace(reinterpret_cast<std::uintptr_t>(base), length);
    } catch (...) {
        ::munmap(base, length);
        return fail(ERROR_NOT_ENOUGH_MEMORY, LPVOID{nullptr});
    }
    return base;
}

BOOL WINAPI VirtualFree(LPVOID lpAddress, SIZE_T dwSize, DWORD dwFreeType) {
    if (lpAddress == nullptr) return fail(ERROR_INVALID_PARAMETER);
    regions& r = all_regions();
    std::lock_guard lock(r.mutex);
    const auto address = reinterpret_cast<std::uintptr_t>(lpAddress);
    if (dwFreeType == MEM_RELEASE) {
        // The whole region, named by its base, and dwSize must be 0.
        const auto it = r.by_base.find(address);
        if (dwSize != 0 || it == r.by_base.end()) return fail(ERROR_INVALID_PARAMETER);
        ::munmap(lpAddress, it->second);
        r.by_base.erase(it);
        return TRUE;
    }
    if (dwFreeType == MEM_DECOMMIT) {
        const std::size_t page = page_size();
        const auto start = address & ~(page - 1);
        auto it = region_of(r, start, 1);
        if (it == r.by_base.end()) return fail(ERROR_INVALID_ADDRESS);
        // dwSize 0 decommits the whole region from its base.
        const std::size_t length = dwSize == 0 ? it->first + it->second - start
                                               : ((address + dwSize + page - 1) & ~(page - 1)) - start;
        if (region_of(r, start, length) == r.by_base.end()) return fail(ERROR_INVALID_ADDRESS);
        // Fresh zero pages without access: what decommitted memory looks like.
        if (::mmap(reinterpret_cast<void*>(start), length, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) == MAP_FAILED) {
            return fail(errno_code());
        }
        return TRUE;
    }
    return fail(ERROR_INVALID_PARAMETER);
}

}  // extern "C"
