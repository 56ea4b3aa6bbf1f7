#pragma once
// UTF-8 <-> UTF-16 and the single-byte code pages libisapi-win32 knows, as pure functions.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace isapi_fcgi::win32 {

/// UTF-8 -> UTF-16. Invalid sequences (overlong, surrogates, > U+10FFFF, truncated) become
/// U+FFFD, one per maximal invalid subpart; nullopt instead when `strict`.
std::optional<std::u16string> utf8_to_utf16(std::string_view bytes, bool strict);

/// UTF-16 -> UTF-8. Unpaired surrogates become U+FFFD, or nullopt when `strict`.
std::optional<std::string> utf16_to_utf8(std::u16string_view units, bool strict);

/// Windows-1252: the UTF-16 unit of a byte, and back (nullopt: not representable).
char16_t cp1252_to_utf16(unsigned char byte);
std::optional<unsigned char> utf16_to_cp1252(char16_t unit);

/// Length of a NUL-terminated UTF-16 string.
std::size_t utf16_length(const char16_t* text);

}  // namespace isapi_fcgi::win32
