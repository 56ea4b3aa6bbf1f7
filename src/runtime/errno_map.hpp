#pragma once
// POSIX errno -> Win32 error code, for reporting through SetLastError.
#include <cstdint>

namespace isapi_fcgi::runtime {

std::uint32_t win32_error_from_errno(int error_number) noexcept;

} // namespace isapi_fcgi::runtime
