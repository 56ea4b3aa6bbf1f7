// Time: ticks and performance counter from CLOCK_MONOTONIC, wall time from CLOCK_REALTIME,
// FILETIME as 100 ns units since 1601-01-01 UTC, SYSTEMTIME fields checked as Windows does.
#include <time.h>

#include <isapi/win32/windows.h>

#include "win32/win32_error.hpp"

namespace {

using isapi_fcgi::win32::fail;

constexpr ULONGLONG unix_epoch_in_filetime = 116444736000000000ULL;  // 1970-01-01 in 100 ns
constexpr ULONGLONG ticks_per_second = 10000000ULL;
constexpr long long seconds_per_day = 86400;

ULONGLONG monotonic_nanoseconds() {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<ULONGLONG>(now.tv_sec) * 1000000000ULL + static_cast<ULONGLONG>(now.tv_nsec);
}

ULONGLONG now_as_filetime() {
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    return unix_epoch_in_filetime + static_cast<ULONGLONG>(now.tv_sec) * ticks_per_second
           + static_cast<ULONGLONG>(now.tv_nsec) / 100;
}

ULONGLONG value_of(const FILETIME& time) {
    return (static_cast<ULONGLONG>(time.dwHighDateTime) << 32) | time.dwLowDateTime;
}

FILETIME filetime_of(ULONGLONG value) {
    return FILETIME{static_cast<DWORD>(value & 0xFFFFFFFF), static_cast<DWORD>(value >> 32)};
}

bool leap(long long year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(long long year, int month) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && leap(year) ? 29 : days[month - 1];
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
long long days_from_civil(long long y, unsigned m, unsigned d) {
    y -= m <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long long>(doe) - 719468;
}

void civil_from_days(long long z, long long& y, unsigned& m, unsigned& d) {
    z += 719468;
    const long long era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<long long>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

SYSTEMTIME system_time_of(ULONGLONG filetime) {
    const ULONGLONG total_ms = filetime / 10000;
    const long long days = static_cast<long long>(total_ms / 86400000ULL);
    const ULONGLONG ms_of_day = total_ms % 86400000ULL;
    // Day 0 of FILETIME (1601-01-01) is a Monday.
    const long long days_since_1970 = days - 134774;
    long long year = 0;
    unsigned month = 0;
    unsigned day = 0;
    civil_from_days(days_since_1970, year, month, day);
    SYSTEMTIME out{};
    out.wYear = static_cast<WORD>(year);
    out.wMonth = static_cast<WORD>(month);
    out.wDay = static_cast<WORD>(day);
    out.wDayOfWeek = static_cast<WORD>((days + 1) % 7);
    out.wHour = static_cast<WORD>(ms_of_day / 3600000);
    out.wMinute = static_cast<WORD>(ms_of_day / 60000 % 60);
    out.wSecond = static_cast<WORD>(ms_of_day / 1000 % 60);
    out.wMilliseconds = static_cast<WORD>(ms_of_day % 1000);
    return out;
}

long long local_offset_seconds(ULONGLONG filetime) {
    const auto seconds = static_cast<time_t>((filetime - unix_epoch_in_filetime) / ticks_per_second);
    tm local{};
    ::localtime_r(&seconds, &local);
    return local.tm_gmtoff;
}

}  // namespace

extern "C" {

DWORD WINAPI GetTickCount(VOID) {
    return static_cast<DWORD>(monotonic_nanoseconds() / 1000000ULL);  // wraps after 49.7 days
}

ULONGLONG WINAPI GetTickCount64(VOID) {
    return monotonic_nanoseconds() / 1000000ULL;
}

VOID WINAPI GetSystemTimeAsFileTime(LPFILETIME lpSystemTimeAsFileTime) {
    *lpSystemTimeAsFileTime = filetime_of(now_as_filetime());
}

VOID WINAPI GetSystemTime(LPSYSTEMTIME lpSystemTime) {
    *lpSystemTime = system_time_of(now_as_filetime());
}

VOID WINAPI GetLocalTime(LPSYSTEMTIME lpSystemTime) {
    const ULONGLONG now = now_as_filetime();
    *lpSystemTime = system_time_of(static_cast<ULONGLONG>(
        static_cast<long long>(now) + local_offset_seconds(now) * static_cast<long long>(ticks_per_second)));
}

BOOL WINAPI SystemTimeToFileTime(const SYSTEMTIME* lpSystemTime, LPFILETIME lpFileTime) {
    if (lpSystemTime == nullptr || lpFileTime == nullptr) return fail(ERROR_INVALID_PARAMETER);
    const SYSTEMTIME& t = *lpSystemTime;
    // wDayOfWeek is ignored, as on Windows; every other field must be in range.
    if (t.wYear < 1601 || t.wYear > 30827 || t.wMonth < 1 || t.wMonth > 12 || t.wDay < 1
        || t.wDay > days_in_month(t.wYear, t.wMonth) || t.wHour > 23 || t.wMinute > 59
        || t.wSecond > 59 || t.wMilliseconds > 999) {
        return fail(ERROR_INVALID_PARAMETER);
    }
    const long long days = days_from_civil(t.wYear, t.wMonth, t.wDay) + 134774;
    const long long ms = days * seconds_per_day * 1000 + t.wHour * 3600000LL + t.wMinute * 60000LL
                         + t.wSecond * 1000LL + t.wMilliseconds;
    *lpFileTime = filetime_of(static_cast<ULONGLONG>(ms) * 10000ULL);
    return TRUE;
}

BOOL WINAPI FileTimeToSystemTime(const FILETIME* lpFileTime, LPSYSTEMTIME lpSystemTime) {
    if (lpFileTime == nullptr || lpSystemTime == nullptr) return fail(ERROR_INVALID_PARAMETER);
    const ULONGLONG value = value_of(*lpFileTime);
    if (value > 0x7FFFFFFFFFFFFFFFULL) return fail(ERROR_INVALID_PARAMETER);
    *lpSystemTime = system_time_of(value);
    return TRUE;
}

BOOL WINAPI FileTimeToLocalFileTime(const FILETIME* lpFileTime, LPFILETIME lpLocalFileTime) {
    if (lpFileTime == nullptr || lpLocalFileTime == nullptr) return fail(ERROR_INVALID_PARAMETER);
    const ULONGLONG value = value_of(*lpFileTime);
    const long long offset = value >= unix_epoch_in_filetime ? local_offset_seconds(value) : 0;
    *lpLocalFileTime = filetime_of(static_cast<ULONGLONG>(
        static_cast<long long>(value) + offset * static_cast<long long>(ticks_per_second)));
    return TRUE;
}

LONG WINAPI CompareFileTime(const FILETIME* lpFileTime1, const FILETIME* lpFileTime2) {
    const ULONGLONG a = value_of(*lpFileTime1);
    const ULONGLONG b = value_of(*lpFileTime2);
    return a < b ? -1 : (a > b ? 1 : 0);
}

BOOL WINAPI QueryPerformanceCounter(LARGE_INTEGER* lpPerformanceCount) {
    if (lpPerformanceCount == nullptr) return fail(ERROR_NOACCESS);
    lpPerformanceCount->QuadPart = static_cast<LONGLONG>(monotonic_nanoseconds());
    return TRUE;
}

BOOL WINAPI QueryPerformanceFrequency(LARGE_INTEGER* lpFrequency) {
    if (lpFrequency == nullptr) return fail(ERROR_NOACCESS);
    lpFrequency->QuadPart = 1000000000LL;  // the counter counts nanoseconds
    return TRUE;
}

}  // extern "C"
