#include "runtime/handle_table.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <thread>
#include <vector>

namespace isapi_fcgi::runtime {
namespace {

TEST(handle_table, fd_zero_is_an_ordinary_entry) {
    handle_table table;
    const auto handle = table.insert(0);
    ASSERT_TRUE(handle);
    EXPECT_NE(*handle, 0U);
    EXPECT_NE(*handle, static_cast<std::uintptr_t>(-1));
    EXPECT_EQ(table.find(*handle), 0);
}

TEST(handle_table, handles_look_like_windows_handles) {
    handle_table table;
    std::set<std::uintptr_t> seen;
    for (int fd = 0; fd < 3000; ++fd) {
        const auto handle = table.insert(fd % 7);
        ASSERT_TRUE(handle);
        EXPECT_EQ(*handle % 4, 0U) << *handle;
        EXPECT_LT(*handle, std::uintptr_t{1} << 31) << *handle;
        EXPECT_TRUE(seen.insert(*handle).second) << "duplicate " << *handle;
        if (fd % 2 == 0) {
            EXPECT_EQ(table.erase(*handle), fd % 7);
        }
    }
}

TEST(handle_table, same_fd_twice_gives_two_handles) {
    handle_table table;
    const auto first = table.insert(5);
    const auto second = table.insert(5);
    ASSERT_TRUE(first && second);
    EXPECT_NE(*first, *second);
    EXPECT_EQ(table.erase(*first), 5);
    EXPECT_EQ(table.find(*second), 5);
}

TEST(handle_table, values_it_did_not_hand_out_resolve_to_nothing) {
    handle_table table;
    const auto handle = table.insert(3);
    ASSERT_TRUE(handle);
    EXPECT_FALSE(table.find(0));
    EXPECT_FALSE(table.find(static_cast<std::uintptr_t>(-1)));
    EXPECT_FALSE(table.find(*handle + 1));     // not a multiple of 4
    EXPECT_FALSE(table.find(*handle + 4));     // a slot never used
    EXPECT_FALSE(table.find(3));               // the fd itself is not a handle
    EXPECT_FALSE(table.find(std::uintptr_t{1} << 40));
    EXPECT_FALSE(table.erase(*handle + 4));
    EXPECT_EQ(table.find(*handle), 3);
}

TEST(handle_table, released_handle_stays_dead_when_its_slot_is_reused) {
    handle_table table(4); // small, so the slot is reused at once
    std::vector<std::uintptr_t> live;
    for (int fd = 10; fd < 14; ++fd) {
        live.push_back(*table.insert(fd));
    }
    const std::uintptr_t stale = live[1];
    EXPECT_EQ(table.erase(stale), 11);
    EXPECT_FALSE(table.find(stale));
    EXPECT_FALSE(table.erase(stale)); // a second release is refused

    const auto reused = table.insert(20);
    ASSERT_TRUE(reused);
    EXPECT_NE(*reused, stale);
    EXPECT_FALSE(table.find(stale));
    EXPECT_EQ(table.find(*reused), 20);
}

TEST(handle_table, full_table_refuses_then_recovers) {
    handle_table table(8);
    std::vector<std::uintptr_t> handles;
    for (int fd = 0; fd < 8; ++fd) {
        const auto handle = table.insert(fd);
        ASSERT_TRUE(handle) << fd;
        handles.push_back(*handle);
    }
    EXPECT_FALSE(table.insert(99));
    EXPECT_EQ(table.erase(handles[3]), 3);
    const auto again = table.insert(99);
    ASSERT_TRUE(again);
    EXPECT_EQ(table.find(*again), 99);
    EXPECT_FALSE(table.insert(100));
}

TEST(handle_table, released_slots_are_reused_only_after_a_delay) {
    handle_table table;
    const auto first = table.insert(1);
    ASSERT_TRUE(first);
    table.erase(*first);
    // Until reuse_delay slots are waiting, new handles come from fresh slots.
    for (std::size_t i = 0; i + 1 < handle_table::reuse_delay; ++i) {
        const auto handle = table.insert(2);
        ASSERT_TRUE(handle);
        EXPECT_NE((*handle >> 2) & ((1u << handle_table::slot_bits) - 1),
                  (*first >> 2) & ((1u << handle_table::slot_bits) - 1));
        table.erase(*handle);
    }
    const auto reused = table.insert(3);
    ASSERT_TRUE(reused);
    EXPECT_EQ(*reused, handle_table::encode(static_cast<std::uint32_t>(*first >> 2), 1));
}

TEST(handle_table, generation_wraps_without_producing_zero_or_large_values) {
    handle_table table(1);
    const auto first = table.insert(0);
    ASSERT_TRUE(first);
    std::uintptr_t handle = *first;
    for (int round = 0; round < 1030; ++round) {
        ASSERT_EQ(table.erase(handle), 0);
        const auto next = table.insert(0);
        ASSERT_TRUE(next);
        handle = *next;
        ASSERT_NE(handle, 0U);
        ASSERT_LT(handle, std::uintptr_t{1} << 31);
    }
    EXPECT_EQ(table.find(handle), 0);
}

TEST(handle_table, concurrent_insert_find_erase) {
    handle_table table;
    std::vector<std::thread> threads;
    std::vector<int> failures(4, 0);
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&table, &failures, t] {
            for (int i = 0; i < 2000; ++i) {
                const int fd = t * 10000 + i;
                const auto handle = table.insert(fd);
                if (!handle || table.find(*handle) != fd || table.erase(*handle) != fd
                    || table.find(*handle)) {
                    ++failures[static_cast<std::size_t>(t)];
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    for (const int count : failures) {
        EXPECT_EQ(count, 0);
    }
}

} // namespace
} // namespace isapi_fcgi::runtime

namespace isapi_fcgi::runtime {
namespace {

TEST(handle_table, object_handles_never_resolve_as_files_and_back) {
    handle_table table;
    int object = 0;
    const auto file = table.insert(3);
    const auto handle = table.insert_object(&object);
    ASSERT_TRUE(file && handle);
    EXPECT_NE(*file, *handle);
    EXPECT_FALSE(table.find(*handle));
    EXPECT_FALSE(table.erase(*handle));
    EXPECT_FALSE(table.find_object(*file));
    EXPECT_EQ(table.find_object(*handle), &object);
    EXPECT_EQ(table.erase_object(*handle), &object);
    EXPECT_FALSE(table.find_object(*handle));
    EXPECT_EQ(table.find(*file), 3);
}

}  // namespace
}  // namespace isapi_fcgi::runtime
