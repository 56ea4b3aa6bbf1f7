// The MSVC CRT's wide-string functions on WCHAR (UTF-16) strings. The printf forms format
// through the narrow MSVC formatter: the wide format is rewritten so that its strings keep
// their wide-printf meaning (%s wide, %S and %hs narrow), then the result goes back to UTF-16.
#include <cctype>
#include <cerrno>
#include <cstring>
#include <string>

#include <isapi/win32/windows.h>

#include "win32/invalid_parameter.hpp"
#include "win32/ms_format.hpp"
#include "win32/unicode.hpp"

namespace {

using isapi_fcgi::win32::utf16_length;

errno_t report(const char* function, const char* what, errno_t code) {
    isapi_fcgi::win32::invalid_parameter(function, what);
    errno = code;
    return code;
}

char16_t lower(char16_t c) {
    return (c >= u'A' && c <= u'Z') ? static_cast<char16_t>(c + (u'a' - u'A')) : c;
}

const char16_t* units(const WCHAR* text) {
    return reinterpret_cast<const char16_t*>(text);
}

// The UTF-8 narrow-printf equivalent of a wide printf format.
bool narrow_format(const WCHAR* format, std::string& out) {
    const auto utf8 = isapi_fcgi::win32::utf16_to_utf8(units(format), false);
    if (!utf8) return false;
    const std::string& in = *utf8;
    for (std::size_t i = 0; i < in.size(); ++i) {
        out += in[i];
        if (in[i] != '%') continue;
        if (i + 1 < in.size() && in[i + 1] == '%') {
            out += in[++i];
            continue;
        }
        std::size_t j = i + 1;
        while (j < in.size() && std::strchr("-+ #0", in[j]) != nullptr) ++j;
        while (j < in.size() && (std::isdigit(static_cast<unsigned char>(in[j])) || in[j] == '*')) ++j;
        if (j < in.size() && in[j] == '.') {
            ++j;
            while (j < in.size() && (std::isdigit(static_cast<unsigned char>(in[j])) || in[j] == '*')) ++j;
        }
        std::size_t size_end = j;
        while (size_end < in.size() && std::strchr("hlwLIzjt0123456789", in[size_end]) != nullptr) ++size_end;
        if (size_end >= in.size()) {
            out.append(in, i + 1, std::string::npos);
            return true;
        }
        const char type = in[size_end];
        const std::string size(in, j, size_end - j);
        out.append(in, i + 1, j - (i + 1));
        if (type == 's' || type == 'S' || type == 'c' || type == 'C') {
            bool wide = type == 's' || type == 'c';
            if (size == "h") wide = false;
            else if (size == "l" || size == "w") wide = true;
            const char base = (type == 's' || type == 'S') ? 's' : 'c';
            if (wide) out += 'l';
            out += base;
        } else {
            out += size;
            out += type;
        }
        i = size_end;
    }
    return true;
}

// Formats into UTF-16; false (reported as `function`) for a NULL or rejected format.
bool format_wide(const char* function, const WCHAR* format, va_list args, std::u16string& text) {
    std::string narrow;
    if (format == nullptr || !narrow_format(format, narrow)) {
        report(function, "NULL or invalid format", EINVAL);
        return false;
    }
    std::string utf8;
    va_list copy;
    va_copy(copy, args);
    const bool ok = isapi_fcgi::win32::ms_format(utf8, narrow.c_str(), copy);
    va_end(copy);
    if (!ok) {
        report(function, "invalid format", EINVAL);
        return false;
    }
    text = isapi_fcgi::win32::utf8_to_utf16(utf8, false).value_or(std::u16string());
    return true;
}

}  // namespace

