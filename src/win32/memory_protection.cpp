// VirtualQuery / VirtualProtect from /proc/self/maps and mprotect(2).
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>

#include <isapi/win32/windows.h>

#include "win32/win32_error.hpp"

namespace {

using isapi_fcgi::win32::fail;

struct mapping {
    std::uintptr_t start = 0, end = 0;
    DWORD protect = PAGE_NOACCESS;
    bool is_private = true, file = false;
};

DWORD protect_of(const char* perms) {
    const bool r = perms[0] == 'r', w = perms[1] == 'w', x = perms[2] == 'x';
    if (x) return w ? PAGE_EXECUTE_READWRITE : (r ? PAGE_EXECUTE_READ : PAGE_EXECUTE);
    if (w) return PAGE_READWRITE;
    return r ? PAGE_READONLY : PAGE_NOACCESS;
}

// The mapping containing `address`, or the free gap around it (found = false, gap bounds set).
bool find_mapping(std::uintptr_t address, mapping& found, std::uintptr_t& gap_start, std::uintptr_t& gap_end) {
    FILE* maps = std::fopen("/proc/self/maps", "re");
    if (maps == nullptr) return false;
    char line[512];
    gap_start = 0;
    gap_end = UINTPTR_MAX;
    bool hit = false;
    while (std::fgets(line, sizeof(line), maps) != nullptr) {
        unsigned long start = 0, end = 0, inode = 0;
        char perms[8] = {};
        if (std::sscanf(line, "%lx-%lx %7s %*s %*s %lu", &start, &end, perms, &inode) < 3) continue;
        if (address >= start && address < end) {
            found = mapping{start, end, protect_of(perms), perms[3] == 'p', inode != 0};
            hit = true;
            break;
        }
        if (end <= address) gap_start = end;
        if (start > address) {
            gap_end = start;
            break;
        }
    }
    std::fclose(maps);
    return hit;
}

int prot_of(DWORD protect, bool& ok) {
    ok = true;
    switch (protect) {
        case PAGE_NOACCESS: return PROT_NONE;
        case PAGE_READONLY: return PROT_READ;
        case PAGE_READWRITE: case PAGE_WRITECOPY: return PROT_READ | PROT_WRITE;
        case PAGE_EXECUTE: return PROT_EXEC;
        case PAGE_EXECUTE_READ: return PROT_READ | PROT_EXEC;
        case PAGE_EXECUTE_READWRITE: case PAGE_EXECUTE_WRITECOPY: return PROT_READ | PROT_WRITE | PROT_EXEC;
        default: ok = false; return PROT_NONE;
    }
}

}  // namespace

extern "C" {

SIZE_T WINAPI VirtualQuery(LPCVOID lpAddress, PMEMORY_BASIC_INFORMATION lpBuffer, SIZE_T dwLength) {
    if (lpBuffer == nullptr || dwLength < sizeof(MEMORY_BASIC_INFORMATION)) {
        return fail(ERROR_BAD_LENGTH, SIZE_T{0});
    }
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto address = reinterpret_cast<std::uintptr_t>(lpAddress) & ~(page - 1);
    mapping found;
    std::uintptr_t gap_start = 0, gap_end = 0;
    std::memset(lpBuffer, 0, sizeof(*lpBuffer));
    lpBuffer->BaseAddress = reinterpret_cast<PVOID>(address);
    if (find_mapping(address, found, gap_start, gap_end)) {
        lpBuffer->AllocationBase = reinterpret_cast<PVOID>(found.start);
        lpBuffer->AllocationProtect = found.protect;
        lpBuffer->RegionSize = found.end - address;
        lpBuffer->State = MEM_COMMIT;
        lpBuffer->Protect = found.protect;
        lpBuffer->Type = found.file ? (found.is_private ? MEM_IMAGE : MEM_MAPPED) : MEM_PRIVATE;
    } else {
        if (address >= 0x800000000000ULL) return fail(ERROR_INVALID_PARAMETER, SIZE_T{0});
        lpBuffer->RegionSize = (gap_end > 0x800000000000ULL ? 0x800000000000ULL : gap_end) - address;
        lpBuffer->State = MEM_FREE;
        lpBuffer->Protect = PAGE_NOACCESS;
    }
    return sizeof(MEMORY_BASIC_INFORMATION);
}

BOOL WINAPI VirtualProtect(LPVOID lpAddress, SIZE_T dwSize, DWORD flNewProtect, PDWORD lpflOldProtect) {
    if (lpflOldProtect == nullptr) return fail(ERROR_NOACCESS);
    bool ok = false;
    const int prot = prot_of(flNewProtect, ok);
    if (!ok) return fail(ERROR_INVALID_PARAMETER);
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto first = reinterpret_cast<std::uintptr_t>(lpAddress) & ~(page - 1);
    const auto last = (reinterpret_cast<std::uintptr_t>(lpAddress) + (dwSize == 0 ? 1 : dwSize) + page - 1) & ~(page - 1);
    mapping found;
    std::uintptr_t gap_start = 0, gap_end = 0;
    if (!find_mapping(first, found, gap_start, gap_end)) return fail(ERROR_INVALID_ADDRESS);
    // Every page must be mapped: walk the mappings that cover the range.
    for (std::uintptr_t at = found.end; at < last;) {
        mapping next;
        if (!find_mapping(at, next, gap_start, gap_end)) return fail(ERROR_INVALID_ADDRESS);
        at = next.end;
    }
    if (::mprotect(reinterpret_cast<void*>(first), last - first, prot) != 0) {
        return fail(ERROR_INVALID_ADDRESS);
    }
    *lpflOldProtect = found.protect;
    return TRUE;
}

}  // extern "C"
