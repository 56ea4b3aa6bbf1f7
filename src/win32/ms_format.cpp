#include "win32/ms_format.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <cstdio>
#include <string_view>

#include "win32/unicode.hpp"

namespace isapi_fcgi::win32 {
namespace {

enum class size_class { normal, half, byte, wide32, wide64, long_double };

struct spec {
    std::string flags;
    int width = -1;
    int precision = -1;
    size_class size = size_class::normal;
    bool wide_text = false;  // l, w: %s and %c take WCHAR
    bool narrow_text = false;  // h: %S and %C take char
    char conversion = 0;
};

void append_printf(std::string& out, const std::string& fmt, auto value) {
    char small[128];
    const int n = std::snprintf(small, sizeof(small), fmt.c_str(), value);
    if (n < 0) return;
    if (static_cast<std::size_t>(n) < sizeof(small)) {
        out.append(small, static_cast<std::size_t>(n));
        return;
    }
    std::string big(static_cast<std::size_t>(n) + 1, '\0');
    std::snprintf(big.data(), big.size(), fmt.c_str(), value);
    out.append(big.data(), static_cast<std::size_t>(n));
}

std::string c_spec(const spec& s, std::string_view length, char conversion) {
    std::string fmt = "%" + s.flags;
    if (s.width >= 0) fmt += std::to_string(s.width);
    if (s.precision >= 0) fmt += "." + std::to_string(s.precision);
    fmt += length;
    fmt += conversion;
    return fmt;
}

void append_text(std::string& out, const spec& s, std::string_view text) {
    spec plain = s;
    plain.flags.erase(std::remove_if(plain.flags.begin(), plain.flags.end(),
                                     [](char c) { return c != '-'; }),
                      plain.flags.end());
    const std::string value(text);
    append_printf(out, c_spec(plain, "", 's'), value.c_str());
}

std::string from_wide(const char16_t* text, int precision) {
    if (text == nullptr) return "(null)";
    std::size_t n = 0;
    while (text[n] != 0 && (precision < 0 || n < static_cast<std::size_t>(precision))) ++n;
    return utf16_to_utf8(std::u16string_view(text, n), false).value_or("");
}

}  // namespace

bool ms_format(std::string& out, const char* format, va_list args) {
    const char* p = format;
    while (*p != '\0') {
        if (*p != '%') {
            const char* run = p;
            while (*p != '\0' && *p != '%') ++p;
            out.append(run, static_cast<std::size_t>(p - run));
            continue;
        }
        ++p;
        if (*p == '%') {
            out.push_back('%');
            ++p;
            continue;
        }
        spec s;
        while (*p == '-' || *p == '+' || *p == ' ' || *p == '#' || *p == '0') s.flags += *p++;
        if (*p == '*') {
            s.width = va_arg(args, int);
            if (s.width < 0) {
                s.flags += '-';
                s.width = -s.width;
            }
            ++p;
        } else {
            while (*p >= '0' && *p <= '9') s.width = (s.width < 0 ? 0 : s.width) * 10 + (*p++ - '0');
        }
        if (*p == '.') {
            ++p;
            s.precision = 0;
            if (*p == '*') {
                s.precision = va_arg(args, int);
                ++p;
            } else {
                while (*p >= '0' && *p <= '9') s.precision = s.precision * 10 + (*p++ - '0');
            }
        }
        if (p[0] == 'I' && p[1] == '6' && p[2] == '4') {
            s.size = size_class::wide64;
            p += 3;
        } else if (p[0] == 'I' && p[1] == '3' && p[2] == '2') {
            s.size = size_class::wide32;
            p += 3;
        } else if (*p == 'I' || *p == 'z' || *p == 't' || *p == 'j') {
            s.size = size_class::wide64;
            ++p;
        } else if (p[0] == 'l' && p[1] == 'l') {
            s.size = size_class::wide64;
            p += 2;
        } else if (*p == 'l' || *p == 'w') {
            s.size = size_class::wide32;  // Windows long is 32 bits
            s.wide_text = true;
            ++p;
        } else if (p[0] == 'h' && p[1] == 'h') {
            s.size = size_class::byte;
            p += 2;
        } else if (*p == 'h') {
            s.size = size_class::half;
            s.narrow_text = true;
            ++p;
        } else if (*p == 'L') {
            s.size = size_class::long_double;
            ++p;
        }
        s.conversion = *p;
        if (s.conversion == '\0') return false;
        ++p;
        switch (s.conversion) {
            case 'd':
            case 'i': {
                long long value = 0;
                if (s.size == size_class::wide64) {
                    value = va_arg(args, long long);
                } else {
                    value = va_arg(args, int);
                    if (s.size == size_class::half) value = static_cast<short>(value);
                    if (s.size == size_class::byte) value = static_cast<signed char>(value);
                }
                append_printf(out, c_spec(s, "ll", s.conversion), value);
                break;
            }
            case 'u':
            case 'o':
            case 'x':
            case 'X': {
                unsigned long long value = 0;
                if (s.size == size_class::wide64) {
                    value = va_arg(args, unsigned long long);
                } else {
                    value = va_arg(args, unsigned int);
                    if (s.size == size_class::half) value = static_cast<unsigned short>(value);
                    if (s.size == size_class::byte) value = static_cast<unsigned char>(value);
                }
                append_printf(out, c_spec(s, "ll", s.conversion), value);
                break;
            }
            case 'p': {
                const auto value = reinterpret_cast<std::uintptr_t>(va_arg(args, void*));
                spec hex = s;
                hex.precision = 16;
                append_printf(out, c_spec(hex, "ll", 'X'), static_cast<unsigned long long>(value));
                break;
            }
            case 'c':
            case 'C': {
                const int value = va_arg(args, int);
                const bool wide = s.conversion == 'C' ? !s.narrow_text : s.wide_text;
                std::string text;
                if (wide) {
                    const char16_t unit = static_cast<char16_t>(value);
                    text = utf16_to_utf8(std::u16string_view(&unit, 1), false).value_or("");
                } else {
                    text.push_back(static_cast<char>(value));
                }
                spec no_precision = s;
                no_precision.precision = -1;
                append_text(out, no_precision, text);
                break;
            }
            case 's':
            case 'S': {
                const bool wide = s.conversion == 'S' ? !s.narrow_text : s.wide_text;
                std::string text;
                if (wide) {
                    text = from_wide(va_arg(args, const char16_t*), s.precision);
                } else {
                    const char* value = va_arg(args, const char*);
                    if (value == nullptr) {
                        text = "(null)";
                    } else if (s.precision >= 0) {
                        text.assign(value, ::strnlen(value, static_cast<std::size_t>(s.precision)));
                    } else {
                        text = value;
                    }
                }
                spec no_precision = s;
                no_precision.precision = -1;
                append_text(out, no_precision, text);
                break;
            }
            case 'e':
            case 'E':
            case 'f':
            case 'F':
            case 'g':
            case 'G':
            case 'a':
            case 'A':
                if (s.size == size_class::long_double) {
                    append_printf(out, c_spec(s, "L", s.conversion), va_arg(args, long double));
                } else {
                    append_printf(out, c_spec(s, "", s.conversion), va_arg(args, double));
                }
                break;
            case 'n':
                return false;
            default:
                // The CRT prints an unknown conversion character as itself.
                out.push_back(s.conversion);
                break;
        }
    }
    return true;
}

}  // namespace isapi_fcgi::win32
