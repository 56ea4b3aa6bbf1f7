#include "win32/unicode.hpp"

#include <array>

namespace isapi_fcgi::win32 {
namespace {

constexpr char16_t replacement = 0xFFFD;

// 0x80..0x9F of Windows-1252; 0 marks the five unassigned bytes, which map to C1 controls.
constexpr std::array<char16_t, 32> cp1252_high{
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

void append_utf16(std::u16string& out, char32_t code) {
    if (code < 0x10000) {
        out.push_back(static_cast<char16_t>(code));
        return;
    }
    code -= 0x10000;
    out.push_back(static_cast<char16_t>(0xD800 + (code >> 10)));
    out.push_back(static_cast<char16_t>(0xDC00 + (code & 0x3FF)));
}

void append_utf8(std::string& out, char32_t code) {
    if (code < 0x80) {
        out.push_back(static_cast<char>(code));
    } else if (code < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (code >> 6)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (code >> 12)));
        out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (code >> 18)));
        out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
}

}  // namespace

std::optional<std::u16string> utf8_to_utf16(std::string_view bytes, bool strict) {
    std::u16string out;
    out.reserve(bytes.size());
    std::size_t i = 0;
    while (i < bytes.size()) {
        const auto lead = static_cast<unsigned char>(bytes[i]);
        if (lead < 0x80) {
            out.push_back(lead);
            ++i;
            continue;
        }
        std::size_t length = 0;
        char32_t code = 0;
        unsigned char low = 0x80;
        unsigned char high = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
            code = lead & 0x1F;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            code = lead & 0x0F;
            if (lead == 0xE0) low = 0xA0;   // no overlong forms
            if (lead == 0xED) high = 0x9F;  // no surrogates
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            code = lead & 0x07;
            if (lead == 0xF0) low = 0x90;
            if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
        }
        // The maximal subpart of a bad sequence is replaced once (Unicode's recommendation).
        std::size_t taken = 1;
        bool valid = length != 0;
        for (std::size_t k = 1; valid && k < length; ++k) {
            if (i + k >= bytes.size()) {
                valid = false;
                break;
            }
            const auto next = static_cast<unsigned char>(bytes[i + k]);
            const unsigned char min = k == 1 ? low : 0x80;
            const unsigned char max = k == 1 ? high : 0xBF;
            if (next < min || next > max) {
                valid = false;
                break;
            }
            code = (code << 6) | (next & 0x3F);
            taken = k + 1;
        }
        if (!valid) {
            if (strict) return std::nullopt;
            out.push_back(replacement);
            i += taken;
            continue;
        }
        append_utf16(out, code);
        i += length;
    }
    return out;
}

std::optional<std::string> utf16_to_utf8(std::u16string_view units, bool strict) {
    std::string out;
    out.reserve(units.size());
    for (std::size_t i = 0; i < units.size(); ++i) {
        char32_t code = units[i];
        if (code >= 0xD800 && code <= 0xDBFF && i + 1 < units.size() && units[i + 1] >= 0xDC00
            && units[i + 1] <= 0xDFFF) {
            code = 0x10000 + ((code - 0xD800) << 10) + (units[i + 1] - 0xDC00);
            ++i;
        } else if (code >= 0xD800 && code <= 0xDFFF) {
            if (strict) return std::nullopt;
            code = replacement;
        }
        append_utf8(out, code);
    }
    return out;
}

char16_t cp1252_to_utf16(unsigned char byte) {
    if (byte >= 0x80 && byte <= 0x9F && cp1252_high[byte - 0x80] != 0) {
        return cp1252_high[byte - 0x80];
    }
    return byte;
}

std::optional<unsigned char> utf16_to_cp1252(char16_t unit) {
    if (unit < 0x80 || (unit >= 0xA0 && unit <= 0xFF)) return static_cast<unsigned char>(unit);
    for (std::size_t i = 0; i < cp1252_high.size(); ++i) {
        if (cp1252_high[i] == unit && unit != 0) return static_cast<unsigned char>(0x80 + i);
    }
    if (unit >= 0x80 && unit <= 0x9F) {
        const auto slot = cp1252_high[unit - 0x80];
        if (slot == 0) return static_cast<unsigned char>(unit);  // the unassigned bytes
    }
    return std::nullopt;
}

std::size_t utf16_length(const char16_t* text) {
    std::size_t n = 0;
    while (text[n] != 0) ++n;
    return n;
}

}  // namespace isapi_fcgi::win32
