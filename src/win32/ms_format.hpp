#pragma once
// printf as the Microsoft C runtime and wsprintf read formats, for code compiled on LP64:
// `l` means 32 bits (Windows long), I64/ll 64 bits, I/z/t/j pointer-sized, `h` 16 bits;
// %S/%ls/%ws print a WCHAR (UTF-16) string as UTF-8, %C/%lc one WCHAR; %p prints 16
// upper-case hex digits; a NULL %s prints "(null)". %n is refused.
#include <cstdarg>
#include <string>

namespace isapi_fcgi::win32 {

/// Appends the formatted text to `out`. False for a format the CRT rejects (%n, a dangling
/// '%'); `out` then holds what came before. The caller owns `args` (it is consumed).
bool ms_format(std::string& out, const char* format, va_list args);

}  // namespace isapi_fcgi::win32