extern "C" {

int _wcsicmp(const WCHAR* string1, const WCHAR* string2) {
    if (string1 == nullptr || string2 == nullptr) {
        report("_wcsicmp", "NULL string", EINVAL);
        return 0x7FFFFFFF;  // _NLSCMPERROR
    }
    return _wcsnicmp(string1, string2, static_cast<size_t>(-1));
}

int _wcsnicmp(const WCHAR* string1, const WCHAR* string2, size_t count) {
    if (string1 == nullptr || string2 == nullptr) {
        report("_wcsnicmp", "NULL string", EINVAL);
        return 0x7FFFFFFF;
    }
    for (size_t i = 0; i < count; ++i) {
        const int a = lower(static_cast<char16_t>(string1[i]));
        const int b = lower(static_cast<char16_t>(string2[i]));
        if (a != b || a == 0) return a - b;
    }
    return 0;
}

errno_t wcsncpy_s(WCHAR* dest, size_t dest_size, const WCHAR* src, size_t count) {
    if (count == 0 && dest == nullptr && dest_size == 0) return 0;
    if (dest == nullptr || dest_size == 0) return report("wcsncpy_s", "NULL or empty destination", EINVAL);
    if (src == nullptr) {
        dest[0] = 0;
        return report("wcsncpy_s", "NULL source", EINVAL);
    }
    const size_t length = utf16_length(units(src));
    size_t n = length < count ? length : count;
    if (count == _TRUNCATE && n >= dest_size) {
        std::memcpy(dest, src, (dest_size - 1) * sizeof(WCHAR));
        dest[dest_size - 1] = 0;
        return STRUNCATE;
    }
    if (n >= dest_size) {
        dest[0] = 0;
        return report("wcsncpy_s", "buffer too small", ERANGE);
    }
    std::memcpy(dest, src, n * sizeof(WCHAR));
    dest[n] = 0;
    return 0;
}

errno_t wcscpy_s(WCHAR* dest, size_t dest_size, const WCHAR* src) {
    if (dest == nullptr || dest_size == 0) return report("wcscpy_s", "NULL or empty destination", EINVAL);
    if (src == nullptr) {
        dest[0] = 0;
        return report("wcscpy_s", "NULL source", EINVAL);
    }
    const size_t length = utf16_length(units(src));
    if (length >= dest_size) {
        dest[0] = 0;
        return report("wcscpy_s", "buffer too small", ERANGE);
    }
    std::memcpy(dest, src, (length + 1) * sizeof(WCHAR));
    return 0;
}

int vswprintf_s(WCHAR* buffer, size_t size_of_buffer, const WCHAR* format, va_list argptr) {
    if (buffer == nullptr || size_of_buffer == 0) {
        report("vswprintf_s", "NULL or empty buffer", EINVAL);
        return -1;
    }
    std::u16string text;
    if (!format_wide("vswprintf_s", format, argptr, text)) {
        buffer[0] = 0;
        return -1;
    }
    if (text.size() >= size_of_buffer) {
        buffer[0] = 0;
        report("vswprintf_s", "buffer too small", ERANGE);
        return -1;
    }
    std::memcpy(buffer, text.c_str(), (text.size() + 1) * sizeof(WCHAR));
    return static_cast<int>(text.size());
}

int swprintf_s(WCHAR* buffer, size_t size_of_buffer, const WCHAR* format, ...) {
    va_list args;
    va_start(args, format);
    const int written = vswprintf_s(buffer, size_of_buffer, format, args);
    va_end(args);
    return written;
}

int _vsnwprintf_s(WCHAR* buffer, size_t size_of_buffer, size_t count, const WCHAR* format,
                  va_list argptr) {
    if (buffer == nullptr || size_of_buffer == 0) {
        report("_vsnwprintf_s", "NULL or empty buffer", EINVAL);
        return -1;
    }
    std::u16string text;
    if (!format_wide("_vsnwprintf_s", format, argptr, text)) {
        buffer[0] = 0;
        return -1;
    }
    const size_t limit = count == _TRUNCATE ? size_of_buffer - 1 : count;
    const size_t kept = text.size() < limit ? text.size() : limit;
    if (kept >= size_of_buffer) {
        buffer[0] = 0;
        report("_vsnwprintf_s", "buffer too small", ERANGE);
        return -1;
    }
    std::memcpy(buffer, text.data(), kept * sizeof(WCHAR));
    buffer[kept] = 0;
    return text.size() > limit ? -1 : static_cast<int>(kept);
}

int _snwprintf_s(WCHAR* buffer, size_t size_of_buffer, size_t count, const WCHAR* format, ...) {
    va_list args;
    va_start(args, format);
    const int written = _vsnwprintf_s(buffer, size_of_buffer, count, format, args);
    va_end(args);
    return written;
}

}  // extern "C"
