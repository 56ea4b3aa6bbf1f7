// Local/Global, heaps and virtual memory as Windows documents them. Leaks show up under ASan.
#include <windows.h>

#include <gtest/gtest.h>

#include <cstring>

namespace {

bool all_zero(const void* memory, std::size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(memory);
    for (std::size_t i = 0; i < size; ++i) {
        if (bytes[i] != 0) return false;
    }
    return true;
}

TEST(local_memory, zeroinit_size_and_free) {
    auto* memory = static_cast<char*>(LocalAlloc(LPTR, 100));
    ASSERT_NE(memory, nullptr);
    EXPECT_TRUE(all_zero(memory, 100));
    EXPECT_EQ(LocalSize(memory), 100u);
    memory = static_cast<char*>(LocalReAlloc(memory, 200, LMEM_ZEROINIT));
    ASSERT_NE(memory, nullptr);
    EXPECT_TRUE(all_zero(memory, 200));
    EXPECT_EQ(LocalFree(memory), nullptr);  // NULL means success
    EXPECT_EQ(LocalFree(nullptr), nullptr);
}

TEST(local_memory, freeing_a_foreign_pointer_returns_it_with_invalid_handle) {
    HLOCAL memory = LocalAlloc(LMEM_FIXED, 16);
    ASSERT_NE(memory, nullptr);
    alignas(16) char foreign[64] = {};
    EXPECT_EQ(LocalFree(foreign + 48), foreign + 48);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
    EXPECT_EQ(LocalFree(memory), nullptr);
}

TEST(global_memory, moveable_blocks_lock_to_their_address) {
    HGLOBAL handle = GlobalAlloc(GHND, 32);
    ASSERT_NE(handle, nullptr);
    void* pointer = GlobalLock(handle);
    EXPECT_EQ(pointer, handle);
    EXPECT_TRUE(all_zero(pointer, 32));
    EXPECT_EQ(GlobalSize(handle), 32u);
    EXPECT_FALSE(GlobalUnlock(handle));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(NO_ERROR));
    EXPECT_EQ(GlobalFree(handle), nullptr);
}

TEST(heaps, zero_memory_realloc_tail_and_size) {
    HANDLE heap = GetProcessHeap();
    ASSERT_NE(heap, nullptr);
    auto* block = static_cast<char*>(HeapAlloc(heap, HEAP_ZERO_MEMORY, 64));
    ASSERT_NE(block, nullptr);
    EXPECT_TRUE(all_zero(block, 64));
    std::memset(block, 'x', 64);
    block = static_cast<char*>(HeapReAlloc(heap, HEAP_ZERO_MEMORY, block, 128));
    ASSERT_NE(block, nullptr);
    EXPECT_EQ(block[63], 'x');
    EXPECT_TRUE(all_zero(block + 64, 64));
    EXPECT_EQ(HeapSize(heap, 0, block), 128u);
    EXPECT_EQ(HeapReAlloc(heap, HEAP_REALLOC_IN_PLACE_ONLY, block, 4096), nullptr);
    EXPECT_EQ(HeapReAlloc(heap, HEAP_REALLOC_IN_PLACE_ONLY, block, 16), block);
    EXPECT_TRUE(HeapFree(heap, 0, block));
    EXPECT_TRUE(HeapFree(heap, 0, nullptr));
}

TEST(heaps, private_heap_limit_and_destroy_frees_every_block) {
    HANDLE heap = HeapCreate(0, 0, 1024);
    ASSERT_NE(heap, nullptr);
    void* first = HeapAlloc(heap, 0, 600);
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(HeapAlloc(heap, 0, 600), nullptr);  // past dwMaximumSize
    for (int i = 0; i < 10; ++i) EXPECT_NE(HeapAlloc(heap, 0, 16), nullptr);
    // A block of one heap is not freed through another.
    EXPECT_FALSE(HeapFree(GetProcessHeap(), 0, first));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    EXPECT_TRUE(HeapDestroy(heap));  // ASan reports a leak if a block survived
    EXPECT_FALSE(HeapDestroy(GetProcessHeap()));
}

TEST(virtual_memory, commit_reserve_decommit_release) {
    auto* region = static_cast<char*>(VirtualAlloc(nullptr, 3 * 4096, MEM_RESERVE, PAGE_NOACCESS));
    ASSERT_NE(region, nullptr);
    EXPECT_EQ(VirtualAlloc(region + 4096, 4096, MEM_COMMIT, PAGE_READWRITE), region + 4096);
    region[4096] = 'x';
    EXPECT_EQ(region[4096], 'x');
    EXPECT_TRUE(VirtualFree(region + 4096, 4096, MEM_DECOMMIT));
    EXPECT_EQ(VirtualAlloc(region + 4096, 4096, MEM_COMMIT, PAGE_READWRITE), region + 4096);
    EXPECT_EQ(region[4096], '\0');  // decommitted pages come back zeroed
    EXPECT_FALSE(VirtualFree(region, 4096, MEM_RELEASE));  // MEM_RELEASE needs size 0
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    EXPECT_FALSE(VirtualFree(region + 4096, 0, MEM_RELEASE));  // and the base address
    EXPECT_TRUE(VirtualFree(region, 0, MEM_RELEASE));
    auto* committed = static_cast<char*>(VirtualAlloc(nullptr, 100, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE));
    ASSERT_NE(committed, nullptr);
    EXPECT_TRUE(all_zero(committed, 100));
    EXPECT_TRUE(VirtualFree(committed, 0, MEM_RELEASE));
    EXPECT_EQ(VirtualAlloc(nullptr, 0, MEM_COMMIT, PAGE_READWRITE), nullptr);
}

TEST(memory_macros, zero_copy_fill_move) {
    char buffer[8] = "abcdefg";
    ZeroMemory(buffer, 2);
    EXPECT_EQ(buffer[1], '\0');
    FillMemory(buffer, 3, 'x');
    CopyMemory(buffer + 4, "12", 2);
    MoveMemory(buffer + 1, buffer, 3);
    EXPECT_EQ(std::string(buffer, 7), "xxxx12g");
}

}  // namespace
