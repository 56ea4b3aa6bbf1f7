/*
 * memoryapi.h - querying and changing page protection (VirtualQuery, VirtualProtect) of any
 * mapped address, from the process's own memory map.  PAGE_GUARD is refused with
 * ERROR_INVALID_PARAMETER (Linux has no one-shot guard pages).
 */
#ifndef ISAPI_WIN32_MEMORYAPI_H
#define ISAPI_WIN32_MEMORYAPI_H

#include "winbase.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PAGE_WRITECOPY 0x08
#define PAGE_EXECUTE_WRITECOPY 0x80
#define PAGE_GUARD 0x100
#define PAGE_NOCACHE 0x200
#define MEM_FREE 0x00010000
#define MEM_PRIVATE 0x00020000
#define MEM_MAPPED 0x00040000
#define MEM_IMAGE 0x01000000
#define NONZEROLHND LMEM_MOVEABLE
#define NONZEROLPTR LMEM_FIXED

typedef struct _MEMORY_BASIC_INFORMATION {
    PVOID BaseAddress;
    PVOID AllocationBase;
    DWORD AllocationProtect;
    WORD PartitionId;
    SIZE_T RegionSize;
    DWORD State;
    DWORD Protect;
    DWORD Type;
} MEMORY_BASIC_INFORMATION, *PMEMORY_BASIC_INFORMATION;

/* The run of pages from lpAddress's page with the same protection; a free run is MEM_FREE. */
ISAPI_WIN32_API SIZE_T WINAPI VirtualQuery(LPCVOID lpAddress, PMEMORY_BASIC_INFORMATION lpBuffer,
                                           SIZE_T dwLength);
/* Every page of the range must be mapped (ERROR_INVALID_ADDRESS otherwise); lpflOldProtect,
 * which must not be NULL (ERROR_NOACCESS), gets the first page's previous protection. */
ISAPI_WIN32_API BOOL WINAPI VirtualProtect(LPVOID lpAddress, SIZE_T dwSize, DWORD flNewProtect,
                                           PDWORD lpflOldProtect);

/* Zeroes memory through volatile stores, so the compiler cannot drop it as a dead store. */
static inline PVOID RtlSecureZeroMemory(PVOID ptr, SIZE_T cnt) {
    volatile char *bytes = ISAPI_SCAST_(volatile char *, ptr);
    while (cnt > 0) {
        *bytes = 0;
        ++bytes;
        --cnt;
    }
    return ptr;
}

#ifdef __cplusplus
}
#endif

#endif /* ISAPI_WIN32_MEMORYAPI_H */
