// GetDateFormat / GetTimeFormat for English (United States) pictures, with Windows' buffer
// rules: the count includes the NUL, 0 asks for the size, too small is
// ERROR_INSUFFICIENT_BUFFER.
#include <cstdio>
#include <cstring>
#include <string>

#include <isapi/win32/windows.h>

#include "win32/win32_error.hpp"

namespace {

using isapi_fcgi::win32::fail;

constexpr const char* month_names[] = {"January", "February", "March", "April", "May", "June",
                                       "July", "August", "September", "October", "November",
                                       "December"};
constexpr const char* day_names[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday",
                                     "Friday", "Saturday"};

bool known_locale(LCID locale) {
    const LCID language = locale & 0xFFFF;
    return language == LOCALE_SYSTEM_DEFAULT || language == LOCALE_USER_DEFAULT
           || language == LOCALE_INVARIANT || language == 0x0409 || language == LOCALE_NEUTRAL;
}

bool leap(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in(int month, int year) {
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && leap(year) ? 29 : days[month - 1];
}

// Sakamoto's method: 0 = Sunday.
int day_of_week(int year, int month, int day) {
    static constexpr int offsets[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    if (month < 3) year -= 1;
    return (year + year / 4 - year / 100 + year / 400 + offsets[month - 1] + day) % 7;
}

std::string number(int value, int digits) {
    std::string text = std::to_string(value);
    if (static_cast<int>(text.size()) < digits) text.insert(0, static_cast<std::size_t>(digits) - text.size(), '0');
    return text;
}

// Expands a picture: runs of one letter are elements, '...' is literal text.
std::string expand(const char* picture, const SYSTEMTIME& time, bool date, DWORD flags) {
    std::string out;
    for (const char* p = picture; *p != '\0';) {
        if (*p == '\'') {
            ++p;
            while (*p != '\0') {
                if (*p == '\'' && p[1] == '\'') {
                    out += '\'';
                    p += 2;
                } else if (*p == '\'') {
                    ++p;
                    break;
                } else {
                    out += *p++;
                }
            }
            continue;
        }
        const char c = *p;
        int run = 0;
        while (p[run] == c) ++run;
        p += run;
        if (date && c == 'd') {
            if (run == 1) out += number(time.wDay, 1);
            else if (run == 2) out += number(time.wDay, 2);
            else if (run == 3) out += std::string(day_names[time.wDayOfWeek], 3);
            else out += day_names[time.wDayOfWeek];
        } else if (date && c == 'M') {
            if (run <= 2) out += number(time.wMonth, run);
            else if (run == 3) out += std::string(month_names[time.wMonth - 1], 3);
            else out += month_names[time.wMonth - 1];
        } else if (date && c == 'y') {
            if (run <= 2) out += number(time.wYear % 100, run);
            else out += number(time.wYear, run == 3 ? 4 : run);
        } else if (date && c == 'g') {
            out += "A.D.";
        } else if (!date && (c == 'h' || c == 'H')) {
            int hour = time.wHour;
            if (c == 'h' && !(flags & TIME_FORCE24HOURFORMAT)) hour = hour % 12 == 0 ? 12 : hour % 12;
            out += number(hour, run >= 2 ? 2 : 1);
        } else if (!date && c == 'm') {
            if (!(flags & TIME_NOMINUTESORSECONDS)) out += number(time.wMinute, run >= 2 ? 2 : 1);
        } else if (!date && c == 's') {
            if (!(flags & (TIME_NOSECONDS | TIME_NOMINUTESORSECONDS))) {
                out += number(time.wSecond, run >= 2 ? 2 : 1);
            }
        } else if (!date && c == 't') {
            if (!(flags & TIME_NOTIMEMARKER)) {
                const char* marker = time.wHour < 12 ? "AM" : "PM";
                out += run == 1 ? std::string(marker, 1) : std::string(marker);
            }
        } else {
            out.append(static_cast<std::size_t>(run), c);
        }
    }
    // Windows drops the separator before an element the flags removed ("h:mm tt" stays tidy).
    return out;
}

int copy_result(const std::string& text, LPSTR buffer, int size) {
    const int needed = static_cast<int>(text.size()) + 1;
    if (size == 0) return needed;
    if (buffer == nullptr || size < 0) return fail(ERROR_INVALID_PARAMETER, 0);
    if (needed > size) return fail(ERROR_INSUFFICIENT_BUFFER, 0);
    std::memcpy(buffer, text.c_str(), text.size() + 1);
    return needed;
}

}  // namespace

extern "C" {

int WINAPI GetDateFormatA(LCID Locale, DWORD dwFlags, const SYSTEMTIME* lpDate, LPCSTR lpFormat,
                          LPSTR lpDateStr, int cchDate) {
    if (!known_locale(Locale) || cchDate < 0 || (cchDate > 0 && lpDateStr == nullptr)) {
        return fail(ERROR_INVALID_PARAMETER, 0);
    }
    const DWORD kinds = dwFlags & (DATE_SHORTDATE | DATE_LONGDATE | DATE_YEARMONTH);
    if (kinds != 0 && (kinds & (kinds - 1)) != 0) return fail(ERROR_INVALID_FLAGS, 0);
    if (lpFormat != nullptr && kinds != 0) return fail(ERROR_INVALID_FLAGS, 0);
    SYSTEMTIME time{};
    if (lpDate == nullptr) {
        GetLocalTime(&time);
    } else {
        time = *lpDate;
        if (time.wMonth < 1 || time.wMonth > 12 || time.wDay < 1 || time.wYear < 1601
            || time.wDay > days_in(time.wMonth, time.wYear)) {
            return fail(ERROR_INVALID_PARAMETER, 0);
        }
        // The day of the week is computed, whatever the caller put there (as Windows does).
        time.wDayOfWeek = static_cast<WORD>(day_of_week(time.wYear, time.wMonth, time.wDay));
    }
    const char* picture = lpFormat;
    if (picture == nullptr) {
        picture = (dwFlags & DATE_LONGDATE) ? "dddd, MMMM d, yyyy"
                  : (dwFlags & DATE_YEARMONTH) ? "MMMM yyyy" : "M/d/yyyy";
    }
    return copy_result(expand(picture, time, true, dwFlags), lpDateStr, cchDate);
}

int WINAPI GetTimeFormatA(LCID Locale, DWORD dwFlags, const SYSTEMTIME* lpTime, LPCSTR lpFormat,
                          LPSTR lpTimeStr, int cchTime) {
    if (!known_locale(Locale) || cchTime < 0 || (cchTime > 0 && lpTimeStr == nullptr)) {
        return fail(ERROR_INVALID_PARAMETER, 0);
    }
    SYSTEMTIME time{};
    if (lpTime == nullptr) {
        GetLocalTime(&time);
    } else {
        time = *lpTime;
        if (time.wHour > 23 || time.wMinute > 59 || time.wSecond > 59 || time.wMilliseconds > 999) {
            return fail(ERROR_INVALID_PARAMETER, 0);
        }
    }
    std::string picture = lpFormat != nullptr ? lpFormat : "h:mm:ss tt";
    if (lpFormat == nullptr) {
        // The default picture loses the parts the flags remove, with their separators.
        if (dwFlags & TIME_NOMINUTESORSECONDS) picture = "h tt";
        else if (dwFlags & TIME_NOSECONDS) picture = "h:mm tt";
        if (dwFlags & TIME_NOTIMEMARKER) picture.erase(picture.size() - 3);
        if (dwFlags & TIME_FORCE24HOURFORMAT) picture[0] = 'H';
    }
    return copy_result(expand(picture.c_str(), time, false, dwFlags), lpTimeStr, cchTime);
}

}  // extern "C"
