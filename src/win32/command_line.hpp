#pragma once
// A Windows command line as the program it starts sees it. Windows passes a process one string;
// the program's C runtime splits it into argv. A Linux program gets argv directly, so
// CreateProcess splits the string here, by the rules of Microsoft's C runtime, so that the
// child sees the arguments a Windows build of it would have seen.
#include <string>
#include <string_view>
#include <vector>

namespace isapi_fcgi::win32 {

/// argv of `command_line`, by the Microsoft C runtime's rules:
///  - argv[0], the program, ends at the first space or tab, or is the text between a leading
///    pair of double quotes; backslashes in it are literal;
///  - later arguments are separated by spaces and tabs outside double quotes; quotes group
///    and are removed; 2n backslashes before a quote give n backslashes and the quote groups,
///    2n+1 give n backslashes and a literal quote; "" inside a quoted part is a literal quote;
///    backslashes not before a quote are literal; `""` alone is an empty argument.
std::vector<std::string> split_command_line(std::string_view command_line);

/// The candidate program names Windows tries for an unquoted argv[0] containing spaces
/// (`C:\Program Files\x.exe a` tries "C:\Program", then "C:\Program Files\x.exe", ...): the
/// text up to each space or tab before the first argument-separating one that names a file.
/// For a quoted or space-free program name, only that name.
std::vector<std::string> program_candidates(std::string_view command_line);

}  // namespace isapi_fcgi::win32
