// Ticks, SYSTEMTIME/FILETIME conversion and the performance counter.
#include <windows.h>

#include <gtest/gtest.h>

#include <cstring>

#include <ctime>

namespace {

TEST(time, filetime_epoch_and_round_trip) {
    SYSTEMTIME unix_epoch{1970, 1, 0, 1, 0, 0, 0, 0};
    FILETIME at{};
    ASSERT_TRUE(SystemTimeToFileTime(&unix_epoch, &at));
    const ULONGLONG value = (static_cast<ULONGLONG>(at.dwHighDateTime) << 32) | at.dwLowDateTime;
    EXPECT_EQ(value, 116444736000000000ULL);
    SYSTEMTIME leap_day{2024, 2, 0, 29, 23, 59, 58, 999};
    ASSERT_TRUE(SystemTimeToFileTime(&leap_day, &at));
    SYSTEMTIME back{};
    ASSERT_TRUE(FileTimeToSystemTime(&at, &back));
    EXPECT_EQ(back.wYear, 2024);
    EXPECT_EQ(back.wMonth, 2);
    EXPECT_EQ(back.wDay, 29);
    EXPECT_EQ(back.wDayOfWeek, 4);  // a Thursday
    EXPECT_EQ(back.wHour, 23);
    EXPECT_EQ(back.wSecond, 58);
    EXPECT_EQ(back.wMilliseconds, 999);
    FILETIME zero{0, 0};
    ASSERT_TRUE(FileTimeToSystemTime(&zero, &back));
    EXPECT_EQ(back.wYear, 1601);
    EXPECT_EQ(back.wDayOfWeek, 1);  // 1601-01-01 was a Monday
}

TEST(time, invalid_fields_are_refused) {
    SYSTEMTIME bad{2023, 2, 0, 29, 0, 0, 0, 0};
    FILETIME at{};
    EXPECT_FALSE(SystemTimeToFileTime(&bad, &at));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    bad = SYSTEMTIME{2023, 13, 0, 1, 0, 0, 0, 0};
    EXPECT_FALSE(SystemTimeToFileTime(&bad, &at));
    FILETIME negative{0, 0x80000000u};
    SYSTEMTIME out{};
    EXPECT_FALSE(FileTimeToSystemTime(&negative, &out));
}

TEST(time, system_time_matches_the_clock) {
    SYSTEMTIME now{};
    GetSystemTime(&now);
    const std::time_t seconds = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    EXPECT_EQ(now.wYear, utc.tm_year + 1900);
    EXPECT_EQ(now.wMonth, utc.tm_mon + 1);
    EXPECT_EQ(now.wDayOfWeek, utc.tm_wday);
    FILETIME a{};
    FILETIME b{};
    GetSystemTimeAsFileTime(&a);
    GetSystemTimeAsFileTime(&b);
    EXPECT_LE(CompareFileTime(&a, &b), 0);
    EXPECT_EQ(CompareFileTime(&a, &a), 0);
    SYSTEMTIME local{};
    GetLocalTime(&local);
    EXPECT_GE(local.wYear, 2024);
}

TEST(time, ticks_and_performance_counter_advance) {
    const ULONGLONG start = GetTickCount64();
    LARGE_INTEGER frequency{};
    LARGE_INTEGER first{};
    LARGE_INTEGER second{};
    ASSERT_TRUE(QueryPerformanceFrequency(&frequency));
    EXPECT_EQ(frequency.QuadPart, 1000000000);
    ASSERT_TRUE(QueryPerformanceCounter(&first));
    Sleep(15);
    ASSERT_TRUE(QueryPerformanceCounter(&second));
    EXPECT_GE(second.QuadPart - first.QuadPart, 15000000);
    EXPECT_GE(GetTickCount64() - start, 15u);
    // GetTickCount is the low 32 bits of GetTickCount64 (read a moment apart).
    const DWORD low = GetTickCount();
    EXPECT_LE(static_cast<DWORD>(GetTickCount64()) - low, 5u);
}

}  // namespace
