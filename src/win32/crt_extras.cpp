// itoa and friends, strlwr/strupr, _get_pgmptr: old MSVC CRT names glibc lacks.
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include <isapi/win32/windows.h>

#include "win32/invalid_parameter.hpp"

namespace {

char* to_text(unsigned long long value, bool negative, char* buffer, int radix) {
    if (buffer == nullptr) return buffer;
    if (radix < 2 || radix > 36) {
        isapi_fcgi::win32::invalid_parameter("_itoa", "radix out of 2..36");
        buffer[0] = '\0';
        return buffer;
    }
    char digits[72];
    int n = 0;
    do {
        const auto digit = static_cast<int>(value % static_cast<unsigned>(radix));
        digits[n++] = static_cast<char>(digit < 10 ? '0' + digit : 'a' + digit - 10);
        value /= static_cast<unsigned>(radix);
    } while (value != 0);
    char* out = buffer;
    if (negative) *out++ = '-';
    while (n > 0) *out++ = digits[--n];
    *out = '\0';
    return buffer;
}

// Negative values get a sign in radix 10 only; other radixes show the bits of `width`.
char* signed_to_text(long long value, unsigned long long mask, char* buffer, int radix) {
    if (radix == 10 && value < 0) {
        return to_text(0ULL - static_cast<unsigned long long>(value), true, buffer, radix);
    }
    return to_text(static_cast<unsigned long long>(value) & mask, false, buffer, radix);
}

char* map_case(char* str, bool upper) {
    if (str == nullptr) {
        isapi_fcgi::win32::invalid_parameter(upper ? "_strupr" : "_strlwr", "NULL string");
        errno = EINVAL;
        return nullptr;
    }
    for (char* p = str; *p != '\0'; ++p) {
        if (upper && *p >= 'a' && *p <= 'z') *p = static_cast<char>(*p - ('a' - 'A'));
        if (!upper && *p >= 'A' && *p <= 'Z') *p = static_cast<char>(*p + ('a' - 'A'));
    }
    return str;
}

errno_t map_case_s(const char* function, char* str, size_t size, bool upper) {
    if (str == nullptr) {
        isapi_fcgi::win32::invalid_parameter(function, "NULL string");
        return errno = EINVAL;
    }
    if (size == 0 || ::strnlen(str, size) == size) {
        if (size > 0) str[0] = '\0';
        isapi_fcgi::win32::invalid_parameter(function, "string not terminated within its size");
        return errno = EINVAL;
    }
    map_case(str, upper);
    return 0;
}

}  // namespace

extern "C" {

char* _itoa(int value, char* buffer, int radix) {
    return signed_to_text(value, 0xFFFFFFFFULL, buffer, radix);
}
char* _ltoa(long value, char* buffer, int radix) {
    // A Windows long is 32 bits: values outside it keep their 64 bits rather than wrap.
    const bool fits = value >= INT_MIN && value <= INT_MAX;
    return signed_to_text(value, fits ? 0xFFFFFFFFULL : ~0ULL, buffer, radix);
}
char* _ultoa(unsigned long value, char* buffer, int radix) {
    return to_text(value, false, buffer, radix);
}
char* _i64toa(long long value, char* buffer, int radix) {
    return signed_to_text(value, ~0ULL, buffer, radix);
}
char* _ui64toa(unsigned long long value, char* buffer, int radix) {
    return to_text(value, false, buffer, radix);
}
char* itoa(int value, char* buffer, int radix) {
    return _itoa(value, buffer, radix);
}
char* ltoa(long value, char* buffer, int radix) {
    return _ltoa(value, buffer, radix);
}

char* _strlwr(char* str) {
    return map_case(str, false);
}
char* _strupr(char* str) {
    return map_case(str, true);
}
char* strlwr(char* str) {
    return map_case(str, false);
}
char* strupr(char* str) {
    return map_case(str, true);
}
errno_t _strlwr_s(char* str, size_t numberOfElements) {
    return map_case_s("_strlwr_s", str, numberOfElements, false);
}
errno_t _strupr_s(char* str, size_t numberOfElements) {
    return map_case_s("_strupr_s", str, numberOfElements, true);
}

errno_t _get_pgmptr(char** pValue) {
    if (pValue == nullptr) {
        isapi_fcgi::win32::invalid_parameter("_get_pgmptr", "pValue is NULL");
        return errno = EINVAL;
    }
    static char path[4096];
    static const bool resolved = [] {
        const ssize_t n = ::readlink("/proc/self/exe", path, sizeof(path) - 1);
        path[n > 0 ? n : 0] = '\0';
        return n > 0;
    }();
    *pValue = path;
    return resolved ? 0 : EINVAL;
}

}  // extern "C"
