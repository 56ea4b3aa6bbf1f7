// The MSVC CRT string functions of isapi_crt.h: _stricmp, _snprintf and the secure *_s family.
#include <cctype>
#include <cerrno>
#include <cstring>
#include <string>

#include <isapi/win32/isapi_crt.h>

#include "win32/invalid_parameter.hpp"
#include "win32/ms_format.hpp"

namespace {

using isapi_fcgi::win32::invalid_parameter;

errno_t report(const char* function, const char* what, errno_t code) {
    invalid_parameter(function, what);
    errno = code;
    return code;
}

int lower(unsigned char c) {
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

// Formats into `text`; false (with errno EINVAL) for a rejected format.
bool format_to(std::string& text, const char* format, va_list args) {
    va_list copy;
    va_copy(copy, args);
    const bool ok = isapi_fcgi::win32::ms_format(text, format, copy);
    va_end(copy);
    return ok;
}

// The argument checks of the *printf_s family, then the formatting; false (reported, the
// buffer emptied where there is one) when either fails.
bool checked_format(const char* function, char* buffer, size_t size, const char* format, va_list args,
                    std::string& text) {
    if (format == nullptr || buffer == nullptr || size == 0) {
        if (buffer != nullptr && size > 0) buffer[0] = '\0';
        report(function, "NULL buffer or format, or empty buffer", EINVAL);
        return false;
    }
    if (!format_to(text, format, args)) {
        buffer[0] = '\0';
        report(function, "format not allowed", EINVAL);
        return false;
    }
    return true;
}

}  // namespace

extern "C" {

int _stricmp(const char* string1, const char* string2) {
    if (string1 == nullptr || string2 == nullptr) {
        invalid_parameter("_stricmp", "NULL string");
        errno = EINVAL;
        return INT32_MAX;  // _NLSCMPERROR
    }
    for (;; ++string1, ++string2) {
        const int a = lower(static_cast<unsigned char>(*string1));
        const int b = lower(static_cast<unsigned char>(*string2));
        if (a != b || a == 0) return a - b;
    }
}

int _strnicmp(const char* string1, const char* string2, size_t count) {
    if (count == 0) return 0;
    if (string1 == nullptr || string2 == nullptr) {
        invalid_parameter("_strnicmp", "NULL string");
        errno = EINVAL;
        return INT32_MAX;
    }
    for (size_t i = 0; i < count; ++i) {
        const int a = lower(static_cast<unsigned char>(string1[i]));
        const int b = lower(static_cast<unsigned char>(string2[i]));
        if (a != b || a == 0) return a - b;
    }
    return 0;
}

int _vsnprintf(char* buffer, size_t count, const char* format, va_list argptr) {
    if (format == nullptr || (buffer == nullptr && count > 0)) {
        invalid_parameter("_vsnprintf", "NULL buffer or format");
        errno = EINVAL;
        return -1;
    }
    std::string text;
    if (!format_to(text, format, argptr)) {
        errno = EINVAL;
        return -1;
    }
    if (text.size() < count) {
        std::memcpy(buffer, text.data(), text.size() + 1);
        return static_cast<int>(text.size());
    }
    std::memcpy(buffer, text.data(), count);  // no terminator when it does not fit
    return text.size() == count ? static_cast<int>(count) : -1;
}

int _snprintf(char* buffer, size_t count, const char* format, ...) {
    va_list args;
    va_start(args, format);
    const int written = _vsnprintf(buffer, count, format, args);
    va_end(args);
    return written;
}

errno_t strcpy_s(char* dest, rsize_t dest_size, const char* src) {
    if (dest == nullptr || dest_size == 0) return report("strcpy_s", "NULL or empty destination", EINVAL);
    if (src == nullptr) {
        dest[0] = '\0';
        return report("strcpy_s", "NULL source", EINVAL);
    }
    const size_t length = ::strnlen(src, dest_size);
    if (length == dest_size) {
        dest[0] = '\0';
        return report("strcpy_s", "destination too small", ERANGE);
    }
    std::memcpy(dest, src, length + 1);
    return 0;
}

errno_t strncpy_s(char* dest, rsize_t dest_size, const char* src, rsize_t count) {
    if (count == 0 && dest == nullptr && dest_size == 0) return 0;
    if (dest == nullptr || dest_size == 0) return report("strncpy_s", "NULL or empty destination", EINVAL);
    if (count == 0) {
        dest[0] = '\0';
        return 0;
    }
    if (src == nullptr) {
        dest[0] = '\0';
        return report("strncpy_s", "NULL source", EINVAL);
    }
    if (count == _TRUNCATE) {
        const size_t length = ::strnlen(src, dest_size);
        if (length == dest_size) {
            std::memcpy(dest, src, dest_size - 1);
            dest[dest_size - 1] = '\0';
            return STRUNCATE;
        }
        std::memcpy(dest, src, length + 1);
        return 0;
    }
    const size_t length = ::strnlen(src, count);
    if (length >= dest_size) {
        dest[0] = '\0';
        return report("strncpy_s", "destination too small", ERANGE);
    }
    std::memcpy(dest, src, length);
    dest[length] = '\0';
    return 0;
}

errno_t strncat_s(char* dest, rsize_t dest_size, const char* src, rsize_t count) {
    if (dest == nullptr || dest_size == 0) return report("strncat_s", "NULL or empty destination", EINVAL);
    const size_t used = ::strnlen(dest, dest_size);
    if (used == dest_size) {
        dest[0] = '\0';
        return report("strncat_s", "destination not terminated", EINVAL);
    }
    if (count == 0) return 0;
    if (src == nullptr) {
        dest[0] = '\0';
        return report("strncat_s", "NULL source", EINVAL);
    }
    const size_t room = dest_size - used;  // including the terminator
    if (count == _TRUNCATE) {
        const size_t length = ::strnlen(src, room);
        if (length == room) {
            std::memcpy(dest + used, src, room - 1);
            dest[dest_size - 1] = '\0';
            return STRUNCATE;
        }
        std::memcpy(dest + used, src, length + 1);
        return 0;
    }
    const size_t length = ::strnlen(src, count);
    if (length >= room) {
        dest[0] = '\0';
        return report("strncat_s", "destination too small", ERANGE);
    }
    std::memcpy(dest + used, src, length);
    dest[used + length] = '\0';
    return 0;
}

errno_t strcat_s(char* dest, rsize_t dest_size, const char* src) {
    if (dest == nullptr || dest_size == 0) return report("strcat_s", "NULL or empty destination", EINVAL);
    const size_t used = ::strnlen(dest, dest_size);
    if (used == dest_size) {
        dest[0] = '\0';
        return report("strcat_s", "destination not terminated", EINVAL);
    }
    if (src == nullptr) {
        dest[0] = '\0';
        return report("strcat_s", "NULL source", EINVAL);
    }
    const size_t length = ::strnlen(src, dest_size - used);
    if (used + length >= dest_size) {
        dest[0] = '\0';
        return report("strcat_s", "destination too small", ERANGE);
    }
    std::memcpy(dest + used, src, length + 1);
    return 0;
}

size_t strnlen_s(const char* str, size_t number_of_elements) {
    return str == nullptr ? 0 : ::strnlen(str, number_of_elements);
}

int vsprintf_s(char* buffer, size_t size_of_buffer, const char* format, va_list argptr) {
    std::string text;
    if (!checked_format("vsprintf_s", buffer, size_of_buffer, format, argptr, text)) return -1;
    if (text.size() >= size_of_buffer) {
        buffer[0] = '\0';
        report("vsprintf_s", "buffer too small", ERANGE);
        return -1;
    }
    std::memcpy(buffer, text.c_str(), text.size() + 1);
    return static_cast<int>(text.size());
}

int sprintf_s(char* buffer, size_t size_of_buffer, const char* format, ...) {
    va_list args;
    va_start(args, format);
    const int written = vsprintf_s(buffer, size_of_buffer, format, args);
    va_end(args);
    return written;
}

int _vsnprintf_s(char* buffer, size_t size_of_buffer, size_t count, const char* format,
                 va_list argptr) {
    std::string text;
    if (!checked_format("_vsnprintf_s", buffer, size_of_buffer, format, argptr, text)) return -1;
    // The output is cut at count characters (or at what fits, for _TRUNCATE); what is kept
    // must then fit with its terminator, else it is a violation.
    const size_t limit = count == _TRUNCATE ? size_of_buffer - 1 : count;
    const size_t kept = text.size() < limit ? text.size() : limit;
    if (kept >= size_of_buffer) {
        buffer[0] = '\0';
        report("_vsnprintf_s", "buffer too small", ERANGE);
        return -1;
    }
    std::memcpy(buffer, text.data(), kept);
    buffer[kept] = '\0';
    return text.size() > limit ? -1 : static_cast<int>(kept);
}

int _snprintf_s(char* buffer, size_t size_of_buffer, size_t count, const char* format, ...) {
    va_list args;
    va_start(args, format);
    const int written = _vsnprintf_s(buffer, size_of_buffer, count, format, args);
    va_end(args);
    return written;
}

errno_t memcpy_s(void* dest, rsize_t dest_size, const void* src, rsize_t count) {
    if (count == 0) return 0;
    if (dest == nullptr) return report("memcpy_s", "NULL destination", EINVAL);
    if (src == nullptr) {
        std::memset(dest, 0, dest_size);
        return report("memcpy_s", "NULL source", EINVAL);
    }
    if (dest_size < count) {
        std::memset(dest, 0, dest_size);
        return report("memcpy_s", "destination too small", ERANGE);
    }
    std::memcpy(dest, src, count);
    return 0;
}

errno_t memmove_s(void* dest, rsize_t dest_size, const void* src, rsize_t count) {
    if (count == 0) return 0;
    if (dest == nullptr || src == nullptr) return report("memmove_s", "NULL pointer", EINVAL);
    if (dest_size < count) return report("memmove_s", "destination too small", ERANGE);
    std::memmove(dest, src, count);
    return 0;
}

static errno_t unsigned_to_text(const char* function, unsigned long long value, bool negative,
                                char* buffer, size_t size, int radix) {
    if (buffer == nullptr || size == 0) return report(function, "NULL or empty buffer", EINVAL);
    if (radix < 2 || radix > 36) {
        buffer[0] = '\0';
        return report(function, "radix out of range", EINVAL);
    }
    char digits[72];
    size_t n = 0;
    do {
        const auto digit = static_cast<int>(value % static_cast<unsigned>(radix));
        digits[n++] = static_cast<char>(digit < 10 ? '0' + digit : 'a' + digit - 10);
        value /= static_cast<unsigned>(radix);
    } while (value != 0);
    if (negative) digits[n++] = '-';
    if (n + 1 > size) {
        buffer[0] = '\0';
        return report(function, "buffer too small", ERANGE);
    }
    for (size_t i = 0; i < n; ++i) buffer[i] = digits[n - 1 - i];
    buffer[n] = '\0';
    return 0;
}

errno_t _itoa_s(int value, char* buffer, size_t size, int radix) {
    // Only base 10 is signed; other bases print the two's complement bits, as MSVC's do.
    if (radix == 10 && value < 0) {
        return unsigned_to_text("_itoa_s", 0ULL - static_cast<unsigned long long>(value), true,
                                buffer, size, radix);
    }
    return unsigned_to_text("_itoa_s", static_cast<unsigned int>(value), false, buffer, size, radix);
}

errno_t _ultoa_s(unsigned long value, char* buffer, size_t size, int radix) {
    // Windows unsigned long is 32 bits.
    return unsigned_to_text("_ultoa_s", static_cast<unsigned int>(value), false, buffer, size, radix);
}

}  // extern "C"
