// GetTimeZoneInformation and SystemTimeToTzSpecificLocalTime over the C library's zone data.
#include <ctime>
#include <cstring>
#include <string>

#include <isapi/win32/windows.h>

#include "win32/unicode.hpp"
#include "win32/win32_error.hpp"

namespace {

using isapi_fcgi::win32::fail;

void copy_name(const char* name, WCHAR (&out)[32]) {
    std::memset(out, 0, sizeof(out));
    const auto wide = isapi_fcgi::win32::utf8_to_utf16(name != nullptr ? name : "", false);
    const std::size_t n = wide->size() < 31 ? wide->size() : 31;
    std::memcpy(out, wide->data(), n * sizeof(WCHAR));
}

SYSTEMTIME system_time_of(const std::tm& tm) {
    SYSTEMTIME time{};
    time.wYear = static_cast<WORD>(tm.tm_year + 1900);
    time.wMonth = static_cast<WORD>(tm.tm_mon + 1);
    time.wDayOfWeek = static_cast<WORD>(tm.tm_wday);
    time.wDay = static_cast<WORD>(tm.tm_mday);
    time.wHour = static_cast<WORD>(tm.tm_hour);
    time.wMinute = static_cast<WORD>(tm.tm_min);
    time.wSecond = static_cast<WORD>(tm.tm_sec);
    return time;
}

// The first second of [from, to) whose is-DST state differs from `from`'s (binary search).
time_t transition(time_t from, time_t to) {
    std::tm at{};
    ::localtime_r(&from, &at);
    const int state = at.tm_isdst;
    while (to - from > 1) {
        const time_t middle = from + (to - from) / 2;
        ::localtime_r(&middle, &at);
        if (at.tm_isdst == state) from = middle;
        else to = middle;
    }
    return to;
}

// Local wall-clock time of the transition, as Windows states it (the time before the change).
SYSTEMTIME transition_date(time_t instant, long offset_before) {
    const time_t wall = instant + offset_before;
    std::tm tm{};
    ::gmtime_r(&wall, &tm);
    return system_time_of(tm);
}

// Day of week 0..6 of a date (Sakamoto).
int day_of_week(int year, int month, int day) {
    static constexpr int offsets[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    if (month < 3) year -= 1;
    return (year + year / 4 - year / 100 + year / 400 + offsets[month - 1] + day) % 7;
}

// A transition rule for `year` as minutes since the year's start (UTC-free wall clock).
long long rule_minutes(const SYSTEMTIME& rule, int year) {
    int day = rule.wDay;
    if (rule.wYear == 0) {
        // wDay-th (5 = last) wDayOfWeek of wMonth.
        static constexpr int lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int length = lengths[rule.wMonth - 1];
        if (rule.wMonth == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) length = 29;
        const int first = day_of_week(year, rule.wMonth, 1);
        day = 1 + (rule.wDayOfWeek - first + 7) % 7 + (rule.wDay - 1) * 7;
        while (day > length) day -= 7;
    }
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = rule.wMonth - 1;
    tm.tm_mday = day;
    const long long days = static_cast<long long>(::timegm(&tm) / 86400);
    tm.tm_mon = 0;
    tm.tm_mday = 1;
    const long long start = static_cast<long long>(::timegm(&tm) / 86400);
    return (days - start) * 1440 + rule.wHour * 60 + rule.wMinute;
}

}  // namespace

extern "C" {

DWORD WINAPI GetTimeZoneInformation(LPTIME_ZONE_INFORMATION lpTimeZoneInformation) {
    if (lpTimeZoneInformation == nullptr) return fail(ERROR_INVALID_PARAMETER, TIME_ZONE_ID_INVALID);
    ::tzset();
    TIME_ZONE_INFORMATION& zone = *lpTimeZoneInformation;
    std::memset(&zone, 0, sizeof(zone));
    const time_t now = ::time(nullptr);
    std::tm local{};
    ::localtime_r(&now, &local);
    std::tm year_start_tm{};
    year_start_tm.tm_year = local.tm_year;
    year_start_tm.tm_mday = 1;
    const time_t year_start = ::timegm(&year_start_tm) - 14 * 3600;
    year_start_tm.tm_year += 1;
    const time_t year_end = ::timegm(&year_start_tm) + 14 * 3600;
    // Standard and daylight offsets seen during this year.
    std::tm probe{};
    ::localtime_r(&year_start, &probe);
    long standard_offset = probe.tm_gmtoff;
    const time_t first = transition(year_start, year_end);
    copy_name(::tzname[0], zone.StandardName);
    copy_name(::tzname[1], zone.DaylightName);
    if (first >= year_end) {
        if (probe.tm_isdst > 0) standard_offset -= 3600;
        zone.Bias = static_cast<LONG>(-standard_offset / 60);
        return TIME_ZONE_ID_UNKNOWN;
    }
    const time_t second = transition(first, year_end);
    std::tm at_first{};
    ::localtime_r(&first, &at_first);
    const bool first_is_daylight_start = at_first.tm_isdst > 0;
    const long daylight_offset = first_is_daylight_start ? at_first.tm_gmtoff : probe.tm_gmtoff;
    standard_offset = first_is_daylight_start ? probe.tm_gmtoff : at_first.tm_gmtoff;
    zone.Bias = static_cast<LONG>(-standard_offset / 60);
    zone.StandardBias = 0;
    zone.DaylightBias = static_cast<LONG>(-(daylight_offset - standard_offset) / 60);
    const time_t daylight_start = first_is_daylight_start ? first : second;
    const time_t standard_start = first_is_daylight_start ? second : first;
    if (daylight_start < year_end) zone.DaylightDate = transition_date(daylight_start, standard_offset);
    if (standard_start < year_end) zone.StandardDate = transition_date(standard_start, daylight_offset);
    return local.tm_isdst > 0 ? TIME_ZONE_ID_DAYLIGHT : TIME_ZONE_ID_STANDARD;
}

BOOL WINAPI SystemTimeToTzSpecificLocalTime(const TIME_ZONE_INFORMATION* lpTimeZoneInformation,
                                            const SYSTEMTIME* lpUniversalTime,
                                            LPSYSTEMTIME lpLocalTime) {
    if (lpUniversalTime == nullptr || lpLocalTime == nullptr) return fail(ERROR_INVALID_PARAMETER);
    FILETIME universal{};
    if (!SystemTimeToFileTime(lpUniversalTime, &universal)) return FALSE;
    const auto ticks = (static_cast<ULONGLONG>(universal.dwHighDateTime) << 32) | universal.dwLowDateTime;
    const auto seconds = static_cast<long long>(ticks / 10000000ULL) - 11644473600LL;
    long long offset_seconds = 0;
    if (lpTimeZoneInformation == nullptr) {
        const time_t instant = static_cast<time_t>(seconds);
        std::tm local{};
        if (::localtime_r(&instant, &local) == nullptr) return fail(ERROR_INVALID_PARAMETER);
        offset_seconds = local.tm_gmtoff;
    } else {
        const TIME_ZONE_INFORMATION& zone = *lpTimeZoneInformation;
        long long bias = zone.Bias + zone.StandardBias;
        if (zone.DaylightDate.wMonth != 0 && zone.StandardDate.wMonth != 0) {
            const long long standard_local = seconds / 60 - zone.Bias - zone.StandardBias;
            const time_t as_time = static_cast<time_t>(standard_local * 60);
            std::tm tm{};
            ::gmtime_r(&as_time, &tm);
            const int year = tm.tm_year + 1900;
            tm.tm_mon = 0;
            tm.tm_mday = 1;
            tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
            const long long minute_of_year = standard_local - static_cast<long long>(::timegm(&tm) / 60);
            const long long begins = rule_minutes(zone.DaylightDate, year);
            const long long ends = rule_minutes(zone.StandardDate, year) - (zone.StandardBias - zone.DaylightBias);
            const bool in_daylight = begins < ends ? (minute_of_year >= begins && minute_of_year < ends)
                                                : (minute_of_year >= begins || minute_of_year < ends);
            if (in_daylight) bias = zone.Bias + zone.DaylightBias;
        }
        offset_seconds = -bias * 60;
    }
    const ULONGLONG local_ticks = ticks + static_cast<ULONGLONG>(offset_seconds * 10000000LL);
    const FILETIME local{static_cast<DWORD>(local_ticks & 0xFFFFFFFF), static_cast<DWORD>(local_ticks >> 32)};
    if (!FileTimeToSystemTime(&local, lpLocalTime)) return FALSE;
    lpLocalTime->wMilliseconds = lpUniversalTime->wMilliseconds;
    return TRUE;
}

}  // extern "C"
